import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { authorizers, reconcileRuns, users } from "@/db/schema";
import { wechatErrorText } from "@/lib/i18n/wechat-errors";
import { sealedAt } from "@/lib/secrets";
import { findRunningReconcile, refreshProfileNow, refreshTokenNow, startReconcile } from "@/lib/staff/operations";
import type { StaffActor } from "@/lib/staff/users";
import type { ComponentClient } from "@/lib/wechat/client";
import { auditRecords, onlyAuditRecord } from "../support/audit-log";
import { sandboxControl, sandboxLedger, seedAuthorizedAccounts } from "../support/portal";
import { withTestPortal } from "../support/with-app-server";

// The portal under test runs in this process on its own database; WeChat is the sandbox of a running app server.

const { app, database, portal } = withTestPortal({ RECONCILE_INTERVAL_MINUTES: "0" });
let staff: StaffActor;

beforeEach(async () => {
  const [row] = await database.db
    .insert(users)
    .values({ email: "ops@example.com", passwordHash: "scrypt$unused", role: "staff" })
    .returning({ id: users.id });
  staff = { userId: row!.id, email: "ops@example.com" };
});

const audits = (action: string, targetId?: string) => auditRecords(database.db, action, targetId);

describe("refresh token now", () => {
  it("renews the token at once, answers its expiry (never the token) and is audited once", async () => {
    const [appId] = (await seedAuthorizedAccounts(app, portal, 1, { expiresInSeconds: 3600 })) as [string];
    const before = (await sandboxLedger(app)).get(appId)!.tokenRefreshes;

    const result = await refreshTokenNow(portal, staff, { appId });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.expiresAt.getTime() - Date.now()).toBeGreaterThan(7000 * 1000);
    expect(Object.keys(result)).toEqual(["ok", "expiresAt"]);
    expect((await sandboxLedger(app)).get(appId)!.tokenRefreshes).toBe(before + 1);

    const [row] = await database.db.select().from(authorizers).where(eq(authorizers.appId, appId));
    const token = portal.secretBox.open(row!.accessTokenSealed!, sealedAt.authorizerAccessToken(appId));
    const record = await onlyAuditRecord(database.db, "authorizer.refresh_token", appId);
    expect(record).toMatchObject({
      actorUserId: staff.userId,
      actorEmail: "ops@example.com",
      targetType: "authorizer",
      after: { ok: true, expiresAt: result.expiresAt.toISOString() },
      before: { status: "authorized" },
    });
    expect(JSON.stringify(record)).not.toContain(token);
  });

  it("says clearly when the account needs re-authorization (61023, nothing listed) and audits the failure", async () => {
    const [appId] = (await seedAuthorizedAccounts(app, portal, 1, { expiresInSeconds: 3600 })) as [string];
    // A lost event: WeChat holds a new refresh token and does not list it.
    await sandboxControl(app, "rotate-refresh-token", { appId, hideFromList: true });
    const result = await refreshTokenNow(portal, staff, { appId });
    expect(result).toEqual({ ok: false, error: { code: "needs_reauthorization", errcode: 61023 } });
    const [row] = await database.db
      .select({ status: authorizers.status })
      .from(authorizers)
      .where(eq(authorizers.appId, appId));
    expect(row?.status).toBe("needs_reauthorization");

    // Asked again: refused before calling WeChat.
    expect(await refreshTokenNow(portal, staff, { appId })).toEqual({
      ok: false,
      error: { code: "needs_reauthorization" },
    });
    const records = await audits("authorizer.refresh_token", appId);
    expect(records.map((r) => r.after)).toEqual([
      { ok: false, error: "needs_reauthorization", errcode: 61023 },
      { ok: false, error: "needs_reauthorization" },
    ]);
  });

  it("names WeChat's error code and its meaning", async () => {
    const [appId] = (await seedAuthorizedAccounts(app, portal, 1, { expiresInSeconds: 3600 })) as [string];
    await sandboxControl(app, "fault", { endpoint: "api_authorizer_token", errcode: 45009, times: 1 });
    const result = await refreshTokenNow(portal, staff, { appId });
    expect(result).toMatchObject({
      ok: false,
      error: { code: "wechat", errcode: 45009, meaning: { key: "wechatErrors.codes.45009" } },
    });
    expect(wechatErrorText(45009, "zh-CN")).toContain("上限");
    expect((await audits("authorizer.refresh_token", appId)).map((r) => r.after)).toEqual([
      { ok: false, error: "wechat", errcode: 45009 },
    ]);
  });

  it("an unknown account changes nothing and is not audited", async () => {
    expect(await refreshTokenNow(portal, staff, { appId: "wx0000000000000000" })).toEqual({
      ok: false,
      error: { code: "not_found" },
    });
    expect(await audits("authorizer.refresh_token")).toHaveLength(0);
  });
});

