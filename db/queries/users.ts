import "server-only";
import { eq, sql } from "drizzle-orm";
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
export async function createMerchantWithUser(db: Db, input: { businessName: string; email: string; passwordHash: string }) {
  if (await findUserByEmail(db, input.email)) return null;
  try {
    return await db.transaction(async (tx) => {
      const [merchant] = await tx.insert(merchants).values({ name: input.businessName }).returning({ id: merchants.id });
      const [user] = await tx
        .insert(users)
        .values({ email: input.email.toLowerCase(), passwordHash: input.passwordHash, role: "merchant", merchantId: merchant!.id })
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

/** Failures counted per key within a sliding 15-minute window. */
export async function countRecentLoginFailures(db: Db, key: string): Promise<number> {
  const [row] = await db
    .select({ failures: loginThrottle.failures })
    .from(loginThrottle)
    .where(sql`${loginThrottle.key} = ${key} and ${loginThrottle.lastFailureAt} > now() - interval '15 minutes'`);
  return row?.failures ?? 0;
}

export async function recordLoginFailure(db: Db, key: string): Promise<void> {
  await db
    .insert(loginThrottle)
    .values({ key, failures: 1 })
    .onConflictDoUpdate({
      target: loginThrottle.key,
      set: {
        failures: sql`case when ${loginThrottle.lastFailureAt} > now() - interval '15 minutes' then ${loginThrottle.failures} + 1 else 1 end`,
        lastFailureAt: sql`now()`,
      },
    });
}

export async function clearLoginFailures(db: Db, key: string): Promise<void> {
  await db.delete(loginThrottle).where(eq(loginThrottle.key, key));
}
