import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { countTargetsByStatus, findBatch, listBatchTargets } from "@/db/queries/batches";
import { findReleaseAccount, unsafeListMiniPrograms } from "@/db/queries/releases";
import { findSetupAccount } from "@/db/queries/setup";
import { batchTargets } from "@/db/schema";
import type { Platform } from "@/lib/platform";
import { processPendingAuthorizerMessages } from "@/lib/messages/release-test-reply";
import { createReleaseBatch } from "@/lib/releases/release-batches";
import { reconcileAudit } from "@/lib/releases/release-kind";
import { sealPush } from "@/lib/wechat/push";
import { createSetupApi, emptyDomains } from "@/lib/wechat/setup";
import { describeWithBuild } from "../support/build";
import { openTestDatabase, type TestDatabase } from "../support/database";
import { createReleasePortal, createTestPortal, sandboxAudits, sandboxCalls, sandboxControl } from "../support/portal";
import { withAppServer } from "../support/with-app-server";

/**
 * The release center against the sandbox over HTTP (docs/releases.md): a portal in this process (its own database,
 * its batch worker drained by hand), WeChat = the sandbox of a built app server. The sandbox's pushes are off: the
 * test resolves audits by hand and delivers the weapp_audit_* events itself, in the order each case needs.
 */

type ResolvedAudit = { appId: string; auditId: number; status: number; fields: Record<string, string | number> };

