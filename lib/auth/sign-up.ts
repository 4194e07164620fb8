import type { Db } from "@/db";
import { createMerchantWithUser } from "@/db/queries/users";
import { hashPassword, type ScryptCost } from "@/lib/auth/password";
import { SIGN_UP_LIMIT, takeRateLimit } from "@/lib/rate-limit";

export type SignUpResult =
  | { ok: true; merchantId: string; userId: string }
  | { ok: false; reason: "email_taken" }
  | { ok: false; reason: "rate_limited"; retryAfterSeconds: number };

/**
 * Creates a merchant and its first user. Sign-ups are limited per client address (SIGN_UP_LIMIT), counted
 * before anything else is done, so a script cannot create accounts (or spend password hashes) in bulk.
 */
export async function signUpMerchant(
  db: Db,
  input: { businessName: string; email: string; password: string; address: string },
  options: { cost?: ScryptCost } = {},
): Promise<SignUpResult> {
  const allowed = await takeRateLimit(db, SIGN_UP_LIMIT, input.address);
  if (!allowed.ok) return { ok: false, reason: "rate_limited", retryAfterSeconds: allowed.retryAfterSeconds };
  const created = await createMerchantWithUser(db, {
    businessName: input.businessName,
    email: input.email,
    passwordHash: await hashPassword(input.password, options.cost),
  });
  return created ? { ok: true, ...created } : { ok: false, reason: "email_taken" };
}
