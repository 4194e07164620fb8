import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { loginThrottle, merchants, users } from "@/db/schema";

export type UserRole = "merchant" | "staff" | "admin";

export async function findUserByEmail(db: Db, email: string) {
  const [user] = await db.select().from(users).where(eq(users.email, email.toLowerCase()));
  return user;
}

/**
 * The user and, for a merchant's user, the merchant's name (the shell shows it), in one read; with the session
 * version and disabled mark the guards compare with the session.
 */
export async function findUserById(db: Db, id: string) {
  const [user] = await db
    .select({
      id: users.id,
      email: users.email,
      role: users.role,
      merchantId: users.merchantId,
      merchantName: merchants.name,
      sessionVersion: users.sessionVersion,
      disabled: sql<boolean>`${users.disabledAt} is not null`,
    })
    .from(users)
    .leftJoin(merchants, eq(merchants.id, users.merchantId))
    .where(eq(users.id, id));
  return user;
}

/** Creates a merchant and its first user in one transaction. Returns null when the email is taken. */
export async function createMerchantWithUser(
  db: Db,
  input: { businessName: string; email: string; passwordHash: string },
) {
  if (await findUserByEmail(db, input.email)) return null;
  try {
    return await db.transaction(async (tx) => {
      const [merchant] = await tx
        .insert(merchants)
        .values({ name: input.businessName })
        .returning({ id: merchants.id });
      const [user] = await tx
        .insert(users)
        .values({
          email: input.email.toLowerCase(),
          passwordHash: input.passwordHash,
          role: "merchant",
          merchantId: merchant!.id,
        })
        .returning({ id: users.id });
      return { userId: user!.id, merchantId: merchant!.id };
    });
  } catch (error) {
    // Two sign-ups with one email at the same moment: the unique index decides.
    if (isUniqueViolation(error)) return null;
    throw error;
  }
}

function isUniqueViolation(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string } })?.cause ?? (error as { code?: string });
  return cause?.code === "23505";
}

export async function createStaffUser(db: Db, input: { email: string; passwordHash: string; role: "staff" | "admin" }) {
  const [user] = await db
    .insert(users)
    .values({ email: input.email.toLowerCase(), passwordHash: input.passwordHash, role: input.role })
    .onConflictDoNothing()
    .returning({ id: users.id });
  return user;
}

export async function getMerchantName(db: Db, merchantId: string) {
  const [merchant] = await db.select({ name: merchants.name }).from(merchants).where(eq(merchants.id, merchantId));
  return merchant?.name;
}

/** Replaces a user's password hash, unless it changed meanwhile (a reset or another upgrade wins). */
export async function updatePasswordHash(
  db: Db,
  input: { userId: string; from: string; to: string },
): Promise<boolean> {
  const updated = await db
    .update(users)
    .set({ passwordHash: input.to })
    .where(and(eq(users.id, input.userId), eq(users.passwordHash, input.from)))
    .returning({ id: users.id });
  return updated.length > 0;
}

/**
 * Counts one sign-in attempt for `key` and returns the window's count, this attempt included. One statement
 * (insert or increment, window check included), so parallel attempts each get their own number. The window is
 * 15 minutes from the last counted attempt; once the count has reached `cap`, further attempts neither raise it
 * nor extend the window (a lock ends 15 minutes after the last attempt that was let through).
 */
export async function countLoginAttempt(db: Db, key: string, cap: number): Promise<number> {
  const recent = sql`${loginThrottle.lastFailureAt} > now() - interval '15 minutes'`;
  const [row] = await db
    .insert(loginThrottle)
    .values({ key, failures: 1 })
    .onConflictDoUpdate({
      target: loginThrottle.key,
      set: {
        failures: sql`case when ${recent} then least(${loginThrottle.failures} + 1, ${cap + 1}) else 1 end`,
        lastFailureAt: sql`case when ${recent} and ${loginThrottle.failures} >= ${cap} then ${loginThrottle.lastFailureAt} else now() end`,
      },
    })
    .returning({ failures: loginThrottle.failures });
  return row!.failures;
}

/** Takes back one attempt counted for `key` (it turned out to be a successful sign-in). */
export async function uncountLoginAttempt(db: Db, key: string): Promise<void> {
  await db
    .update(loginThrottle)
    .set({ failures: sql`greatest(${loginThrottle.failures} - 1, 0)` })
    .where(eq(loginThrottle.key, key));
}

export async function clearLoginFailures(db: Db, key: string): Promise<void> {
  await db.delete(loginThrottle).where(eq(loginThrottle.key, key));
}
