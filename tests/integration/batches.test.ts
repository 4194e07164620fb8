import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { openDatabase, type Database } from "@/db";
import { countTargetsByStatus, findBatch, listBatchTargets } from "@/db/queries/batches";
import { batchTargets, merchants } from "@/db/schema";
import { createBatchEngine, type BatchEngineOptions, type BatchKind, type StepOutcome } from "@/lib/jobs/batches";
import { WechatApiError } from "@/lib/wechat/errors";
import { withTestDatabase } from "../support/with-test-database";

/**
 * The batch engine with a test kind whose steps record every "WeChat call" in a ledger shared by all engines, as
 * WeChat's own records would be: what matters is how often each call was made for each account.
 */
interface Ledger {
  calls: Map<string, number>;
  record(appId: string, step: string): void;
  count(appId: string, step: string): number;
}

function createLedger(): Ledger {
  const calls = new Map<string, number>();
  return {
    calls,
    record: (appId, step) => calls.set(`${appId}:${step}`, (calls.get(`${appId}:${step}`) ?? 0) + 1),
    count: (appId, step) => calls.get(`${appId}:${step}`) ?? 0,
  };
}

type Behaviour = (step: string, appId: string, attempts: number) => StepOutcome | "throw" | undefined;

function testKind(
  ledger: Ledger,
  behaviour: Behaviour = () => undefined,
  delayMs = 0,
): BatchKind<null, { label: string }> {
  return {
    kind: "test",
    initialStep: "commit",
    paramsSchema: z.object({ label: z.string() }),
    maxAttempts: 3,
    async runStep({ target, batch }) {
      expect(batch.params.label).toBe("v1");
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      const special = behaviour(target.step, target.appId, target.attempts);
      ledger.record(target.appId, target.step);
      if (special === "throw") throw new WechatApiError("submit_audit", -1, "system error rid: 1-2-3");
      if (special) return special;
      if (target.step === "commit") return { type: "next", step: "submit", data: { committed: true } };
      if (target.step === "submit") return { type: "next", step: "release", data: { auditId: target.appId.length } };
      return { type: "done", status: "succeeded" };
    },
  };
}

const appIds = (n: number) => Array.from({ length: n }, (_, i) => `wx${String(i).padStart(16, "0")}`);

/** A batch of the test kind ("v1") over these accounts, none with a merchant. */
function startTestBatch(
  engine: { createBatch: ReturnType<typeof createBatchEngine<null>>["createBatch"] },
  ids: string[],
) {
  return engine.createBatch({
    kind: "test",
    title: "v1",
    params: { label: "v1" },
    targets: ids.map((appId) => ({ appId, merchantId: null })),
    createdByUserId: null,
  });
}

async function drain(engine: { worker: { runPass(): Promise<unknown> } }, passes = 20) {
  for (let i = 0; i < passes; i++) await engine.worker.runPass();
}

