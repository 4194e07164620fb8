/**
 * Same-site paths only, for the login page and the sign-in action: an open redirect after sign-in would hand the
 * session's trust to anyone's link.
 */
export function safeCallbackUrl(value: unknown, fallback = "/accounts"): string {
  const url = typeof value === "string" ? value : "";
  return url.startsWith("/") && !url.startsWith("//") && !url.startsWith("/\\") ? url : fallback;
}
