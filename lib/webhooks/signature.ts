import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Webhook signatures as in the Standard Webhooks spec (standardwebhooks.com), so merchants can verify with its
 * libraries in any language or with a few lines of their own:
 *
 *   webhook-id:        stable per message, identical on every retry (the idempotency key)
 *   webhook-timestamp: Unix seconds of this attempt
 *   webhook-signature: "v1," + base64(HMAC-SHA256(key, `${id}.${timestamp}.${body}`))
 *
 * where `key` is the base64 part of the merchant's secret `whsec_…`.
 */

const SECRET_PREFIX = "whsec_";

export function generateWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(24).toString("base64")}`;
}

function secretKey(secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) throw new TypeError("webhook secret must start with whsec_");
  return Buffer.from(secret.slice(SECRET_PREFIX.length), "base64");
}

export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  return `v1,${createHmac("sha256", secretKey(secret)).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
}

export interface WebhookHeaders {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
}

export function webhookHeaders(secret: string, id: string, timestamp: number, body: string): WebhookHeaders {
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": signWebhook(secret, id, timestamp, body),
  };
}

/**
 * What a merchant's endpoint does (docs/webhooks.md shows it): recompute, compare in constant time, and refuse old
 * timestamps so a captured request cannot be replayed later. The header may list several `v1,` signatures.
 */
export function verifyWebhook(
  secret: string,
  headers: { get(name: string): string | null },
  body: string,
  opts: { toleranceSeconds?: number; now?: number } = {},
): boolean {
  const id = headers.get("webhook-id");
  const timestamp = headers.get("webhook-timestamp");
  const signatures = headers.get("webhook-signature");
  if (!id || !timestamp || !signatures || !/^\d{1,12}$/.test(timestamp)) return false;
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(timestamp)) > (opts.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signWebhook(secret, id, Number(timestamp), body));
  return signatures.split(" ").some((candidate) => {
    const actual = Buffer.from(candidate);
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  });
}