describe("batch engine", () => {
  const database = withTestDatabase();

  /** An engine for the one batch kind `kind` on `db`, retrying without backoff, 4 targets at once unless `extra` says. */
  const engineOf = (
    kind: BatchEngineOptions<null>["kinds"][number],
    db: Database = database,
    extra: Partial<BatchEngineOptions<null>> = {},
  ) =>
    createBatchEngine<null>({
      db: db.db,
      kinds: [kind],
      deps: () => null,
      concurrency: 4,
      backoffMs: () => 0,
      ...extra,
    });

  const engineFor = (
    db: Database,
    ledger: Ledger,
    behaviour?: Behaviour,
    extra: Partial<BatchEngineOptions<null>> = {},
  ) => engineOf(testKind(ledger, behaviour), db, extra);

  it("runs every target through its steps once and finishes the batch, with progress counts along the way", async () => {
    const ledger = createLedger();
    const engine = engineFor(database, ledger);
    const ids = appIds(12);
    const batchId = await startTestBatch(engine, ids);
    expect((await countTargetsByStatus(database.db, [batchId])).get(batchId)).toEqual({ pending: 12 });
    await drain(engine);
    for (const appId of ids) {
      expect([ledger.count(appId, "commit"), ledger.count(appId, "submit"), ledger.count(appId, "release")]).toEqual([
        1, 1, 1,
      ]);
    }
    const targets = await listBatchTargets(database.db, { batchId, limit: 100 });
    expect(targets.every((t) => t.status === "succeeded" && t.step === "release" && t.data.committed === true)).toBe(
      true,
    );
    expect((await findBatch(database.db, batchId))?.status).toBe("finished");
    expect((await countTargetsByStatus(database.db, [batchId])).get(batchId)).toEqual({ succeeded: 12 });
  });

  it("refuses params the kind does not accept, and an unknown kind", async () => {
    const engine = engineFor(database, createLedger());
    await expect(
      engine.createBatch({ kind: "test", title: "x", params: { label: 1 }, targets: [], createdByUserId: null }),
    ).rejects.toThrow();
    await expect(
      engine.createBatch({ kind: "nope", title: "x", params: {}, targets: [], createdByUserId: null }),
    ).rejects.toThrow(/unknown batch kind/);
  });

  it("two engines sharing the database (two instances) run each step of each target exactly once", async () => {
    const ledger = createLedger();
    const kind = testKind(ledger, undefined, 2);
    const second = database.databaseUrl
      ? await openDatabase({ databaseUrl: database.databaseUrl, pgliteDir: "memory://" })
      : database;
    try {
      const a = engineOf(kind, database, { concurrency: 5 });
      const b = engineOf(kind, second, { concurrency: 5 });
      const ids = appIds(40);
      const batchId = await startTestBatch(a, ids);
      await Promise.all([drain(a, 10), drain(b, 10)]);
      for (const appId of ids)
        expect([ledger.count(appId, "commit"), ledger.count(appId, "submit"), ledger.count(appId, "release")]).toEqual([
          1, 1, 1,
        ]);
      expect((await findBatch(database.db, batchId))?.status).toBe("finished");
    } finally {
      if (second !== database) await second.close();
    }
  });

  it("a worker that died holding claims: another takes them over after the lease, and the dead one's late result is dropped", async () => {
    const ledger = createLedger();
    // The first worker's steps hang until released (it "died" mid-call); its lease is short.
    let releaseHung: () => void = () => {};
    const hung = new Promise<void>((r) => (releaseHung = r));
    const slowKind: BatchKind<null, { label: string }> = {
      ...testKind(ledger),
      async runStep(ctx) {
        await hung;
        ledger.record(ctx.target.appId, `late-${ctx.target.step}`);
        return { type: "done", status: "skipped" };
      },
    };
    const dying = engineOf(slowKind, database, { concurrency: 2, leaseMs: 300 });
    const healthy = engineFor(database, ledger);
    const ids = appIds(2);
    const batchId = await startTestBatch(healthy, ids);
    const dyingPass = dying.worker.runPass();
    // Both targets are leased by the dying worker: nothing for the healthy one until the lease runs out.
    await new Promise((r) => setTimeout(r, 100));
    expect(await healthy.worker.runPass()).toEqual({ done: 0, failed: 0 });
    await new Promise((r) => setTimeout(r, 400));
    await drain(healthy);
    releaseHung();
    await dyingPass;
    const targets = await listBatchTargets(database.db, { batchId, limit: 10 });
    expect(targets.map((t) => t.status)).toEqual(["succeeded", "succeeded"]);
    for (const appId of ids) expect(ledger.count(appId, "commit")).toBe(1);
  });

  it("a step that throws is retried with its attempts and WeChat's answer recorded; after maxAttempts the target fails, and a retry runs it again", async () => {
    const ledger = createLedger();
    let failing = true;
    const engine = engineFor(database, ledger, (step) => (step === "submit" && failing ? "throw" : undefined));
    const [appId] = appIds(1);
    const batchId = await startTestBatch(engine, [appId!]);
    await drain(engine);
    let [target] = await listBatchTargets(database.db, { batchId, limit: 1 });
    expect(target).toMatchObject({
      status: "failed",
      step: "submit",
      attempts: 3,
      outcome: { key: "jobs.outcome.tooManyAttempts" },
    });
    expect(target!.lastAnswer).toMatchObject({
      endpoint: "submit_audit",
      errcode: -1,
      errmsg: "system error rid: 1-2-3",
    });
    expect(ledger.count(appId!, "submit")).toBe(3);
    expect((await findBatch(database.db, batchId))?.status).toBe("finished");

    failing = false;
    expect(await engine.retryTarget(target!.id)).toBe(true);
    expect(await engine.retryTarget(target!.id)).toBe(false); // not failed any more
    await drain(engine);
    [target] = await listBatchTargets(database.db, { batchId, limit: 1 });
    expect(target).toMatchObject({ status: "succeeded", step: "release" });
    expect(ledger.count(appId!, "commit")).toBe(1);
    expect((await findBatch(database.db, batchId))?.status).toBe("finished");
  });

  it("a step can pause the whole batch with a reason; nothing runs until it is resumed", async () => {
    const ledger = createLedger();
    let quota = 2;
    const engine = engineFor(
      database,
      ledger,
      (step) =>
        step === "submit"
          ? quota-- > 0
            ? undefined
            : { type: "pause", reason: { key: "release.pause.quota", values: { limit: 2 } } }
          : undefined,
      { concurrency: 1 },
    );
    const ids = appIds(4);
    const batchId = await startTestBatch(engine, ids);
    await drain(engine);
    const batch = await findBatch(database.db, batchId);
    expect(batch).toMatchObject({
      status: "paused",
      pauseReason: { key: "release.pause.quota", values: { limit: 2 } },
    });
    // The target that hit the limit stays at its step with the reason; the others wait at theirs.
    const targets = await listBatchTargets(database.db, { batchId, limit: 10 });
    expect(targets.filter((t) => t.outcome?.key === "release.pause.quota")).toHaveLength(1);
    expect(targets.every((t) => t.status === "pending")).toBe(true);
    const submitsBefore = ids.reduce((n, appId) => n + ledger.count(appId, "submit"), 0);
    await drain(engine, 3);
    expect(ids.reduce((n, appId) => n + ledger.count(appId, "submit"), 0)).toBe(submitsBefore);

    quota = 10;
    expect(await engine.resume(batchId)).toBe(true);
    await drain(engine);
    expect((await countTargetsByStatus(database.db, [batchId])).get(batchId)).toEqual({ succeeded: 4 });
  });

  it("staff pause a running batch: the step in flight finishes and is recorded, the ones claimed behind it do not run", async () => {
    const ledger = createLedger();
    const engine = engineOf(testKind(ledger, undefined, 80), database, { concurrency: 1 });
    const ids = appIds(4);
    const batchId = await startTestBatch(engine, ids);
    const pass = engine.worker.runPass();
    await new Promise((r) => setTimeout(r, 30));
    expect(await engine.pause(batchId, { key: "jobs.pause.byStaff" })).toBe(true);
    await pass;
    const calls = ids.reduce((n, appId) => n + ledger.count(appId, "commit"), 0);
    expect(calls).toBe(1);
    const targets = await listBatchTargets(database.db, { batchId, limit: 10 });
    expect(targets.filter((t) => t.step === "submit")).toHaveLength(1);
    expect(targets.every((t) => t.leaseOwner === null)).toBe(true);
  });

  it("cancelling stops what has not started; waiting targets are woken by an event and poll at their time otherwise", async () => {
    const ledger = createLedger();
    const engine = engineFor(database, ledger, (step, _appId, attempts) =>
      step === "submit"
        ? ({ type: "wait", step: "audit", delayMs: 3_600_000, data: { submitted: true } } as StepOutcome)
        : step === "audit"
          ? { type: "next", step: "release" }
          : attempts > 99
            ? undefined
            : undefined,
    );
    const ids = appIds(3);
    const batchId = await startTestBatch(engine, ids);
    await drain(engine);
    expect((await countTargetsByStatus(database.db, [batchId])).get(batchId)).toEqual({ waiting: 3 });
    // Nothing is due for an hour; an event for one account wakes only that one.
    expect(await engine.wake("test", ids[0]!)).toBe(1);
    expect(await engine.wake("other-kind", ids[1]!)).toBe(0);
    await drain(engine);
    const byApp = new Map((await listBatchTargets(database.db, { batchId, limit: 10 })).map((t) => [t.appId, t]));
    expect(byApp.get(ids[0]!)).toMatchObject({ status: "succeeded", step: "release" });
    expect(byApp.get(ids[1]!)).toMatchObject({ status: "waiting", step: "audit" });

    expect(await engine.cancel(batchId)).toBe(true);
    const after = await listBatchTargets(database.db, { batchId, limit: 10 });
    expect(after.map((t) => t.status).sort()).toEqual(["cancelled", "cancelled", "succeeded"]);
    expect((await findBatch(database.db, batchId))?.status).toBe("cancelled");
    // A cancelled batch is never claimed again, even if a target were made due.
    await database.db
      .update(batchTargets)
      .set({ nextRunAt: sql`now()` })
      .where(eq(batchTargets.batchId, batchId));
    expect(await engine.worker.runPass()).toEqual({ done: 0, failed: 0 });
  });

  it("an event that comes while the step before the wait is still running is not missed: the wait is due at once", async () => {
    // The release kind's race: the audit result is pushed after WeChat took the submission but before the submit
    // step's result (the wait) is written; the target was not waiting yet when the event looked for it.
    const ids = appIds(2);
    const woken: number[] = [];
    const kind: BatchKind<null, { label: string }> = {
      kind: "test",
      initialStep: "submit",
      paramsSchema: z.object({ label: z.string() }),
      maxAttempts: 3,
      async runStep({ target }) {
        if (target.step === "submit") {
          if (target.appId === ids[0]) woken.push(await engine.wake("test", target.appId, ["audit"]));
          return { type: "wait", step: "audit", delayMs: 3_600_000 };
        }
        return { type: "done", status: "succeeded" };
      },
    };
    const engine = engineOf(kind, database, { concurrency: 2 });
    const batchId = await startTestBatch(engine, ids);
    await drain(engine, 5);
    // No waiting target was there to wake when the event came; the running one was marked instead.
    expect(woken).toEqual([0]);
    const byApp = new Map((await listBatchTargets(database.db, { batchId, limit: 10 })).map((t) => [t.appId, t]));
    expect(byApp.get(ids[0]!)).toMatchObject({ status: "succeeded", step: "audit" });
    expect(byApp.get(ids[1]!)).toMatchObject({ status: "waiting", step: "audit" });
    // The mark is cleared by the result: a later wait is not due early.
    const [row] = await database.db.select().from(batchTargets).where(eq(batchTargets.appId, ids[1]!));
    expect(row?.wokenAt).toBeNull();
    expect(row!.nextRunAt.getTime()).toBeGreaterThan(Date.now() + 3_000_000);
  });

  it("keeps each merchant's targets with their merchant", async () => {
    const [m] = await database.db.insert(merchants).values({ name: "晨光" }).returning();
    const engine = engineFor(database, createLedger());
    const batchId = await engine.createBatch({
      kind: "test",
      title: "v1",
      params: { label: "v1" },
      targets: [{ appId: appIds(1)[0]!, merchantId: m!.id }],
      createdByUserId: null,
    });
    const [target] = await listBatchTargets(database.db, { batchId, limit: 1 });
    expect(target!.merchantId).toBe(m!.id);
  });
});
