import { spawn } from "node:child_process";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createMerchantWithUser, findUserByEmail } from "@/db/queries/users";
import { auditLog, staffInvitations, users } from "@/db/schema";
import { verifyPassword } from "@/lib/auth/password";
import { disableLeftoverDemoAccount, ensureStaffAccount } from "@/lib/auth/staff";
import { DEMO_STAFF } from "@/lib/sandbox/credentials";
import {
  acceptInvitation,
  changeRole,
  createInvitation,
  createStaffAccount,
  findInvitation,
  listPendingInvitations,
  listStaff,
  revokeInvitations,
  setStaffDisabled,
  type StaffActor,
} from "@/lib/staff/users";
import { TEST_SECRETS } from "../support/app-server";
import { createTestDatabaseConfig, openConfiguredDatabase, truncateAll } from "../support/database";
import { withTestDatabase } from "../support/with-test-database";
import { quoteOutput } from "../support/workers";
import { auditRecords, onlyAuditRecord } from "../support/audit-log";

const ROOT = path.resolve(import.meta.dirname, "../..");
const PASSWORD = "a-long-enough-password";

const database = withTestDatabase();
async function user(email: string, role: "staff" | "admin"): Promise<StaffActor> {
  const [row] = await database.db
    .insert(users)
    .values({ email, passwordHash: "scrypt$unused", role })
    .returning({ id: users.id });
  return { userId: row!.id, email };
}
const audits = (action: string) => auditRecords(database.db, action);
/** `actor` asks to give the user `userId` the `role`, and is refused with `error`. */
async function expectRoleChangeRefused(actor: StaffActor, userId: string, role: "staff" | "admin", error: string) {
  expect(await changeRole(database.db, actor, { userId, role })).toEqual({ ok: false, error });
}
/** `actor` asks to disable the user `userId`, and is refused with `error`. */
async function expectDisableRefused(actor: StaffActor, userId: string, error: string) {
  expect(await setStaffDisabled(database.db, actor, { userId, disabled: true })).toEqual({ ok: false, error });
}
const roleOf = async (email: string) => (await findUserByEmail(database.db, email))?.role;
const stateOf = async (email: string) => {
  const [row] = await database.db
    .select({
      role: users.role,
      sessionVersion: users.sessionVersion,
      disabled: sql<boolean>`${users.disabledAt} is not null`,
    })
    .from(users)
    .where(eq(users.email, email));
  return row;
};
const adminCount = async () =>
  (
    await database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(users)
      .where(eq(users.role, "admin"))
  )[0]?.n;