describe("refresh profile now", () => {
  it("stores WeChat's profile and audits it in the same transaction; a revoked account says so", async () => {
    const [appId, revoked] = (await seedAuthorizedAccounts(app, portal, 2)) as [string, string];
    const result = await refreshProfileNow(portal, staff, { appId });
    expect(result).toMatchObject({ ok: true, nickName: expect.any(String) });
    const [row] = await database.db.select().from(authorizers).where(eq(authorizers.appId, appId));
    expect(row?.nickName).toBe(result.ok ? result.nickName : "");
    expect(row?.profileUpdatedAt).not.toBeNull();
    const record = await onlyAuditRecord(database.db, "authorizer.refresh_profile", appId);
    expect(record).toMatchObject({
      before: { nickName: null, profileUpdatedAt: null },
      after: { ok: true, nickName: row!.nickName },
    });

    await sandboxControl(app, "revoke", { appId: revoked });
    expect(await refreshProfileNow(portal, staff, { appId: revoked })).toEqual({
      ok: false,
      error: { code: "unauthorized" },
    });
    expect((await audits("authorizer.refresh_profile", revoked)).map((r) => r.after)).toEqual([
      { ok: false, error: "unauthorized" },
    ]);
  });
});

describe("reconcile now", () => {
  /** The portal's client, with api_get_authorizer_list held until `release()`: a run that stays running. */
  function gatedDeps() {
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const client: ComponentClient = {
      ...portal.client,
      getAuthorizerList: async (offset, count) => {
        await gate;
        return portal.client.getAuthorizerList(offset, count);
      },
    };
    return { deps: { database: portal.database, secretBox: portal.secretBox, client }, release };
  }

  it("starts in the background with its run id, refuses a second run meanwhile, records progress, audited once", async () => {
    await sandboxControl(app, "clear-accounts");
    await sandboxControl(app, "seed-accounts", { count: 3 });
    const { deps, release } = gatedDeps();
    let finished!: (outcome: { ok: boolean }) => void;
    const done = new Promise<{ ok: boolean }>((resolve) => (finished = resolve));

    const first = await startReconcile(deps, staff, { onFinished: finished });
    expect(first).toEqual({ started: true, runId: expect.any(Number) });
    if (!first.started) return;
    expect(await findRunningReconcile(database.db)).toMatchObject({
      id: first.runId,
      status: "running",
      trigger: "staff:ops@example.com",
    });

    // Another staff member (or another instance) at the same time: told which run is going.
    expect(await startReconcile(deps, staff)).toEqual({ started: false, runningRunId: first.runId });
    expect(await startReconcile(portal, { userId: null, email: "cli" })).toEqual({
      started: false,
      runningRunId: first.runId,
    });

    release();
    expect(await done).toEqual({ ok: true });
    const [run] = await database.db.select().from(reconcileRuns).where(eq(reconcileRuns.id, first.runId));
    expect(run).toMatchObject({ status: "done", listed: 3, checked: 3, repairs: 3, error: null });

    const record = await onlyAuditRecord(database.db, "reconcile.run");
    expect(record).toMatchObject({
      actorUserId: staff.userId,
      targetType: "platform",
      targetId: "reconcile",
      after: { runId: first.runId, trigger: "staff:ops@example.com" },
    });

    // Finished: the next one starts.
    const { deps: next, release: releaseNext } = gatedDeps();
    releaseNext();
    let finishedNext!: (outcome: { ok: boolean }) => void;
    const doneNext = new Promise<{ ok: boolean }>((resolve) => (finishedNext = resolve));
    const second = startReconcile(next, staff, { onFinished: finishedNext });
    await doneNext;
    expect(await second).toEqual({ started: true, runId: expect.any(Number) });
    expect(await audits("reconcile.run")).toHaveLength(2);
  });

  it("a run that fails after starting is recorded on its row; the start still answered", async () => {
    const { deps } = gatedDeps();
    const failing = {
      ...deps,
      client: { ...deps.client, getAuthorizerList: async () => Promise.reject(new Error("WeChat unreachable (test)")) },
    } satisfies typeof deps;
    let finished!: (outcome: { ok: boolean }) => void;
    const done = new Promise<{ ok: boolean }>((resolve) => (finished = resolve));
    const started = await startReconcile(failing, staff, { onFinished: finished });
    expect(started).toMatchObject({ started: true });
    expect(await done).toEqual({ ok: false });
    const [run] = await database.db.select().from(reconcileRuns);
    expect(run).toMatchObject({ status: "failed", error: expect.stringContaining("WeChat unreachable (test)") });
  });
});
