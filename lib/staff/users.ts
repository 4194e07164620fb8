import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { and, asc, desc, eq, gt, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { staffInvitations, users } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";
import { recordAudit } from "@/lib/staff/audit";

/**
 * Staff administration: invitations (single-use links), accepting one, role changes, and the CLI's first admin.
 * Every mutation re-reads the acting user's role from the database inside its transaction and is audited in
 * that transaction.
 */

export type StaffRole = "staff" | "admin";
/** A signed-in staff member acting; their role is re-checked here, never taken from the caller. */
export type StaffActor = { userId: string; email: string };

export const MIN_PASSWORD_LENGTH = 10;
export const INVITATION_TTL_DAYS = 7;

/** Invitation tokens are 32 random bytes (base64url, 43 characters); only their SHA-256 is stored. */
export const invitationTokenPattern = /^[A-Za-z0-9_-]{43}$/;
const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export async function listStaff(db: Db) {
  return db
    .select({ id: users.id, email: users.email, role: users.role, createdAt: users.createdAt })
    .from(users)
    .where(inArray(users.role, ["staff", "admin"]))
    .orderBy(asc(users.createdAt), asc(users.email));
}

/** Unused, unexpired invitations; never their token or hash. */
export async function listPendingInvitations(db: Db) {
  return db
    .select({
      email: staffInvitations.email,
      role: staffInvitations.role,
      createdAt: staffInvitations.createdAt,
      expiresAt: staffInvitations.expiresAt,
      invitedBy: users.email,
    })
    .from(staffInvitations)
    .leftJoin(users, eq(users.id, staffInvitations.invitedByUserId))
    .where(and(isNull(staffInvitations.acceptedAt), gt(staffInvitations.expiresAt, sql`now()`)))
    .orderBy(desc(staffInvitations.createdAt));
}

/** The app's database or a transaction on it. */
type Reader = Pick<Db, "select">;

/** Whether the actor is an admin right now (inside the caller's transaction). */
async function isAdmin(tx: Reader, actor: StaffActor): Promise<boolean> {
  const [row] = await tx.select({ role: users.role }).from(users).where(eq(users.id, actor.userId));
  return row?.role === "admin";
}

async function existingAccount(tx: Reader, email: string) {
  const [row] = await tx.select({ id: users.id, role: users.role }).from(users).where(eq(users.email, email.toLowerCase()));
  return row;
}

export type CreateInvitationResult =
  | { ok: true; token: string; email: string; role: StaffRole; expiresAt: Date }
  | { ok: false; error: "forbidden" | "email_taken" | "email_is_merchant" };

/**
 * An invitation for `email` to become staff or admin. Admins only. The token is returned once, for the link;
 * only its hash is stored, so the link cannot be shown again.
 */
export async function createInvitation(
  db: Db,
  actor: StaffActor,
  input: { email: string; role: StaffRole },
): Promise<CreateInvitationResult> {
  const email = input.email.trim().toLowerCase();
  const token = randomBytes(32).toString("base64url");
  return db.transaction(async (tx) => {
    if (!(await isAdmin(tx, actor))) return { ok: false, error: "forbidden" } as const;
    const existing = await existingAccount(tx, email);
    if (existing) return { ok: false, error: existing.role === "merchant" ? "email_is_merchant" : "email_taken" } as const;
    const [row] = await tx
      .insert(staffInvitations)
      .values({
        tokenHash: hashToken(token),
        email,
        role: input.role,
        invitedByUserId: actor.userId,
        expiresAt: sql`now() + make_interval(days => ${INVITATION_TTL_DAYS})`,
      })
      .returning({ expiresAt: staffInvitations.expiresAt });
    await recordAudit(tx, {
      actor,
      action: "user.invite",
      targetType: "user",
      targetId: email,
      after: { email, role: input.role, expiresAt: row!.expiresAt.toISOString() },
    });
    return { ok: true, token, email, role: input.role, expiresAt: row!.expiresAt } as const;
  });
}

/** Makes every pending invitation for `email` expire now. Admins only. */
export async function revokeInvitations(
  db: Db,
  actor: StaffActor,
  input: { email: string },
): Promise<{ ok: true; revoked: number } | { ok: false; error: "forbidden" | "invitation_not_found" }> {
  const email = input.email.trim().toLowerCase();
  return db.transaction(async (tx) => {
    if (!(await isAdmin(tx, actor))) return { ok: false, error: "forbidden" } as const;
    const revoked = await tx
      .update(staffInvitations)
      .set({ expiresAt: sql`now()` })
      .where(and(eq(staffInvitations.email, email), isNull(staffInvitations.acceptedAt), gt(staffInvitations.expiresAt, sql`now()`)))
      .returning({ email: staffInvitations.email });
    if (revoked.length === 0) return { ok: false, error: "invitation_not_found" } as const;
    await recordAudit(tx, {
      actor,
      action: "user.invite_revoked",
      targetType: "user",
      targetId: email,
      before: { pending: revoked.length },
      after: { pending: 0 },
    });
    return { ok: true, revoked: revoked.length } as const;
  });
}

export type InvitationLookup =
  | { state: "valid"; email: string; role: StaffRole; expiresAt: Date }
  | { state: "invalid" | "expired" | "used" };

/** What an invitation link stands for (the invitation page). */
export async function findInvitation(db: Reader, token: string): Promise<InvitationLookup> {
  if (!invitationTokenPattern.test(token)) return { state: "invalid" };
  // The database's clock decides expiry: several instances, one truth.
  const [row] = await db
    .select({
      email: staffInvitations.email,
      role: staffInvitations.role,
      expiresAt: staffInvitations.expiresAt,
      acceptedAt: staffInvitations.acceptedAt,
      expired: sql<boolean>`${staffInvitations.expiresAt} <= now()`,
    })
    .from(staffInvitations)
    .where(eq(staffInvitations.tokenHash, hashToken(token)));
  if (!row) return { state: "invalid" };
  if (row.acceptedAt) return { state: "used" };
  if (row.expired) return { state: "expired" };
  return { state: "valid", email: row.email, role: row.role, expiresAt: row.expiresAt };
}

export type AcceptInvitationResult =
  | { ok: true; userId: string; email: string; role: StaffRole }
  | { ok: false; error: "invalid" | "expired" | "used" | "email_is_merchant" | "email_taken" };

class Refused extends Error {
  constructor(readonly reason: "email_is_merchant" | "email_taken") {
    super(reason);
  }
}

/**
 * Creates the invited user with the invited role. Single use: the invitation is consumed by one conditional
 * UPDATE, so two tabs submitting at once cannot both succeed. An email that already has an account (a
 * merchant's, say) is refused and the invitation stays unused.
 */
export async function acceptInvitation(db: Db, input: { token: string; password: string }): Promise<AcceptInvitationResult> {
  const found = await findInvitation(db, input.token);
  if (found.state !== "valid") return { ok: false, error: found.state };
  if (input.password.length < MIN_PASSWORD_LENGTH) throw new Error("password too short");
  // Hashed before the transaction: scrypt takes a while and must not hold locks.
  const passwordHash = await hashPassword(input.password);
  try {
    return await db.transaction(async (tx) => {
      const [invitation] = await tx
        .update(staffInvitations)
        .set({ acceptedAt: sql`now()` })
        .where(
          and(
            eq(staffInvitations.tokenHash, hashToken(input.token)),
            isNull(staffInvitations.acceptedAt),
            gt(staffInvitations.expiresAt, sql`now()`),
          ),
        )
        .returning({ email: staffInvitations.email, role: staffInvitations.role });
      if (!invitation) {
        const again = await findInvitation(tx, input.token);
        return { ok: false, error: again.state === "valid" ? "used" : again.state } as const;
      }
      const existing = await existingAccount(tx, invitation.email);
      if (existing) throw new Refused(existing.role === "merchant" ? "email_is_merchant" : "email_taken");
      const [user] = await tx
        .insert(users)
        .values({ email: invitation.email, passwordHash, role: invitation.role })
        .onConflictDoNothing()
        .returning({ id: users.id });
      if (!user) throw new Refused("email_taken");
      await recordAudit(tx, {
        actor: { userId: user.id, email: invitation.email },
        action: "user.invite_accepted",
        targetType: "user",
        targetId: user.id,
        after: { email: invitation.email, role: invitation.role },
      });
      return { ok: true, userId: user.id, email: invitation.email, role: invitation.role } as const;
    });
  } catch (error) {
    if (error instanceof Refused) return { ok: false, error: error.reason };
    throw error;
  }
}

export type ChangeRoleResult =
  | { ok: true; changed: boolean; email: string; role: StaffRole }
  | { ok: false; error: "forbidden" | "user_not_found" | "not_staff" | "last_admin" };

/**
 * Staff ↔ admin. Only an admin may change a role (a staff member can never make anyone, themselves included,
 * admin); merchants are never touched here; the last admin cannot be demoted. The admin rows are locked first,
 * so two admins demoting each other at the same moment cannot leave the console without one.
 */
export async function changeRole(db: Db, actor: StaffActor, input: { userId: string; role: StaffRole }): Promise<ChangeRoleResult> {
  return db.transaction(async (tx) => {
    const admins = await tx.select({ id: users.id }).from(users).where(eq(users.role, "admin")).orderBy(asc(users.id)).for("update");
    if (!admins.some((a) => a.id === actor.userId)) return { ok: false, error: "forbidden" } as const;
    const [target] = await tx
      .select({ id: users.id, email: users.email, role: users.role })
      .from(users)
      .where(eq(users.id, input.userId))
      .for("update");
    if (!target) return { ok: false, error: "user_not_found" } as const;
    if (target.role === "merchant") return { ok: false, error: "not_staff" } as const;
    if (target.role === input.role) return { ok: true, changed: false, email: target.email, role: input.role } as const;
    if (target.role === "admin" && admins.length <= 1) return { ok: false, error: "last_admin" } as const;
    await tx.update(users).set({ role: input.role }).where(eq(users.id, target.id));
    await recordAudit(tx, {
      actor,
      action: "user.role_change",
      targetType: "user",
      targetId: target.id,
      before: { email: target.email, role: target.role },
      after: { email: target.email, role: input.role },
    });
    return { ok: true, changed: true, email: target.email, role: input.role } as const;
  });
}

export type CreateStaffAccountResult =
  | { outcome: "created"; userId: string }
  | { outcome: "updated"; userId: string; previousRole: StaffRole }
  | { outcome: "exists"; role: "merchant" | StaffRole };

/**
 * `npm run staff:create` (a server operator, audited as `cli`): a staff or admin account with a password.
 * An existing staff/admin account is left alone unless `force`, which sets its role and password (how a
 * locked-out admin gets back in). A merchant's account is never turned into staff.
 */
export async function createStaffAccount(
  db: Db,
  input: { email: string; role: StaffRole; password: string; force?: boolean },
): Promise<CreateStaffAccountResult> {
  if (input.password.length < MIN_PASSWORD_LENGTH) throw new Error(`password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  const email = input.email.trim().toLowerCase();
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const [existing] = await tx
      .select({ id: users.id, role: users.role })
      .from(users)
      .where(eq(users.email, email))
      .for("update");
    if (existing) {
      if (existing.role === "merchant" || !input.force) return { outcome: "exists", role: existing.role } as const;
      await tx.update(users).set({ role: input.role, passwordHash }).where(eq(users.id, existing.id));
      await recordAudit(tx, {
        actor: { userId: null, email: "cli" },
        action: "user.update",
        targetType: "user",
        targetId: existing.id,
        before: { email, role: existing.role },
        after: { email, role: input.role, passwordChanged: true },
      });
      return { outcome: "updated", userId: existing.id, previousRole: existing.role } as const;
    }
    const [user] = await tx.insert(users).values({ email, passwordHash, role: input.role }).returning({ id: users.id });
    await recordAudit(tx, {
      actor: { userId: null, email: "cli" },
      action: "user.create",
      targetType: "user",
      targetId: user!.id,
      after: { email, role: input.role },
    });
    return { outcome: "created", userId: user!.id } as const;
  });
}
