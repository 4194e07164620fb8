/**
 * A stand-in for the app's own origin. Only the path, query and fragment are ever returned, so which origin this is
 * does not matter: what matters is that the value resolves to the same one (and the page needs no env to decide).
 */
const SELF = new URL("http://portal.invalid");
// C0 controls, DEL, C1 controls, and backslashes: browsers strip or rewrite them (`/\t/x` becomes `//x`).
const UNSAFE_CHARACTER = /[\u0000-\u001f\u007f-\u009f\\]/;
const MAX_LENGTH = 2000;

/**
 * Same-site paths only, for the login page and the sign-in action: an open redirect after sign-in would hand the
 * session's trust to anyone's link. The value is resolved against the app's origin with the browser's own
 * parser and must stay on it; control characters and backslashes are refused in the value and, percent-decoded,
 * in its path (`/%09/x`, `/%5Cx`, `/%2F%2Fx`), in case something on the way decodes it. Returns the normalised
 * path, query and fragment, or `fallback`.
 */
export function safeCallbackUrl(value: unknown, fallback = "/accounts"): string {
  if (typeof value !== "string" || value.length > MAX_LENGTH) return fallback;
  if (!value.startsWith("/") || value.startsWith("//") || UNSAFE_CHARACTER.test(value)) return fallback;
  let url: URL;
  try {
    url = new URL(value, SELF);
  } catch {
    return fallback;
  }
  if (url.origin !== SELF.origin) return fallback;
  const path = fullyDecoded(url.pathname);
  if (path === undefined || path.startsWith("//") || UNSAFE_CHARACTER.test(path)) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** The path with percent-encoding undone until nothing changes (`%252F` is `/` to something that decodes twice). */
function fullyDecoded(path: string): string | undefined {
  let current = path;
  for (let i = 0; i < 4; i++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return undefined;
    }
    if (next === current) return current;
    current = next;
  }
  return undefined;
}
