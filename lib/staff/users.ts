import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { and, asc, desc, eq, gt, inArray, isNull, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db";
import { staffInvitations, users } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password-policy";
import { recordAudit } from "@/lib/staff/audit";

/**
 * Staff administration: invitations (single-use links), accepting one, role changes, disabling and enabling
 * accounts, and the CLI's first admin. Every mutation re-reads the acting user's role from the database inside
 * its transaction and is audited in that transaction. Only an active (not disabled) admin administers.
 */

export type StaffRole = "staff" | "admin";
/** A signed-in staff member acting; their role is re-checked here, never taken from the caller. */
export type StaffActor = { userId: string; email: string };

export const INVITATION_TTL_DAYS = 7;

/** Invitation tokens are 32 random bytes (base64url, 43 characters); only their SHA-256 is stored. */
export const invitationTokenPattern = /^[A-Za-z0-9_-]{43}$/;
const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export async function listStaff(db: Db) {
  return db
    .select({
      id: users.id,
      email: users.email,
      role: users.role,
      createdAt: users.createdAt,
      disabledAt: users.disabledAt,
    })
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

/**
 * Whether the actor is an active admin right now (inside the caller's transaction). The row is share-locked, so
 * a demotion or disabling running at the same moment waits for this transaction (and then cancels what it
 * created) or has already committed (and this one is refused).
 */
async function isAdmin(tx: Reader, actor: StaffActor): Promise<boolean> {
  const [row] = await tx
    .select({ role: users.role, disabledAt: users.disabledAt })
    .from(users)
    .where(eq(users.id, actor.userId))
    .for("share");
  return row?.role === "admin" && row.disabledAt === null;
}

/** The app's database inside a transaction (what the lock-taking mutations below run on). */
type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/**
 * Every admin row, locked in id order: role changes and disabling take this lock first, so two of them at the
 * same moment cannot together leave the console without an active admin. Returns the active admins' ids.
 */
async function lockAdmins(tx: Tx): Promise<string[]> {
  const admins = await tx
    .select({ id: users.id, disabledAt: users.disabledAt })
    .from(users)
    .where(eq(users.role, "admin"))
    .orderBy(asc(users.id))
    .for("update");
  return admins.filter((a) => a.disabledAt === null).map((a) => a.id);
}

/**
 * The start of an admin's change to a staff account: the admin rows locked (lockAdmins), the actor checked to be
 * an active admin, then the target's row locked. The active admins and the target, or why the change may not go on.
 */
async function lockStaffTarget(tx: Tx, actor: StaffActor, userId: string) {
  const activeAdmins = await lockAdmins(tx);
  if (!activeAdmins.includes(actor.userId)) return { ok: false, error: "forbidden" } as const;
  const [row] = await tx
    .select({ id: users.id, email: users.email, role: users.role, disabledAt: users.disabledAt })
    .from(users)
    .where(eq(users.id, userId))
    .for("update");
  if (!row) return { ok: false, error: "user_not_found" } as const;
  if (row.role === "merchant") return { ok: false, error: "not_staff" } as const;
  return { ok: true, activeAdmins, target: row } as const;
}

/** Makes every pending invitation `userId` created expire now (they were demoted or disabled). */
async function cancelInvitationsBy(tx: Tx, userId: string): Promise<number> {
  return expirePendingInvitations(tx, eq(staffInvitations.invitedByUserId, userId));
}

/** Makes the pending (unaccepted, unexpired) invitations matching `which` expire now; how many there were. */
async function expirePendingInvitations(tx: Tx, which: SQL): Promise<number> {
  const expired = await tx
    .update(staffInvitations)
    .set({ expiresAt: sql`now()` })
    .where(and(which, isNull(staffInvitations.acceptedAt), gt(staffInvitations.expiresAt, sql`now()`)))
    .returning({ email: staffInvitations.email });
  return expired.length;
}

async function existingAccount(tx: Reader, email: string) {
  const [row] = await tx
    .select({ id: users.id, role: users.role })
    .from(users)
    .where(eq(users.email, email.toLowerCase()));
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
    if (existing)
      return { ok: false, error: existing.role === "merchant" ? "email_is_merchant" : "email_taken" } as const;
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
    const revoked = await expirePendingInvitations(tx, eq(staffInvitations.email, email));
    if (revoked === 0) return { ok: false, error: "invitation_not_found" } as const;
    await recordAudit(tx, {
      actor,
      action: "user.invite_revoked",
      targetType: "user",
      targetId: email,
      before: { pending: revoked },
      after: { pending: 0 },
    });
    return { ok: true, revoked } as const;
  });
}

