import { AppError } from "@/lib/errors";

/** Reads a request body as UTF-8 text, refusing (413) before buffering more than `maxBytes`. */
export async function readBodyLimited(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw new AppError("payload_too_large", "body too large");
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new AppError("payload_too_large", "body too large");
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * The body of a push from WeChat, or the 4xx answer to give instead (413 past `maxBytes`, 400 when unreadable).
 * Both push routes start with it.
 */
export async function readPushBody(
  request: Request,
  maxBytes: number,
): Promise<{ body: string } | { response: Response }> {
  try {
    return { body: await readBodyLimited(request, maxBytes) };
  } catch (error) {
    if (error instanceof AppError) return { response: textResponse(error.status, error.message) };
    return { response: textResponse(400, "unreadable body") };
  }
}

export function textResponse(
  status: number,
  body: string,
  contentType: "text/plain" | "application/xml" = "text/plain",
): Response {
  return new Response(body, {
    status,
    headers: { "content-type": `${contentType}; charset=utf-8`, "cache-control": "no-store" },
  });
}

/**
 * The client's address as the proxies in front of us saw it. Each trusted proxy appends the address it received
 * the request from to `X-Forwarded-For`, so the client's address is `trustedHops` entries from the end; anything
 * before it was written by the client and proves nothing. With fewer entries than hops, the first is the best
 * there is. (`next start` fills the header with the socket's address when no proxy sent one.)
 */
export function clientAddress(headers: Headers, trustedHops: number): string {
  const entries = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) return headers.get("x-real-ip")?.trim() || "unknown";
  return entries[Math.max(0, entries.length - trustedHops)]!;
}
