import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Whether an Authorization header carries the metrics token. Constant-time: both sides are hashed to 32 bytes
 * first, so neither the token's length nor its prefix leaks through timing.
 */
export function isMetricsTokenValid(expected: string, header: string | null): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  const presented = createHash("sha256")
    .update(match?.[1] ?? "")
    .digest();
  const wanted = createHash("sha256").update(expected).digest();
  return timingSafeEqual(presented, wanted) && match !== null;
}

const NO_STORE = { "cache-control": "no-store" };

/**
 * `GET /api/metrics`: 404 while METRICS_TOKEN is unset (the endpoint does not exist), 401 for a missing or wrong
 * token, else the text `render` produces (read only once the caller is known).
 */
export async function metricsResponse(
  token: string | undefined,
  authorization: string | null,
  render: () => Promise<{ body: string; contentType: string }>,
): Promise<Response> {
  if (!token) return new Response("not found", { status: 404, headers: NO_STORE });
  if (!isMetricsTokenValid(token, authorization)) {
    return new Response("unauthorized", {
      status: 401,
      headers: { "www-authenticate": 'Bearer realm="metrics"', ...NO_STORE },
    });
  }
  const { body, contentType } = await render();
  return new Response(body, { headers: { "content-type": contentType, ...NO_STORE } });
}