export type InvitationLookup =
  { state: "valid"; email: string; role: StaffRole; expiresAt: Date } | { state: "invalid" | "expired" | "used" };

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
export async function acceptInvitation(
  db: Db,
  input: { token: string; password: string },
): Promise<AcceptInvitationResult> {
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
 * Staff ↔ admin. Only an active admin may change a role (a staff member can never make anyone, themselves
 * included, admin); merchants are never touched here; the last active admin cannot be demoted. The admin rows
 * are locked first, so two admins demoting each other at the same moment cannot leave the console without one.
 * Security: the user's sessions end (session version bumped), and a demoted admin's pending invitations are
 * cancelled: what they invited was on an admin's authority they no longer have.
 */
export async function changeRole(
  db: Db,
  actor: StaffActor,
  input: { userId: string; role: StaffRole },
): Promise<ChangeRoleResult> {
  return db.transaction(async (tx) => {
    const locked = await lockStaffTarget(tx, actor, input.userId);
    if (!locked.ok) return locked;
    const { activeAdmins, target } = locked;
    if (target.role === input.role) return { ok: true, changed: false, email: target.email, role: input.role } as const;
    if (target.role === "admin" && activeAdmins.includes(target.id) && activeAdmins.length <= 1)
      return { ok: false, error: "last_admin" } as const;
    await tx
      .update(users)
      .set({ role: input.role, sessionVersion: sql`${users.sessionVersion} + 1` })
      .where(eq(users.id, target.id));
    const cancelled = input.role === "admin" ? 0 : await cancelInvitationsBy(tx, target.id);
    await recordAudit(tx, {
      actor,
      action: "user.role_change",
      targetType: "user",
      targetId: target.id,
      before: { email: target.email, role: target.role },
      after: { email: target.email, role: input.role, ...(cancelled > 0 ? { invitationsCancelled: cancelled } : {}) },
    });
    return { ok: true, changed: true, email: target.email, role: input.role } as const;
  });
}

export type SetDisabledResult =
  | { ok: true; changed: boolean; email: string; disabled: boolean }
  | { ok: false; error: "forbidden" | "user_not_found" | "not_staff" | "last_admin" | "self" };

/**
 * Disables a staff or admin account, or enables it again. Active admins only; merchants are never touched here;
 * the last active admin cannot be disabled, and nobody disables themselves (another admin can).
 * Security: disabling ends the user's sessions at their next request (session version bumped), stops their
 * sign-in, and cancels the pending invitations they created. Enabling does not bring old sessions back.
 */
export async function setStaffDisabled(
  db: Db,
  actor: StaffActor,
  input: { userId: string; disabled: boolean },
): Promise<SetDisabledResult> {
  return db.transaction(async (tx) => {
    const locked = await lockStaffTarget(tx, actor, input.userId);
    if (!locked.ok) return locked;
    const { activeAdmins, target } = locked;
    const wasDisabled = target.disabledAt !== null;
    if (wasDisabled === input.disabled)
      return { ok: true, changed: false, email: target.email, disabled: input.disabled } as const;
    if (input.disabled) {
      if (activeAdmins.includes(target.id) && activeAdmins.length <= 1)
        return { ok: false, error: "last_admin" } as const;
      if (target.id === actor.userId) return { ok: false, error: "self" } as const;
      await tx
        .update(users)
        .set({ disabledAt: sql`now()`, sessionVersion: sql`${users.sessionVersion} + 1` })
        .where(eq(users.id, target.id));
    } else {
      await tx.update(users).set({ disabledAt: null }).where(eq(users.id, target.id));
    }
    const cancelled = input.disabled ? await cancelInvitationsBy(tx, target.id) : 0;
    await recordAudit(tx, {
      actor,
      action: input.disabled ? "user.disable" : "user.enable",
      targetType: "user",
      targetId: target.id,
      before: { email: target.email, role: target.role, disabled: wasDisabled },
      after: {
        email: target.email,
        role: target.role,
        disabled: input.disabled,
        ...(cancelled > 0 ? { invitationsCancelled: cancelled } : {}),
      },
    });
    return { ok: true, changed: true, email: target.email, disabled: input.disabled } as const;
  });
}

export type CreateStaffAccountResult =
  | { outcome: "created"; userId: string }
  | { outcome: "updated"; userId: string; previousRole: StaffRole }
  | { outcome: "exists"; role: "merchant" | StaffRole };

/**
 * `npm run staff:create` (a server operator, audited as `cli`): a staff or admin account with a password.
 * An existing staff/admin account is left alone unless `force`, which sets its role and password and enables it
 * (how a locked-out admin gets back in; its old sessions end). A merchant's account is never turned into staff.
 */
export async function createStaffAccount(
  db: Db,
  input: { email: string; role: StaffRole; password: string; force?: boolean },
): Promise<CreateStaffAccountResult> {
  if (input.password.length < MIN_PASSWORD_LENGTH)
    throw new Error(`password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  const email = input.email.trim().toLowerCase();
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const [existing] = await tx
      .select({ id: users.id, role: users.role, disabledAt: users.disabledAt })
      .from(users)
      .where(eq(users.email, email))
      .for("update");
    if (existing) {
      if (existing.role === "merchant" || !input.force) return { outcome: "exists", role: existing.role } as const;
      await tx
        .update(users)
        .set({ role: input.role, passwordHash, disabledAt: null, sessionVersion: sql`${users.sessionVersion} + 1` })
        .where(eq(users.id, existing.id));
      await recordAudit(tx, {
        actor: { userId: null, email: "cli" },
        action: "user.update",
        targetType: "user",
        targetId: existing.id,
        before: { email, role: existing.role, ...(existing.disabledAt ? { disabled: true } : {}) },
        after: { email, role: input.role, passwordChanged: true, ...(existing.disabledAt ? { disabled: false } : {}) },
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
