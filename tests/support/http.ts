/**
 * fetch for test plumbing (the sandbox's control plane): one retry when a kept-alive connection was closed by
 * the server just as the request went out (undici's "other side closed" race on a loaded machine).
 */
export async function controlFetch(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    if (
      !(error instanceof TypeError) ||
      !String((error as Error & { cause?: unknown }).cause).includes("other side closed")
    )
      throw error;
    return fetch(url, init);
  }
}