describe("invitations", () => {
  it("invite → accept creates the user with the invited role; the link works once; each step audited once", async () => {
    const admin = await user("admin@example.com", "admin");
    const invited = await createInvitation(database.db, admin, { email: "New.Staff@Example.com", role: "staff" });
    expect(invited).toMatchObject({ ok: true, email: "new.staff@example.com", role: "staff" });
    if (!invited.ok) throw new Error("not invited");
    expect(invited.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const days = (invited.expiresAt.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThanOrEqual(7.01);

    // Only the hash is stored.
    const [stored] = await database.db.select().from(staffInvitations);
    expect(stored!.tokenHash).not.toContain(invited.token);
    expect(stored!.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(await listPendingInvitations(database.db)).toEqual([
      expect.objectContaining({ email: "new.staff@example.com", role: "staff", invitedBy: "admin@example.com" }),
    ]);
    expect(await findInvitation(database.db, invited.token)).toMatchObject({
      state: "valid",
      email: "new.staff@example.com",
    });

    const accepted = await acceptInvitation(database.db, { token: invited.token, password: PASSWORD });
    expect(accepted).toMatchObject({ ok: true, email: "new.staff@example.com", role: "staff" });
    const created = await findUserByEmail(database.db, "new.staff@example.com");
    expect(created?.role).toBe("staff");
    expect(await verifyPassword(PASSWORD, created!.passwordHash)).toBe(true);

    expect(await acceptInvitation(database.db, { token: invited.token, password: PASSWORD })).toEqual({
      ok: false,
      error: "used",
    });
    expect(await findInvitation(database.db, invited.token)).toEqual({ state: "used" });
    expect(await listPendingInvitations(database.db)).toEqual([]);

    const invite = await onlyAuditRecord(database.db, "user.invite");
    expect(invite).toMatchObject({
      actorUserId: admin.userId,
      actorEmail: "admin@example.com",
      targetType: "user",
      targetId: "new.staff@example.com",
    });
    expect(invite.after).toMatchObject({ email: "new.staff@example.com", role: "staff" });
    const acceptance = await onlyAuditRecord(database.db, "user.invite_accepted");
    expect(acceptance).toMatchObject({
      actorUserId: created!.id,
      targetType: "user",
      targetId: created!.id,
      after: { email: "new.staff@example.com", role: "staff" },
    });
    // Nothing in the audit log carries the token.
    expect(JSON.stringify(await database.db.select().from(auditLog))).not.toContain(invited.token);
  });

  it("two submissions of one link at the same moment create one account", async () => {
    const admin = await user("admin@example.com", "admin");
    const invited = await createInvitation(database.db, admin, { email: "twice@example.com", role: "admin" });
    if (!invited.ok) throw new Error("not invited");
    const results = await Promise.all([
      acceptInvitation(database.db, { token: invited.token, password: PASSWORD }),
      acceptInvitation(database.db, { token: invited.token, password: `${PASSWORD}-2` }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^(used|email_taken)$/),
    });
    expect(await roleOf("twice@example.com")).toBe("admin");
    expect(await audits("user.invite_accepted")).toHaveLength(1);
  });

  it("refuses an expired link, an unknown one and a malformed one", async () => {
    const admin = await user("admin@example.com", "admin");
    const invited = await createInvitation(database.db, admin, { email: "late@example.com", role: "staff" });
    if (!invited.ok) throw new Error("not invited");
    await database.db.update(staffInvitations).set({ expiresAt: sql`now() - interval '1 second'` });
    expect(await findInvitation(database.db, invited.token)).toEqual({ state: "expired" });
    expect(await acceptInvitation(database.db, { token: invited.token, password: PASSWORD })).toEqual({
      ok: false,
      error: "expired",
    });
    expect(await findUserByEmail(database.db, "late@example.com")).toBeUndefined();

    expect(await findInvitation(database.db, "A".repeat(43))).toEqual({ state: "invalid" });
    expect(await findInvitation(database.db, "../etc/passwd")).toEqual({ state: "invalid" });
    expect(await audits("user.invite_accepted")).toHaveLength(0);
  });

  it("never turns a merchant's email into staff: refused when inviting and when accepting", async () => {
    const admin = await user("admin@example.com", "admin");
    await createMerchantWithUser(database.db, {
      businessName: "示例商家",
      email: "owner@example.com",
      passwordHash: "scrypt$unused",
    });
    expect(await createInvitation(database.db, admin, { email: "OWNER@example.com", role: "staff" })).toEqual({
      ok: false,
      error: "email_is_merchant",
    });
    expect(await createInvitation(database.db, admin, { email: "admin@example.com", role: "staff" })).toEqual({
      ok: false,
      error: "email_taken",
    });

    // Invited first, then the email signed up as a merchant before the link was used.
    const invited = await createInvitation(database.db, admin, { email: "later@example.com", role: "admin" });
    if (!invited.ok) throw new Error("not invited");
    await createMerchantWithUser(database.db, {
      businessName: "后来的商家",
      email: "later@example.com",
      passwordHash: "scrypt$unused",
    });
    expect(await acceptInvitation(database.db, { token: invited.token, password: PASSWORD })).toEqual({
      ok: false,
      error: "email_is_merchant",
    });
    expect(await roleOf("later@example.com")).toBe("merchant");
    // Refused as a whole: the invitation is not consumed, nothing audited.
    expect(await findInvitation(database.db, invited.token)).toMatchObject({ state: "valid" });
    expect(await audits("user.invite_accepted")).toHaveLength(0);
  });

  it("only admins invite or revoke; a staff actor is refused and nothing is written", async () => {
    const staff = await user("staff@example.com", "staff");
    expect(await createInvitation(database.db, staff, { email: "friend@example.com", role: "admin" })).toEqual({
      ok: false,
      error: "forbidden",
    });
    expect(await database.db.select().from(staffInvitations)).toEqual([]);

    const admin = await user("admin@example.com", "admin");
    const invited = await createInvitation(database.db, admin, { email: "friend@example.com", role: "staff" });
    expect(await revokeInvitations(database.db, staff, { email: "friend@example.com" })).toEqual({
      ok: false,
      error: "forbidden",
    });
    expect(await revokeInvitations(database.db, admin, { email: "friend@example.com" })).toEqual({
      ok: true,
      revoked: 1,
    });
    if (!invited.ok) throw new Error("not invited");
    expect(await findInvitation(database.db, invited.token)).toEqual({ state: "expired" });
    expect(await revokeInvitations(database.db, admin, { email: "friend@example.com" })).toEqual({
      ok: false,
      error: "invitation_not_found",
    });
    const revocation = await onlyAuditRecord(database.db, "user.invite_revoked");
    expect(revocation).toMatchObject({
      actorUserId: admin.userId,
      targetId: "friend@example.com",
      before: { pending: 1 },
      after: { pending: 0 },
    });
  });
});

describe("role changes", () => {
  it("an admin promotes and demotes staff, each change audited once with before/after; no-ops are not", async () => {
    const admin = await user("admin@example.com", "admin");
    const staff = await user("staff@example.com", "staff");
    expect(await changeRole(database.db, admin, { userId: staff.userId, role: "admin" })).toEqual({
      ok: true,
      changed: true,
      email: "staff@example.com",
      role: "admin",
    });
    expect(await roleOf("staff@example.com")).toBe("admin");
    expect(await changeRole(database.db, admin, { userId: staff.userId, role: "admin" })).toMatchObject({
      ok: true,
      changed: false,
    });
    expect(await changeRole(database.db, admin, { userId: staff.userId, role: "staff" })).toMatchObject({
      ok: true,
      changed: true,
    });
    expect(await roleOf("staff@example.com")).toBe("staff");

    const changes = await audits("user.role_change");
    expect(changes.map((c) => [c.actorUserId, c.targetType, c.targetId, c.before, c.after])).toEqual([
      [
        admin.userId,
        "user",
        staff.userId,
        { email: "staff@example.com", role: "staff" },
        { email: "staff@example.com", role: "admin" },
      ],
      [
        admin.userId,
        "user",
        staff.userId,
        { email: "staff@example.com", role: "admin" },
        { email: "staff@example.com", role: "staff" },
      ],
    ]);
  });

  it("a staff member can never make themselves, or anyone, admin", async () => {
    await user("admin@example.com", "admin");
    const staff = await user("staff@example.com", "staff");
    const other = await user("other@example.com", "staff");
    await expectRoleChangeRefused(staff, staff.userId, "admin", "forbidden");
    await expectRoleChangeRefused(staff, other.userId, "admin", "forbidden");
    expect(await roleOf("staff@example.com")).toBe("staff");
    expect(await roleOf("other@example.com")).toBe("staff");
    expect(await audits("user.role_change")).toHaveLength(0);
  });

  it("the last admin cannot be demoted; with a second admin, an admin may step down", async () => {
    const admin = await user("admin@example.com", "admin");
    await expectRoleChangeRefused(admin, admin.userId, "staff", "last_admin");
    expect(await roleOf("admin@example.com")).toBe("admin");

    const second = await user("second@example.com", "admin");
    expect(await changeRole(database.db, admin, { userId: admin.userId, role: "staff" })).toMatchObject({
      ok: true,
      changed: true,
    });
    expect(await roleOf("admin@example.com")).toBe("staff");
    // Now staff: refused, even for the role they just had.
    await expectRoleChangeRefused(admin, admin.userId, "admin", "forbidden");
    await expectRoleChangeRefused(second, second.userId, "staff", "last_admin");
    expect(await audits("user.role_change")).toHaveLength(1);
  });

  it("two admins demoting each other at the same moment leave one admin", async () => {
    const a = await user("a@example.com", "admin");
    const b = await user("b@example.com", "admin");
    const results = await Promise.all([
      changeRole(database.db, a, { userId: b.userId, role: "staff" }),
      changeRole(database.db, b, { userId: a.userId, role: "staff" }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(await adminCount()).toBe(1);
    expect(await audits("user.role_change")).toHaveLength(1);
  });

  it("never touches a merchant, and refuses an unknown user", async () => {
    const admin = await user("admin@example.com", "admin");
    const merchant = await createMerchantWithUser(database.db, {
      businessName: "示例商家",
      email: "owner@example.com",
      passwordHash: "scrypt$unused",
    });
    await expectRoleChangeRefused(admin, merchant!.userId, "admin", "not_staff");
    expect(await roleOf("owner@example.com")).toBe("merchant");
    await expectRoleChangeRefused(admin, "00000000-0000-4000-8000-000000000000", "admin", "user_not_found");
  });
});

describe("session versions and invitations on role changes", () => {
  it("every role change ends the user's sessions; demoting an admin cancels the invitations they created", async () => {
    const admin = await user("admin@example.com", "admin");
    const second = await user("second@example.com", "admin");
    const invited = await createInvitation(database.db, second, { email: "friend@example.com", role: "staff" });
    const mine = await createInvitation(database.db, admin, { email: "mine@example.com", role: "staff" });
    if (!invited.ok || !mine.ok) throw new Error("not invited");
    const before = (await stateOf("second@example.com"))!.sessionVersion;

    expect(await changeRole(database.db, admin, { userId: second.userId, role: "staff" })).toMatchObject({
      ok: true,
      changed: true,
    });
    expect((await stateOf("second@example.com"))!.sessionVersion).toBe(before + 1);
    // Their link no longer works; the demoting admin's own invitation is untouched.
    expect(await findInvitation(database.db, invited.token)).toEqual({ state: "expired" });
    expect(await acceptInvitation(database.db, { token: invited.token, password: PASSWORD })).toEqual({
      ok: false,
      error: "expired",
    });
    expect(await findInvitation(database.db, mine.token)).toMatchObject({ state: "valid" });
    const [change] = await audits("user.role_change");
    expect(change!.after).toEqual({ email: "second@example.com", role: "staff", invitationsCancelled: 1 });

    // A promotion ends sessions too (the session is re-issued with the new role at the next sign-in).
    expect(await changeRole(database.db, admin, { userId: second.userId, role: "admin" })).toMatchObject({
      ok: true,
      changed: true,
    });
    expect((await stateOf("second@example.com"))!.sessionVersion).toBe(before + 2);
    // A no-op changes nothing.
    await changeRole(database.db, admin, { userId: second.userId, role: "admin" });
    expect((await stateOf("second@example.com"))!.sessionVersion).toBe(before + 2);
  });

  it("an invitation created while its admin is being demoted is cancelled or refused, never left pending", async () => {
    const admin = await user("admin@example.com", "admin");
    const second = await user("second@example.com", "admin");
    for (let i = 0; i < 5; i++) {
      const [, demoted] = await Promise.all([
        createInvitation(database.db, second, { email: `race${i}@example.com`, role: "admin" }),
        changeRole(database.db, admin, { userId: second.userId, role: "staff" }),
      ]);
      expect(demoted).toMatchObject({ ok: true });
      expect(await listPendingInvitations(database.db)).toEqual([]);
      await changeRole(database.db, admin, { userId: second.userId, role: "admin" });
    }
  });
});

describe("disabling staff", () => {
  it("an admin disables and enables a staff member: sessions end, invitations cancelled, each change audited once", async () => {
    const admin = await user("admin@example.com", "admin");
    const other = await user("other@example.com", "admin");
    const invited = await createInvitation(database.db, other, { email: "friend@example.com", role: "staff" });
    if (!invited.ok) throw new Error("not invited");
    const before = (await stateOf("other@example.com"))!.sessionVersion;

    expect(await setStaffDisabled(database.db, admin, { userId: other.userId, disabled: true })).toEqual({
      ok: true,
      changed: true,
      email: "other@example.com",
      disabled: true,
    });
    expect(await stateOf("other@example.com")).toEqual({ role: "admin", sessionVersion: before + 1, disabled: true });
    expect(await findInvitation(database.db, invited.token)).toEqual({ state: "expired" });
    expect((await listStaff(database.db)).find((u) => u.email === "other@example.com")?.disabledAt).toBeInstanceOf(
      Date,
    );
    // Disabled: administers nothing, even though the role still says admin.
    expect(await createInvitation(database.db, other, { email: "x@example.com", role: "admin" })).toEqual({
      ok: false,
      error: "forbidden",
    });
    await expectRoleChangeRefused(other, admin.userId, "staff", "forbidden");
    await expectDisableRefused(other, admin.userId, "forbidden");
    expect(await revokeInvitations(database.db, other, { email: "friend@example.com" })).toEqual({
      ok: false,
      error: "forbidden",
    });

    // Again: a no-op, not audited.
    expect(await setStaffDisabled(database.db, admin, { userId: other.userId, disabled: true })).toMatchObject({
      ok: true,
      changed: false,
    });
    expect(await setStaffDisabled(database.db, admin, { userId: other.userId, disabled: false })).toMatchObject({
      ok: true,
      changed: true,
      disabled: false,
    });
    // Enabling does not revive old sessions.
    expect(await stateOf("other@example.com")).toEqual({ role: "admin", sessionVersion: before + 1, disabled: false });
    // The cancelled invitation stays cancelled.
    expect(await findInvitation(database.db, invited.token)).toEqual({ state: "expired" });

    const entries = await database.db
      .select()
      .from(auditLog)
      .where(sql`${auditLog.action} in ('user.disable', 'user.enable')`)
      .orderBy(auditLog.id);
    expect(entries.map((e) => [e.action, e.actorUserId, e.targetId, e.before, e.after])).toEqual([
      [
        "user.disable",
        admin.userId,
        other.userId,
        { email: "other@example.com", role: "admin", disabled: false },
        { email: "other@example.com", role: "admin", disabled: true, invitationsCancelled: 1 },
      ],
      [
        "user.enable",
        admin.userId,
        other.userId,
        { email: "other@example.com", role: "admin", disabled: true },
        { email: "other@example.com", role: "admin", disabled: false },
      ],
    ]);
  });

  it("the last active admin cannot be disabled or demoted; a disabled admin does not count; nobody disables themselves", async () => {
    const admin = await user("admin@example.com", "admin");
    await expectDisableRefused(admin, admin.userId, "last_admin");
    const second = await user("second@example.com", "admin");
    await expectDisableRefused(admin, admin.userId, "self");
    expect(await setStaffDisabled(database.db, admin, { userId: second.userId, disabled: true })).toMatchObject({
      ok: true,
      changed: true,
    });
    // `second` is still an admin by role, but disabled: `admin` is the last active one.
    await expectRoleChangeRefused(admin, admin.userId, "staff", "last_admin");
    // Demoting a disabled admin takes no active admin away.
    expect(await changeRole(database.db, admin, { userId: second.userId, role: "staff" })).toMatchObject({
      ok: true,
      changed: true,
    });
    expect(await stateOf("admin@example.com")).toMatchObject({ role: "admin", disabled: false });
  });

  it("two admins disabling each other at the same moment leave one active admin", async () => {
    const a = await user("a@example.com", "admin");
    const b = await user("b@example.com", "admin");
    const results = await Promise.all([
      setStaffDisabled(database.db, a, { userId: b.userId, disabled: true }),
      setStaffDisabled(database.db, b, { userId: a.userId, disabled: true }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const active = await database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(users)
      .where(sql`${users.role} = 'admin' and ${users.disabledAt} is null`);
    expect(active[0]?.n).toBe(1);
  });

  it("only active admins disable; merchants and unknown users are refused", async () => {
    const admin = await user("admin@example.com", "admin");
    const staff = await user("staff@example.com", "staff");
    const colleague = await user("colleague@example.com", "staff");
    await expectDisableRefused(staff, colleague.userId, "forbidden");
    await expectDisableRefused(staff, admin.userId, "forbidden");
    const merchant = await createMerchantWithUser(database.db, {
      businessName: "示例商家",
      email: "owner@example.com",
      passwordHash: "scrypt$unused",
    });
    await expectDisableRefused(admin, merchant!.userId, "not_staff");
    await expectDisableRefused(admin, "00000000-0000-4000-8000-000000000000", "user_not_found");
    expect(await stateOf("colleague@example.com")).toMatchObject({ disabled: false });
    expect(await stateOf("owner@example.com")).toMatchObject({ disabled: false });
    expect(await database.db.select().from(auditLog)).toEqual([]);
  });

  it("outside the sandbox a leftover demo account is disabled once, its invitations cancelled, audited as system", async () => {
    await ensureStaffAccount(database.db, DEMO_STAFF);
    const [demo] = await database.db.select({ id: users.id }).from(users).where(eq(users.email, DEMO_STAFF.email));
    const invited = await createInvitation(
      database.db,
      { userId: demo!.id, email: DEMO_STAFF.email },
      { email: "friend@example.com", role: "admin" },
    );
    if (!invited.ok) throw new Error("not invited");
    const before = (await stateOf(DEMO_STAFF.email))!.sessionVersion;

    expect(await disableLeftoverDemoAccount(database.db)).toBe(true);
    expect(await stateOf(DEMO_STAFF.email)).toEqual({ role: "admin", sessionVersion: before + 1, disabled: true });
    expect(await findInvitation(database.db, invited.token)).toEqual({ state: "expired" });
    expect(await disableLeftoverDemoAccount(database.db)).toBe(false);
    const entry = await onlyAuditRecord(database.db, "user.disable");
    expect(entry).toMatchObject({
      actorUserId: null,
      actorEmail: "system",
      targetId: demo!.id,
      after: { disabled: true, invitationsCancelled: 1 },
    });

    // Nothing to do on a database that never ran the sandbox.
    await truncateAll(database);
    expect(await disableLeftoverDemoAccount(database.db)).toBe(false);
  });
});

describe("first admin (createStaffAccount and the CLI)", () => {
  it("--force also enables a disabled account and ends its sessions (how a locked-out admin gets back in)", async () => {
    const admin = await user("admin@example.com", "admin");
    await user("ops@example.com", "admin");
    const ops = (await findUserByEmail(database.db, "ops@example.com"))!;
    await setStaffDisabled(database.db, admin, { userId: ops.id, disabled: true });
    const before = (await stateOf("ops@example.com"))!.sessionVersion;
    expect(
      await createStaffAccount(database.db, {
        email: "ops@example.com",
        role: "admin",
        password: PASSWORD,
        force: true,
      }),
    ).toMatchObject({
      outcome: "updated",
    });
    expect(await stateOf("ops@example.com")).toEqual({ role: "admin", sessionVersion: before + 1, disabled: false });
    const [update] = await database.db.select().from(auditLog).where(eq(auditLog.action, "user.update"));
    expect(update).toMatchObject({
      before: { email: "ops@example.com", role: "admin", disabled: true },
      after: { email: "ops@example.com", role: "admin", passwordChanged: true, disabled: false },
    });
  });

  it("creates once, refuses an existing email, and with force sets role and password; merchants never", async () => {
    expect(
      await createStaffAccount(database.db, { email: "Ops@Example.com", role: "admin", password: PASSWORD }),
    ).toMatchObject({ outcome: "created" });
    expect(
      await createStaffAccount(database.db, { email: "ops@example.com", role: "staff", password: "another-password" }),
    ).toEqual({
      outcome: "exists",
      role: "admin",
    });
    expect(await roleOf("ops@example.com")).toBe("admin");
    expect(
      await createStaffAccount(database.db, {
        email: "ops@example.com",
        role: "staff",
        password: "another-password",
        force: true,
      }),
    ).toMatchObject({
      outcome: "updated",
      previousRole: "admin",
    });
    const ops = await findUserByEmail(database.db, "ops@example.com");
    expect(ops?.role).toBe("staff");
    expect(await verifyPassword("another-password", ops!.passwordHash)).toBe(true);

    await createMerchantWithUser(database.db, {
      businessName: "示例商家",
      email: "owner@example.com",
      passwordHash: "scrypt$unused",
    });
    expect(
      await createStaffAccount(database.db, {
        email: "owner@example.com",
        role: "admin",
        password: PASSWORD,
        force: true,
      }),
    ).toEqual({
      outcome: "exists",
      role: "merchant",
    });
    await expect(
      createStaffAccount(database.db, { email: "x@example.com", role: "admin", password: "short" }),
    ).rejects.toThrow(/at least 10/);

    const rows = await database.db.select().from(auditLog).where(eq(auditLog.actorEmail, "cli")).orderBy(auditLog.id);
    expect(rows.map((r) => [r.action, r.actorUserId, r.before, r.after])).toEqual([
      ["user.create", null, null, { email: "ops@example.com", role: "admin" }],
      [
        "user.update",
        null,
        { email: "ops@example.com", role: "admin" },
        { email: "ops@example.com", role: "staff", passwordChanged: true },
      ],
    ]);
  });

  function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(
        path.join(ROOT, "node_modules/.bin/tsx"),
        ["--conditions=react-server", "scripts/staff-create.ts", ...args],
        {
          cwd: ROOT,
          env: {
            PATH: process.env.PATH ?? "",
            HOME: process.env.HOME ?? "/tmp",
            NODE_ENV: "test",
            LOG_LEVEL: "error",
            ...TEST_SECRETS,
            ...env,
          },
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr.on("data", (d: Buffer) => (out += d.toString()));
      child.on("error", reject);
      // Quoted: an assertion on it that fails prints it, and its tsx stack lines must not pass for frames.
      child.on("exit", (code) => resolve({ code, out: quoteOutput(out, 100_000) }));
    });
  }

  it("npm run staff:create creates an admin on a fresh database and audits it as cli; refuses a short password", async () => {
    const config = await createTestDatabaseConfig();
    try {
      const short = await runCli(["--email", "ops@example.com", "--role", "admin"], {
        ...config.env,
        STAFF_PASSWORD: "short",
      });
      expect(short.code).toBe(1);
      expect(short.out).toContain("STAFF_PASSWORD: must be at least 10 characters");

      const created = await runCli(["--email", "Ops@Example.com", "--role", "admin"], {
        ...config.env,
        STAFF_PASSWORD: PASSWORD,
      });
      expect(created.out).toContain("Created admin ops@example.com");
      expect(created.code).toBe(0);
      expect(created.out).not.toContain(PASSWORD);

      const again = await runCli(["--email", "ops@example.com"], { ...config.env, STAFF_PASSWORD: PASSWORD });
      expect(again.code).toBe(1);
      expect(again.out).toContain("already exists (admin)");

      const opened = await openConfiguredDatabase(config);
      try {
        const [ops] = await opened.db.select().from(users).where(eq(users.email, "ops@example.com"));
        expect(ops?.role).toBe("admin");
        expect(await verifyPassword(PASSWORD, ops!.passwordHash)).toBe(true);
        const rows = await opened.db.select().from(auditLog);
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({
          action: "user.create",
          actorEmail: "cli",
          actorUserId: null,
          targetId: ops!.id,
          after: { email: "ops@example.com", role: "admin" },
        });
      } finally {
        await opened.close();
      }
    } finally {
      await config.drop();
    }
  }, 240_000); // two tsx start-ups and scrypt at full cost: a minute or more on a loaded two-core machine
});
