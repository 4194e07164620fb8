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

/** One entry of a `Server-Timing` header: where the scrape's time went on the server. */
export interface ServerTiming {
  name: string;
  ms: number;
  description?: string;
}

/** `Server-Timing` header value (RFC: `name;dur=12.3;desc="..."`), durations in milliseconds to 0.1 ms. */
export function serverTimingHeader(timings: ServerTiming[]): string {
  return timings
    .map((t) => `${t.name};dur=${t.ms.toFixed(1)}${t.description ? `;desc="${t.description}"` : ""}`)
    .join(", ");
}

/**
 * `GET /api/metrics`: 404 while METRICS_TOKEN is unset (the endpoint does not exist), 401 for a missing or wrong
 * token, else the text `render` produces (read only once the caller is known), with its timings as `Server-Timing`
 * so an operator (or the benchmark) sees whether a slow scrape waited on the database or on rendering.
 */
export async function metricsResponse(
  token: string | undefined,
  authorization: string | null,
  render: () => Promise<{ body: string; contentType: string; timings?: ServerTiming[] }>,
): Promise<Response> {
  if (!token) return new Response("not found", { status: 404, headers: NO_STORE });
  if (!isMetricsTokenValid(token, authorization)) {
    return new Response("unauthorized", {
      status: 401,
      headers: { "www-authenticate": 'Bearer realm="metrics"', ...NO_STORE },
    });
  }
  const { body, contentType, timings } = await render();
  const headers: Record<string, string> = { "content-type": contentType, ...NO_STORE };
  if (timings?.length) headers["server-timing"] = serverTimingHeader(timings);
  return new Response(body, { headers });
}
