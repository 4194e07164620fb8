import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { and, eq, sql } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import type { Database } from "@/db";
import { findBatch, listBatchTargets, type BatchTargetRow } from "@/db/queries/batches";
import { findReleaseAccount } from "@/db/queries/releases";
import { batchTargets } from "@/db/schema";
import type { Platform } from "@/lib/platform";
import { createReleaseBatch } from "@/lib/releases/release-batches";
import { TEST_SECRETS } from "../support/app-server";
import { quoteOutput } from "../support/workers";
import { describeWithBuild } from "../support/build";
import {
  createTestDatabaseConfig,
  openConfiguredDatabase,
  openTestDatabase,
  type TestDatabase,
  type TestDatabaseConfig,
} from "../support/database";
import { createReleasePortal, createTestPortal, sandboxAudits, sandboxCalls, sandboxControl } from "../support/portal";
import { withAppServer } from "../support/with-app-server";

/**
 * The release center when things go wrong (docs/releases.md): a batch worker killed in the middle of a batch (its
 * leases expire, another worker takes over, nothing is committed or submitted twice), and bursts of `-1` (system
 * busy) on commit and submit_audit (the steps back off, the spacing is on the rows, the batch still completes).
 * WeChat = the sandbox of a built app server; audits resolve at once by rule (approve), pushes off: the portal polls.
 */

const ROOT = path.resolve(import.meta.dirname, "../..");
const PARAMS = { templateId: 1, version: "3.0.0", description: "韧性测试", onApproval: "release" as const };
/** Audits are polled almost at once (no events here); a WeChat call may take 30 s before it counts as lost. */
const ENV = {
  RELEASE_PRIVACY_RETRY_SECONDS: "0",
  RELEASE_AUDIT_RECONCILE_MINUTES: "0.005",
  WECHAT_API_TIMEOUT_MS: "30000",
};

