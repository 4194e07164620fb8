/** Same-site paths only, as the sign-in action itself enforces: never an open redirect. */
export function safeCallbackUrl(value: unknown, fallback = "/accounts"): string {
  const url = typeof value === "string" ? value : "";
  return url.startsWith("/") && !url.startsWith("//") && !url.startsWith("/\\") ? url : fallback;
}
