import type { Db } from "@/db";
import { clearLoginFailures, countRecentLoginFailures, findUserByEmail, recordLoginFailure } from "@/db/queries/users";
import { burnPasswordCheck, verifyPassword } from "@/lib/auth/password";

/**
 * Per email: after 3 failures in 15 minutes each attempt waits longer (250 ms, doubling, at most 4 s); after
 * 10, none is checked until the window passes. Per client address only the slowdown applies, and later, since
 * many people can share one address.
 */
export const SLOW_AFTER_FAILURES = 3;
export const BLOCK_AFTER_FAILURES = 10;
const ADDRESS_FAILURES_PER_EMAIL_FAILURE = 5;

export type CredentialsResult =
  | { ok: true; user: { id: string; email: string; role: "merchant" | "staff" | "admin"; merchantId: string | null } }
  | { ok: false; reason: "invalid_credentials" | "too_many_attempts" };

export function loginDelayMs(failures: number): number {
  return failures < SLOW_AFTER_FAILURES ? 0 : Math.min(250 * 2 ** (failures - SLOW_AFTER_FAILURES), 4000);
}

/** Checks an email and password, slowing down and then stopping repeated failures. */
export async function checkCredentials(
  db: Db,
  input: { email: string; password: string; address: string },
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<CredentialsResult> {
  const email = input.email.toLowerCase();
  const emailKey = `email:${email}`;
  const addressKey = `ip:${input.address}`;
  const [byEmail, byAddress] = await Promise.all([countRecentLoginFailures(db, emailKey), countRecentLoginFailures(db, addressKey)]);
  if (byEmail >= BLOCK_AFTER_FAILURES) return { ok: false, reason: "too_many_attempts" };
  const delay = loginDelayMs(Math.max(byEmail, Math.floor(byAddress / ADDRESS_FAILURES_PER_EMAIL_FAILURE)));
  // Security: each further guess costs the guesser more time.
  if (delay > 0) await sleep(delay);

  const user = await findUserByEmail(db, email);
  // An unknown email costs the same time as a wrong password, so emails can't be probed by timing.
  const ok = user ? await verifyPassword(input.password, user.passwordHash) : (await burnPasswordCheck(input.password), false);
  if (!user || !ok) {
    await Promise.all([recordLoginFailure(db, emailKey), recordLoginFailure(db, addressKey)]);
    return { ok: false, reason: "invalid_credentials" };
  }
  await clearLoginFailures(db, emailKey);
  return { ok: true, user: { id: user.id, email: user.email, role: user.role, merchantId: user.merchantId } };
}