describeWithBuild("release batches: crashes and WeChat busy", () => {
  const app = withAppServer({ env: { BACKGROUND_JOBS: "0" } });

  beforeAll(async () => {
    await sandboxControl(app, "code-settings", {
      pushEvents: false,
      privacyCheckMs: 0,
      auditDelayMs: 0,
      defaultRule: "approve",
      quotaRest: 1000,
      quotaLimit: 1000,
    });
  });

  /**
   * A portal on `database` holding a ticket, and `n` mini programs of a new merchant `name`: authorized in the sandbox
   * (set 18) and known to that portal.
   */
  async function portalWithMiniPrograms(database: Database, name: string, n: number) {
    const { portal, miniPrograms } = await createReleasePortal(app, database, name, ENV);
    return { portal, appIds: await miniPrograms(n) };
  }

  /** Runs `test` on a database of its own holding `portalWithMiniPrograms(…, name, n)`, dropped afterwards. */
  async function onOwnDatabase(
    name: string,
    n: number,
    test: (setup: { database: TestDatabase; portal: Platform; appIds: string[] }) => Promise<void>,
  ) {
    const database = await openTestDatabase();
    try {
      await test({ database, ...(await portalWithMiniPrograms(database, name, n)) });
    } finally {
      await database.drop();
    }
  }

  const ledger = (appId: string) => sandboxAudits(app, appId);

  const targetsOf = async (database: Database, batchId: number) =>
    new Map((await listBatchTargets(database.db, { batchId, limit: 100 })).map((t) => [t.appId, t]));

  /** Runs the portal's batch worker until the batch is finished. */
  async function runUntilFinished(portal: Platform, batchId: number, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    while ((await findBatch(portal.database.db, batchId))?.status !== "finished") {
      if (Date.now() > deadline) throw new Error(`batch ${batchId} not finished in ${timeoutMs} ms`);
      await portal.batches.worker.runPass();
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it("a worker killed mid-batch: its leases expire, another worker finishes; nothing committed or submitted twice", async () => {
    const LEASE_MS = 8000;
    const config: TestDatabaseConfig = await createTestDatabaseConfig();
    let child: ChildProcess | undefined;
    let database: Database | undefined;
    try {
      // Set-up in this process, then the database is closed: the worker process opens it (PGlite: one at a time).
      database = await openConfiguredDatabase(config);
      const {
        portal: setup,
        appIds: [submitting, committing, c, d],
      } = await portalWithMiniPrograms(database, "Crash", 4);
      await sandboxControl(app, "reset-calls");
      // WeChat applies the call but its answer is held back: the worker is inside submit_audit (for one account)
      // and commit (for another) when it dies.
      await sandboxControl(app, "fault", { endpoint: "wxa/submit_audit", appId: submitting, hangMs: 60_000, times: 1 });
      await sandboxControl(app, "fault", { endpoint: "wxa/commit", appId: committing, hangMs: 60_000, times: 1 });
      const { batchId } = await createReleaseBatch(setup, {
        params: PARAMS,
        appIds: [submitting!, committing!, c!, d!],
        createdByUserId: null,
      });
      await database.close();
      database = undefined;

      child = spawn(
        process.execPath,
        ["--conditions=react-server", "--import", "tsx", "tests/support/batch-worker.ts"],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            ...TEST_SECRETS,
            ...config.env,
            ...ENV,
            NODE_ENV: "test",
            APP_URL: app.url,
            WECHAT_SANDBOX: "1",
            BATCH_CONCURRENCY: "4",
            LEASE_MS: String(LEASE_MS),
          },
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let out = "";
      child.stdout!.on("data", (b: Buffer) => (out += b.toString()));
      child.stderr!.on("data", (b: Buffer) => (out += b.toString()));
      const exited = new Promise<void>((resolve) => child!.once("exit", () => resolve()));
      const latestState = () => {
        const line = out.split("\n").findLast((l) => l.startsWith("STATE "));
        return line ? (JSON.parse(line.slice(6)) as { appId: string; step: string; status: string }[]) : [];
      };

      // Kill it once both held calls reached WeChat and the other two accounts were submitted and recorded.
      const submitted = (t: { step: string; status: string } | undefined) =>
        (t?.step === "audit" && t.status === "waiting") || t?.status === "succeeded";
      // Well within the client's timeout: a held call must not hold back the other accounts' next steps.
      const deadline = Date.now() + 20_000;
      for (;;) {
        if (child.exitCode !== null) throw new Error(`worker exited early:\n${quoteOutput(out)}`);
        if (Date.now() > deadline) throw new Error(`worker did not get there:\n${quoteOutput(out)}`);
        const state = new Map(latestState().map((t) => [t.appId, t]));
        const committed = await sandboxControl<{ exp: unknown } | null>(app, "code-account", { appId: committing });
        if (
          submitted(state.get(c!)) &&
          submitted(state.get(d!)) &&
          committed?.exp &&
          (await ledger(submitting!)).length === 1
        )
          break;
        await new Promise((r) => setTimeout(r, 100));
      }
      child.kill("SIGKILL");
      await exited;
      const callsAtKill = await sandboxCalls(app);
      expect(callsAtKill["wxa/submit_audit"]).toBe(3); // submitting (held), c, d
      expect(callsAtKill["wxa/commit"]).toBe(4);

      // Another worker (this process, default lease) on the same database.
      database = await openConfiguredDatabase(config);
      const portal = createTestPortal(app, database, ENV);
      const killed = await targetsOf(database, batchId!);
      for (const appId of [c!, d!]) expect(["audit", "release"]).toContain(killed.get(appId)?.step);
      expect(killed.get(submitting!)).toMatchObject({ step: "submit", status: "pending" });
      expect(killed.get(committing!)).toMatchObject({ step: "commit", status: "pending" });
      const leasedUntil = Math.max(
        ...[submitting!, committing!].map((id) => killed.get(id)!.leaseUntil?.getTime() ?? 0),
      );
      // The dead worker's leases still hold (unless the database took longer to reopen than they last).
      if (leasedUntil > Date.now() + 1000) {
        await portal.batches.worker.runPass();
        const during = await sandboxCalls(app);
        expect(during["wxa/submit_audit"]).toBe(callsAtKill["wxa/submit_audit"]);
        expect(during["wxa/commit"]).toBe(callsAtKill["wxa/commit"]);
        const still = await targetsOf(database, batchId!);
        for (const appId of [submitting!, committing!]) {
          expect(still.get(appId)).toMatchObject({
            leaseOwner: killed.get(appId)?.leaseOwner,
            fence: killed.get(appId)?.fence,
          });
        }
      }
      await new Promise((r) => setTimeout(r, Math.max(0, leasedUntil - Date.now() + 200)));
      await runUntilFinished(portal, batchId!);

      const after = await targetsOf(database, batchId!);
      for (const appId of [submitting!, committing!, c!, d!]) {
        expect(after.get(appId)).toMatchObject({ status: "succeeded", step: "release" });
        const audits = await ledger(appId);
        expect(audits, `${appId}: one submission`).toHaveLength(1);
        expect(after.get(appId)?.data.auditId).toBe(audits[0]!.auditId);
        expect(await sandboxControl(app, "code-account", { appId })).toMatchObject({ online: { version: "3.0.0" } });
        expect(await findReleaseAccount(database.db, appId)).toMatchObject({ onlineVersion: "3.0.0", auditStatus: 0 });
      }
      // The held submit_audit was adopted (get_latest_auditstatus), not sent again: one more submit_audit only,
      // the first of the account whose commit was held. Only that commit was repeated (the takeover cannot know
      // WeChat applied it; a commit is safe to repeat); the three recorded before the kill were not.
      const calls = await sandboxCalls(app);
      expect(calls["wxa/submit_audit"]).toBe(4);
      expect(calls["wxa/commit"]).toBe(5);
      expect(calls["wxa/release"]).toBeGreaterThanOrEqual(4);
      expect(calls["wxa/get_latest_auditstatus"]).toBeGreaterThanOrEqual(1);
      expect((await findBatch(database.db, batchId!))?.status).toBe("finished");
    } finally {
      if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await database?.close();
      await config.drop();
    }
  }, 120_000);

  it("bursts of -1 on commit and submit_audit back off (spacing on the rows) and the batch still completes", async () => {
    await onOwnDatabase("Busy", 3, async ({ database, portal, appIds: [busyCommit, busySubmit, calm] }) => {
      await sandboxControl(app, "reset-calls");
      // commit is repeatable: the client itself retries -1 three times (4 calls), then the step fails and the
      // batch backs off. 9 answers of -1: two failed commit steps, and the third succeeds on its second call.
      await sandboxControl(app, "fault", { endpoint: "wxa/commit", appId: busyCommit, errcode: -1, times: 9 });
      // submit_audit is never repeated by the client: each -1 is a failed step, backed off.
      await sandboxControl(app, "fault", { endpoint: "wxa/submit_audit", appId: busySubmit, errcode: -1, times: 3 });
      const { batchId } = await createReleaseBatch(portal, {
        params: PARAMS,
        appIds: [busyCommit!, busySubmit!, calm!],
        createdByUserId: null,
      });

      /** Each failed attempt of a target as the row shows it: attempts, WeChat's answer and when it runs again. */
      const history = new Map<string, { attempts: number; errcode: number | null; at: number; nextRunAt: number }[]>();
      const observe = (rows: Map<string, BatchTargetRow>) => {
        for (const [appId, t] of rows) {
          if (t.attempts === 0 || t.lastAnswer?.errcode !== -1) continue;
          const seen = history.get(appId) ?? [];
          if (seen.at(-1)?.attempts === t.attempts) continue;
          seen.push({
            attempts: t.attempts,
            errcode: t.lastAnswer.errcode,
            at: Date.parse(t.lastAnswer.at),
            nextRunAt: t.nextRunAt.getTime(),
          });
          history.set(appId, seen);
        }
      };
      /** The backoff has passed for the targets that wait on one (the engine's own delays are 10 s and more). */
      const skipBackoff = () =>
        database.db
          .update(batchTargets)
          .set({ nextRunAt: sql`now()` })
          .where(
            and(
              eq(batchTargets.batchId, batchId!),
              sql`${batchTargets.status} = 'pending' and ${batchTargets.attempts} > 0`,
            ),
          );

      const deadline = Date.now() + 60_000;
      while ((await findBatch(database.db, batchId!))?.status !== "finished") {
        if (Date.now() > deadline) throw new Error("batch not finished");
        await portal.batches.worker.runPass();
        const rows = await targetsOf(database, batchId!);
        observe(rows);
        // A target that just failed is not run again before its time: another pass sends WeChat nothing for it.
        const before = await sandboxCalls(app);
        const backingOff = [...rows.values()].some((t) => t.status === "pending" && t.nextRunAt.getTime() > Date.now());
        if (backingOff) {
          await portal.batches.worker.runPass();
          const now = await sandboxCalls(app);
          expect(now["wxa/commit"]).toBe(before["wxa/commit"]);
          expect(now["wxa/submit_audit"]).toBe(before["wxa/submit_audit"]);
        }
        await skipBackoff();
      }

      // The spacing: attempt n waits 5 s · 2ⁿ (±20 %) after the failure, as recorded on the row.
      const spacing = (appId: string) =>
        history.get(appId)!.map((h) => ({ attempts: h.attempts, errcode: h.errcode, waitMs: h.nextRunAt - h.at }));
      const expectBackoff = (rows: ReturnType<typeof spacing>, failures: number) => {
        expect(rows.map((r) => r.attempts)).toEqual(Array.from({ length: failures }, (_, i) => i + 1));
        for (const r of rows) {
          expect(r.errcode).toBe(-1);
          const nominal = 5000 * 2 ** r.attempts;
          expect(r.waitMs).toBeGreaterThanOrEqual(nominal * 0.8 - 50);
          expect(r.waitMs).toBeLessThanOrEqual(nominal * 1.2 + 1000);
        }
      };
      expectBackoff(spacing(busyCommit!), 2);
      expectBackoff(spacing(busySubmit!), 3);
      expect(history.has(calm!)).toBe(false);

      const rows = await targetsOf(database, batchId!);
      for (const appId of [busyCommit!, busySubmit!, calm!]) {
        expect(rows.get(appId)).toMatchObject({ status: "succeeded", step: "release" });
        expect(await ledger(appId), `${appId}: one submission`).toHaveLength(1);
        expect(await sandboxControl(app, "code-account", { appId })).toMatchObject({ online: { version: "3.0.0" } });
      }
      const calls = await sandboxCalls(app);
      expect(calls["wxa/commit"]).toBe(10 + 1 + 1);
      expect(calls["wxa/submit_audit"]).toBe(3 + 1 + 1 + 1);
    });
  }, 120_000);
  it("a -1 on the submission after a rejection: the rejected audit is not taken for the new one", async () => {
    await onOwnDatabase("Again", 1, async ({ database, portal, appIds: [appId] }) => {
      await sandboxControl(app, "code-settings", {
        appRules: { [appId!]: { rule: "reject", reason: "1:首页打不开" } },
      });
      const first = await createReleaseBatch(portal, { params: PARAMS, appIds: [appId!], createdByUserId: null });
      await runUntilFinished(portal, first.batchId!);
      expect((await targetsOf(database, first.batchId!)).get(appId!)).toMatchObject({
        status: "failed",
        outcome: { key: "releases.outcome.rejected", values: { reason: "1:首页打不开" } },
      });

      // Fixed; resubmitted a moment later, and WeChat is busy: the first submit_audit answers -1 (nothing created).
      await sandboxControl(app, "code-settings", { appRules: {} });
      await sandboxControl(app, "fault", { endpoint: "wxa/submit_audit", appId, errcode: -1, times: 1 });
      const second = await createReleaseBatch(portal, {
        params: { ...PARAMS, version: "3.0.1" },
        appIds: [appId!],
        createdByUserId: null,
      });
      const deadline = Date.now() + 30_000;
      while ((await findBatch(database.db, second.batchId!))?.status !== "finished") {
        if (Date.now() > deadline) throw new Error("batch not finished");
        await portal.batches.worker.runPass();
        // The backoff has passed.
        await database.db
          .update(batchTargets)
          .set({ nextRunAt: sql`now()` })
          .where(and(eq(batchTargets.batchId, second.batchId!), eq(batchTargets.status, "pending")));
      }
      const target = (await targetsOf(database, second.batchId!)).get(appId!)!;
      const audits = await ledger(appId!);
      expect(audits).toHaveLength(2);
      expect(target).toMatchObject({ status: "succeeded", step: "release", data: { auditId: audits[0]!.auditId } });
      expect(await findReleaseAccount(database.db, appId!)).toMatchObject({
        onlineVersion: "3.0.1",
        auditId: audits[0]!.auditId,
        auditStatus: 0,
      });
    });
  }, 60_000);
});
