import type { Db } from "@/db";
import { countRateLimitHit } from "@/db/queries/rate-limits";
import { ErrorRecognisedByName } from "@/lib/wechat/errors";

export interface RateLimit {
  /** Prefix of the counted key. */
  name: string;
  limit: number;
  windowSeconds: number;
}

/**
 * Sign-ups per client address: a business signs up once; a handful covers colleagues behind one office address,
 * while scripted account creation (each one also costs a password hash) is held back.
 */
export const SIGN_UP_LIMIT: RateLimit = { name: "signup", limit: 5, windowSeconds: 3600 };

/**
 * Authorization starts per merchant: each spends a pre_auth_code from the platform's daily quota with WeChat,
 * so one merchant clicking in a loop cannot use it up for everyone. Ten in ten minutes is plenty for retries.
 */
export const AUTHORIZATION_START_LIMIT: RateLimit = { name: "authorize", limit: 10, windowSeconds: 600 };

export type RateLimitResult = { ok: true } | { ok: false; retryAfterSeconds: number };

/** Counts one use of `limit` for `subject` (before the work is done) and says whether it is allowed. */
export async function takeRateLimit(
  db: Db,
  limit: RateLimit,
  subject: string,
  now: () => number = Date.now,
): Promise<RateLimitResult> {
  const { hits, windowEndsAt } = await countRateLimitHit(db, {
    key: `${limit.name}:${subject}`,
    windowSeconds: limit.windowSeconds,
    cap: limit.limit + 1,
  });
  if (hits <= limit.limit) return { ok: true };
  return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((windowEndsAt.getTime() - now()) / 1000)) };
}

/** Thrown by work refused by a rate limit; recognised by name, since Next may bundle this class more than once. */
export class RateLimitedError extends ErrorRecognisedByName("RateLimitedError") {
  constructor(readonly retryAfterSeconds: number) {
    super("rate limited");
  }
}

/** The wait in whole minutes (at least one), for a refusal's message (`{minutes}` in the catalog). */
export function retryAfterMinutes(seconds: number): number {
  return Math.max(1, Math.ceil(seconds / 60));
}