describeWithBuild("release center over HTTP", () => {
  const app = withAppServer({ env: { BACKGROUND_JOBS: "0" } });
  let database: TestDatabase;
  let portal: Platform;
  let miniPrograms: (count: number, funcIds?: number[]) => Promise<string[]>;
  const PARAMS = {
    templateId: 1,
    version: "2.0.0",
    description: "发布测试",
    extJsonTemplate: '{"extAppid":"{{appId}}","ext":{"shop":"{{nickName}}"}}',
  };
  const ENV = {
    RELEASE_PRIVACY_RETRY_SECONDS: "0",
    RELEASE_AUDIT_RECONCILE_MINUTES: "60",
    WECHAT_API_TIMEOUT_MS: "800",
  };

  beforeAll(async () => {
    database = await openTestDatabase();
    ({ portal, miniPrograms } = await createReleasePortal(app, database, "Release", ENV));
    await sandboxControl(app, "code-settings", {
      pushEvents: false,
      privacyCheckMs: 0,
      auditDelayMs: 86_400_000,
      quotaRest: 100,
    });
  });
  afterAll(async () => {
    await database?.drop();
  });

  /** Runs the portal's batch worker until nothing due is left (or `passes` passes). */
  async function drain(p: Platform = portal, passes = 12) {
    for (let i = 0; i < passes; i++) await p.batches.worker.runPass();
  }

  const ledger = (appId: string) => sandboxAudits(app, appId);

  /** Delivers an audit event to the portal's message URL as WeChat would, then lets the follow-up run. */
  async function deliver(r: ResolvedAudit) {
    const { ToUserName, ...rest } = r.fields;
    const sealed = sealPush(
      portal.crypto,
      { ToUserName: String(ToUserName), ...rest },
      { ToUserName: String(ToUserName) },
    );
    const answer = await portal.authorizerMessages.receive(r.appId, sealed.query, sealed.body);
    expect(answer.body).toBe("success");
    await processPendingAuthorizerMessages(portal);
  }

  const resolve = (auditId: number, rule: "approve" | "reject" | "delay", reason?: string) =>
    sandboxControl<ResolvedAudit>(app, "code-resolve", { auditId, rule, reason });

  async function targetOf(batchId: number, appId: string) {
    return (await listBatchTargets(database.db, { batchId, limit: 100 })).find((t) => t.appId === appId)!;
  }

  it("runs commit → privacy (61039, then done) → submit → audit; events and polls in any order converge", async () => {
    const [a, b, c] = await miniPrograms(3);
    const [noSet18] = await miniPrograms(1, [17, 19]);
    await sandboxControl(app, "code-settings", { privacyCheckMs: 60_000 });

    const created = await createReleaseBatch(portal, {
      params: PARAMS,
      appIds: [a!, b!, c!, noSet18!],
      createdByUserId: null,
    });
    expect(created.ineligible).toEqual([{ appId: noSet18, reason: "no_set_18" }]);
    expect((await unsafeListMiniPrograms(database.db)).find((p) => p.appId === noSet18)?.hasSet18).toBe(false);
    const batchId = created.batchId!;

    await drain(portal, 4);
    for (const appId of [a!, b!, c!]) {
      const t = await targetOf(batchId, appId);
      expect(t.step).toBe("privacy");
      expect(t.lastAnswer?.errcode).toBe(61039);
      expect(t.outcome?.key).toBe("releases.outcome.privacyRunning");
    }
    // The privacy check finishes (the sandbox's clock moves on a minute).
    await sandboxControl(app, "code-advance", { ms: 61_000 });
    await drain();
    for (const appId of [a!, b!, c!]) {
      const t = await targetOf(batchId, appId);
      expect([t.step, t.status]).toEqual(["audit", "waiting"]);
      expect(await ledger(appId)).toHaveLength(1);
      expect((await findReleaseAccount(database.db, appId))?.auditStatus).toBe(2);
    }
    const auditOf = async (appId: string) => (await ledger(appId))[0]!.auditId;

    // a: event before poll → approved → released.
    // A server domain set by 方式二 waits for the release (docs/setup.md).
    const domain = "https://api.release-setup.example.com";
    const { accessToken } = await portal.authorizerTokens.getToken(a!);
    await createSetupApi(portal.client.core).setServerDomainsDirectly(accessToken, {
      ...emptyDomains(),
      requestdomain: [domain],
    });
    await deliver(await resolve(await auditOf(a!), "approve"));
    await drain();
    expect(await targetOf(batchId, a!)).toMatchObject({ step: "release", status: "succeeded" });
    expect(await findReleaseAccount(database.db, a!)).toMatchObject({ auditStatus: 0, onlineVersion: "2.0.0" });
    expect(await sandboxControl(app, "code-account", { appId: a })).toMatchObject({ online: { version: "2.0.0" } });
    // The release made it effective at WeChat, and the portal read the account's setup again.
    expect(await sandboxControl(app, "setup-read", { appId: a })).toMatchObject({
      effective: { requestdomain: [domain] },
    });
    expect((await findSetupAccount(database.db, a!))?.snapshot.domains?.effective.requestdomain).toEqual([domain]);

    // b: poll before event (the event is lost, then arrives late and twice) → rejected with WeChat's reason.
    const rejected = await resolve(await auditOf(b!), "reject", "1:页面存在未完成的功能<br>");
    await reconcileAudit(portal, b!);
    await drain();
    const bTarget = await targetOf(batchId, b!);
    expect(bTarget.status).toBe("failed");
    expect(bTarget.outcome).toEqual({
      key: "releases.outcome.rejected",
      values: { reason: "1:页面存在未完成的功能<br>" },
    });
    const bAfterPoll = await findReleaseAccount(database.db, b!);
    await deliver(rejected);
    await deliver(rejected);
    await drain();
    const bAfterEvents = await findReleaseAccount(database.db, b!);
    expect({ ...bAfterEvents, updatedAt: null }).toEqual({ ...bAfterPoll, updatedAt: null });
    expect(bAfterEvents).toMatchObject({ auditStatus: 1, auditScreenshots: expect.stringContaining("|") });

    // c: delayed (waits on), then approved; the success event arrives twice.
    await deliver(await resolve(await auditOf(c!), "delay"));
    await drain();
    expect(await targetOf(batchId, c!)).toMatchObject({
      step: "audit",
      status: "waiting",
      outcome: { key: "releases.outcome.delayed" },
    });
    expect((await findReleaseAccount(database.db, c!))?.auditStatus).toBe(4);
    const approved = await resolve(await auditOf(c!), "approve");
    await deliver(approved);
    await deliver(approved);
    await drain();
    expect(await targetOf(batchId, c!)).toMatchObject({ status: "succeeded" });
    expect(await ledger(c!)).toHaveLength(1);

    expect((await countTargetsByStatus(database.db, [batchId])).get(batchId)).toMatchObject({
      succeeded: 2,
      failed: 1,
    });
    expect((await findBatch(database.db, batchId))?.status).toBe("finished");
    // Staff retry the rejected account: it starts over from the commit and is submitted once more.
    await sandboxControl(app, "code-settings", { privacyCheckMs: 0 });
    expect(await portal.batches.retryTarget(bTarget.id)).toBe(true);
    await drain();
    expect(await targetOf(batchId, b!)).toMatchObject({ step: "audit", status: "waiting" });
    expect(await ledger(b!)).toHaveLength(2);
  }, 120_000);

  it("a submit_audit whose answer is lost is never submitted twice; 85009 adopts the running audit", async () => {
    const [d, e] = await miniPrograms(2);
    // d: WeChat creates the audit but the answer never arrives (held back past the client's timeout).
    await sandboxControl(app, "fault", { endpoint: "wxa/submit_audit", appId: d, hangMs: 2000, times: 1 });
    const { batchId } = await createReleaseBatch(portal, { params: PARAMS, appIds: [d!, e!], createdByUserId: null });
    await drain(portal, 6);
    const lost = await targetOf(batchId!, d!);
    expect(lost).toMatchObject({ step: "submit", status: "pending", attempts: 1 });
    expect(lost.lastAnswer).toMatchObject({ endpoint: "wxa/submit_audit", errcode: null });
    // The backoff has passed.
    await database.db
      .update(batchTargets)
      .set({ nextRunAt: sql`now()` })
      .where(eq(batchTargets.id, lost.id));
    await drain();
    const [only, ...more] = await ledger(d!);
    expect(more).toEqual([]);
    expect(await targetOf(batchId!, d!)).toMatchObject({
      step: "audit",
      status: "waiting",
      data: { auditId: only!.auditId },
    });
    expect((await findReleaseAccount(database.db, d!))?.auditId).toBe(only!.auditId);

    // e: WeChat answers 85009 (an audit is already running): adopted, not failed.
    expect(await targetOf(batchId!, e!)).toMatchObject({ step: "audit", status: "waiting" });
    const [eAudit] = await ledger(e!);
    await database.db
      .update(batchTargets)
      .set({ step: "submit", status: "pending", nextRunAt: sql`now()` })
      .where(eq(batchTargets.appId, e!));
    await drain();
    expect(await ledger(e!)).toHaveLength(1);
    expect(await targetOf(batchId!, e!)).toMatchObject({
      step: "audit",
      status: "waiting",
      data: { auditId: eAudit!.auditId },
    });
  }, 60_000);

  it("pauses the batch with the reason before the quota runs out, and 61007 explains set 18", async () => {
    const fresh = createTestPortal(app, database, ENV); // an instance with no cached quota
    const [f, g] = await miniPrograms(2);
    await sandboxControl(app, "code-settings", { quotaRest: 1 });
    const { batchId } = await createReleaseBatch(fresh, { params: PARAMS, appIds: [f!, g!], createdByUserId: null });
    await drain(fresh);
    const batch = await findBatch(database.db, batchId!);
    expect(batch?.status).toBe("paused");
    expect(batch?.pauseReason).toEqual({ key: "releases.pause.quota", values: { rest: 0, limit: 20 } });
    expect((await ledger(f!)).length + (await ledger(g!)).length).toBe(1);
    const submitCalls = await sandboxCalls(app);
    expect(submitCalls["wxa/queryquota"]).toBeGreaterThanOrEqual(2);

    // A grant without set 18 (withdrawn at WeChat since the batch was made): the step fails with the fix.
    const [h] = await miniPrograms(1, [17, 18]);
    await sandboxControl(app, "fault", { endpoint: "wxa/commit", appId: h, errcode: 61007, times: 1 });
    await sandboxControl(app, "code-settings", { quotaRest: 100 });
    const noPerm = await createReleaseBatch(fresh, { params: PARAMS, appIds: [h!], createdByUserId: null });
    await drain(fresh);
    const t = await targetOf(noPerm.batchId!, h!);
    expect(t).toMatchObject({ status: "failed", outcome: { key: "releases.outcome.noSet18" } });
    expect(t.lastAnswer?.errcode).toBe(61007);
  }, 60_000);
});
