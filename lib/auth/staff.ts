import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { staffInvitations, users } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";
import { DEMO_STAFF } from "@/lib/sandbox/credentials";
import { recordAudit } from "@/lib/staff/audit";

/** The first staff account (STAFF_EMAIL/STAFF_PASSWORD, or the sandbox's demo), created if missing. Never overwritten. */
export async function ensureStaffAccount(
  db: Db,
  staff: { email: string; password: string },
): Promise<"created" | "exists"> {
  const email = staff.email.toLowerCase();
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
  if (existing) return "exists";
  const inserted = await db
    .insert(users)
    .values({ email, passwordHash: await hashPassword(staff.password), role: "admin" })
    .onConflictDoNothing()
    .returning({ id: users.id });
  return inserted.length > 0 ? "created" : "exists";
}

/**
 * Outside the sandbox: disables the sandbox's demo account (`staff@demo.local`, an admin whose password is
 * public) if a sandbox run left one in this database, ends its sessions and cancels the invitations it created.
 * Audited as `system`. Returns whether one was disabled (the caller logs it).
 */
export async function disableLeftoverDemoAccount(db: Db): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [demo] = await tx
      .update(users)
      .set({ disabledAt: sql`now()`, sessionVersion: sql`${users.sessionVersion} + 1` })
      .where(and(eq(users.email, DEMO_STAFF.email), isNull(users.disabledAt)))
      .returning({ id: users.id, role: users.role });
    if (!demo) return false;
    const cancelled = await tx
      .update(staffInvitations)
      .set({ expiresAt: sql`now()` })
      .where(
        and(
          eq(staffInvitations.invitedByUserId, demo.id),
          isNull(staffInvitations.acceptedAt),
          gt(staffInvitations.expiresAt, sql`now()`),
        ),
      )
      .returning({ email: staffInvitations.email });
    await recordAudit(tx, {
      actor: { userId: null, email: "system" },
      action: "user.disable",
      targetType: "user",
      targetId: demo.id,
      note: "the sandbox's demo account, started outside the sandbox",
      before: { email: DEMO_STAFF.email, role: demo.role, disabled: false },
      after: {
        email: DEMO_STAFF.email,
        role: demo.role,
        disabled: true,
        ...(cancelled.length > 0 ? { invitationsCancelled: cancelled.length } : {}),
      },
    });
    return true;
  });
}
