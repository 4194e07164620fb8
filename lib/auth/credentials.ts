import type { Db } from "@/db";
import {
  clearLoginFailures,
  countLoginAttempt,
  findUserByEmail,
  uncountLoginAttempt,
  updatePasswordHash,
} from "@/db/queries/users";
import {
  burnPasswordCheck,
  hashPassword,
  needsRehash,
  PASSWORD_COST,
  verifyPassword,
  type ScryptCost,
} from "@/lib/auth/password";
import { describeError, log } from "@/lib/log";

/**
 * Per email: after 3 failures in 15 minutes each attempt waits longer (250 ms, doubling, at most 4 s); after
 * 10, none is checked until the window passes. Per client address only the slowdown applies, and later, since
 * many people can share one address.
 */
export const SLOW_AFTER_FAILURES = 3;
export const BLOCK_AFTER_FAILURES = 10;
const ADDRESS_FAILURES_PER_EMAIL_FAILURE = 5;
/** The per-address count stops here: far past the longest slowdown, and it never locks anyone out. */
const ADDRESS_COUNT_CAP = 1000;

export type CredentialsResult =
  | { ok: true; user: { id: string; email: string; role: "merchant" | "staff" | "admin"; merchantId: string | null } }
  | { ok: false; reason: "invalid_credentials" | "too_many_attempts" };

export interface CredentialsDeps {
  sleep?: (ms: number) => Promise<void>;
  /** Checks a password against a stored hash, or (null) spends the same time for an unknown email. */
  checkPassword?: (password: string, stored: string | null) => Promise<boolean>;
  /** The parameters a weaker stored hash is upgraded to at sign-in (tests use small ones). */
  cost?: ScryptCost;
}

export function loginDelayMs(failures: number): number {
  return failures < SLOW_AFTER_FAILURES ? 0 : Math.min(250 * 2 ** (failures - SLOW_AFTER_FAILURES), 4000);
}

/** Checks an email and password, slowing down and then stopping repeated failures. */
export async function checkCredentials(
  db: Db,
  input: { email: string; password: string; address: string },
  deps: CredentialsDeps = {},
): Promise<CredentialsResult> {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const cost = deps.cost ?? PASSWORD_COST;
  const checkPassword =
    deps.checkPassword ??
    ((password: string, stored: string | null) =>
      stored ? verifyPassword(password, stored) : burnPasswordCheck(password, cost).then(() => false));
  const email = input.email.toLowerCase();
  const emailKey = `email:${email}`;
  const addressKey = `ip:${input.address}`;

  // Security: the attempt is counted before the password is checked, in one statement that returns the count, so
  // parallel guesses each get their own number and no more than BLOCK_AFTER_FAILURES of them are ever checked.
  const byEmail = await countLoginAttempt(db, emailKey, BLOCK_AFTER_FAILURES);
  if (byEmail > BLOCK_AFTER_FAILURES) return { ok: false, reason: "too_many_attempts" };
  const byAddress = await countLoginAttempt(db, addressKey, ADDRESS_COUNT_CAP);
  // Earlier attempts (this one is counted already) decide the delay.
  const delay = loginDelayMs(Math.max(byEmail - 1, Math.floor((byAddress - 1) / ADDRESS_FAILURES_PER_EMAIL_FAILURE)));
  // Security: each further guess costs the guesser more time.
  if (delay > 0) await sleep(delay);

  const user = await findUserByEmail(db, email);
  // An unknown email costs the same time as a wrong password, so emails can't be probed by timing.
  const ok = await checkPassword(input.password, user?.passwordHash ?? null);
  if (!user || !ok) return { ok: false, reason: "invalid_credentials" };

  // A success forgets the email's failures; for the address, only this attempt is taken back (it was no guess).
  await Promise.all([clearLoginFailures(db, emailKey), uncountLoginAttempt(db, addressKey)]);
  if (needsRehash(user.passwordHash, cost)) await upgradeHash(db, user, input.password, cost);
  return { ok: true, user: { id: user.id, email: user.email, role: user.role, merchantId: user.merchantId } };
}

/** A hash made with weaker parameters is replaced now, while the password is at hand. A failure only waits for next time. */
async function upgradeHash(
  db: Db,
  user: { id: string; passwordHash: string },
  password: string,
  cost: ScryptCost,
): Promise<void> {
  try {
    await updatePasswordHash(db, { userId: user.id, from: user.passwordHash, to: await hashPassword(password, cost) });
  } catch (error) {
    log.warn("password hash not upgraded", { userId: user.id, error: describeError(error) });
  }
}
