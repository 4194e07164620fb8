import { createServer, type Server, type ServerResponse } from "node:http";

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

/** A request as a test's own HTTP server received it, with its whole body. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Headers;
  body: Buffer;
}

/** Starts an HTTP server on 127.0.0.1:`port` (a webhook endpoint, an OTLP collector) that hands every request, once its body is read, to `onRequest`. */
export async function startReceiver(
  port: number,
  onRequest: (request: ReceivedRequest, response: ServerResponse) => void,
): Promise<Server> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () =>
      onRequest(
        {
          method: request.method ?? "",
          path: request.url ?? "",
          headers: new Headers(Object.entries(request.headers).map(([k, v]) => [k, String(v)] as [string, string])),
          body: Buffer.concat(chunks),
        },
        response,
      ),
    );
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return server;
}
