import { and, asc, count, desc, eq, inArray, lt, sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/db";
import {
  batches,
  batchTargets,
  type BatchTargetStatus,
  type StoredMessage,
  type StoredWechatAnswer,
} from "@/db/schema";

/**
 * Durable batches (schema: `batches`, `batch_targets`): the SQL the batch engine (lib/jobs/batches.ts) and the
 * pages use. Staff read every batch; a merchant reads only the targets of their own accounts
 * (`listMerchantTargets` takes the merchant id).
 */

export type BatchRow = typeof batches.$inferSelect;
export type BatchTargetRow = typeof batchTargets.$inferSelect;

export interface NewBatch {
  kind: string;
  title: string;
  params: Record<string, unknown>;
  createdByUserId: string | null;
  targets: { appId: string; merchantId: string | null; step: string; data?: Record<string, unknown> }[];
}

/** One batch and its targets, in one transaction (a batch never exists half-created). */
export async function insertBatch(db: Db, batch: NewBatch): Promise<number> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(batches)
      .values({ kind: batch.kind, title: batch.title, params: batch.params, createdByUserId: batch.createdByUserId })
      .returning({ id: batches.id });
    const id = row!.id;
    for (let i = 0; i < batch.targets.length; i += 1000) {
      await tx.insert(batchTargets).values(
        batch.targets.slice(i, i + 1000).map((t) => ({
          batchId: id,
          appId: t.appId,
          merchantId: t.merchantId,
          step: t.step,
          data: t.data ?? {},
        })),
      );
    }
    // A batch with no target is finished at once.
    if (batch.targets.length === 0) {
      await tx
        .update(batches)
        .set({ status: "finished", finishedAt: sql`now()` })
        .where(eq(batches.id, id));
    }
    return id;
  });
}

export interface ClaimedTarget {
  id: number;
  batchId: number;
  kind: string;
  params: Record<string, unknown>;
  appId: string;
  merchantId: string | null;
  step: string;
  status: "pending" | "waiting";
  data: Record<string, unknown>;
  attempts: number;
  fence: number;
}

/**
 * Leases up to `limit` due targets of running batches of these kinds (`FOR UPDATE SKIP LOCKED`: instances claiming
 * together get different rows). A target whose lease ran out (its worker died) is due again.
 */
export async function claimDueTargets(
  db: Db,
  input: { owner: string; kinds: string[]; limit: number; leaseMs: number },
): Promise<ClaimedTarget[]> {
  if (input.kinds.length === 0 || input.limit <= 0) return [];
  // bigserial ids come back as text on some drivers; the other columns are aliased to ClaimedTarget's names.
  const rows = rowsOf<Omit<ClaimedTarget, "id" | "batchId"> & { id: number | string; batchId: number | string }>(
    await db.execute(sql`
      with due as (
        select t.id from batch_targets t join batches b on b.id = t.batch_id
        where t.status in ('pending', 'waiting') and t.next_run_at <= now()
          and (t.lease_until is null or t.lease_until < now())
          and b.status = 'running' and b.kind in ${input.kinds}
        order by t.next_run_at, t.id
        limit ${input.limit}
        for update of t skip locked
      ), claimed as (
        update batch_targets t
        set lease_owner = ${input.owner}, lease_until = now() + make_interval(secs => ${input.leaseMs / 1000}),
          fence = t.fence + 1, woken_at = null
        from due where t.id = due.id
        returning t.*
      )
      select c.id, c.batch_id as "batchId", b.kind, b.params, c.app_id as "appId", c.merchant_id as "merchantId",
        c.step, c.status, c.data, c.attempts, c.fence
      from claimed c join batches b on b.id = c.batch_id`),
  );
  return rows.map((r) => ({ ...r, id: Number(r.id), batchId: Number(r.batchId) }));
}

export interface TargetWrite {
  step: string;
  status: BatchTargetStatus;
  data: Record<string, unknown>;
  attempts: number;
  lastAnswer?: StoredWechatAnswer | null;
  outcome: StoredMessage | null;
  nextRunAt: Date;
}

/** Writes a step's result, only while the claim is still this worker's (fence); false when it was taken over. */
export async function writeTargetResult(
  db: Db,
  target: { id: number; fence: number },
  write: TargetWrite,
): Promise<boolean> {
  const terminal = write.status !== "pending" && write.status !== "waiting";
  const updated = await db
    .update(batchTargets)
    .set({
      step: write.step,
      status: write.status,
      data: write.data,
      attempts: write.attempts,
      ...(write.lastAnswer !== undefined && { lastAnswer: write.lastAnswer }),
      outcome: write.outcome,
      // Woken while its step ran (the news came before this result): a wait is due at once.
      nextRunAt:
        write.status === "waiting"
          ? sql`case when ${batchTargets.wokenAt} is not null then now() else ${write.nextRunAt.toISOString()}::timestamptz end`
          : write.nextRunAt,
      wokenAt: null,
      leaseOwner: null,
      leaseUntil: null,
      updatedAt: sql`now()`,
      finishedAt: terminal ? sql`now()` : null,
    })
    .where(and(eq(batchTargets.id, target.id), eq(batchTargets.fence, target.fence)))
    .returning({ id: batchTargets.id });
  return updated.length > 0;
}

/** Hands back claimed targets that were not started (their fence still ours). */
export async function releaseTargets(db: Db, targets: { id: number; fence: number }[]): Promise<void> {
  if (targets.length === 0) return;
  await db.execute(sql`
    update batch_targets t set lease_owner = null, lease_until = null
    from jsonb_to_recordset(${JSON.stringify(targets)}::jsonb) as x(id bigint, fence int)
    where t.id = x.id and t.fence = x.fence`);
}

/** Marks a running batch finished once none of its targets is pending or waiting. */
export async function finishBatchIfDone(db: Db, batchId: number): Promise<boolean> {
  const done = await db.execute(sql`
    update batches set status = 'finished', finished_at = now(), updated_at = now()
    where id = ${batchId} and status = 'running'
      and not exists (select 1 from batch_targets where batch_id = ${batchId} and status in ('pending', 'waiting'))
    returning id`);
  return rowsOf(done).length > 0;
}

export async function pauseBatch(db: Db, batchId: number, reason: StoredMessage): Promise<boolean> {
  const updated = await db
    .update(batches)
    .set({ status: "paused", pauseReason: reason, updatedAt: sql`now()` })
    .where(and(eq(batches.id, batchId), eq(batches.status, "running")))
    .returning({ id: batches.id });
  return updated.length > 0;
}

/** Running again; targets paused with a delay (e.g. "quota back next month") are due at once. */
export async function resumeBatch(db: Db, batchId: number): Promise<boolean> {
  return db.transaction(async (tx) => {
    const updated = await tx
      .update(batches)
      .set({ status: "running", pauseReason: null, updatedAt: sql`now()` })
      .where(and(eq(batches.id, batchId), eq(batches.status, "paused")))
      .returning({ id: batches.id });
    if (updated.length === 0) return false;
    await tx
      .update(batchTargets)
      .set({ nextRunAt: sql`now()` })
      .where(and(eq(batchTargets.batchId, batchId), eq(batchTargets.status, "pending")));
    return true;
  });
}

/** Cancelled: nothing more is started; targets not finished are cancelled (one in flight finishes its call). */
export async function cancelBatch(db: Db, batchId: number): Promise<boolean> {
  return db.transaction(async (tx) => {
    const updated = await tx
      .update(batches)
      .set({ status: "cancelled", finishedAt: sql`now()`, updatedAt: sql`now()` })
      .where(and(eq(batches.id, batchId), inArray(batches.status, ["running", "paused"])))
      .returning({ id: batches.id });
    if (updated.length === 0) return false;
    await tx
      .update(batchTargets)
      .set({
        status: "cancelled",
        finishedAt: sql`now()`,
        updatedAt: sql`now()`,
        fence: sql`${batchTargets.fence} + 1`,
      })
      .where(and(eq(batchTargets.batchId, batchId), inArray(batchTargets.status, ["pending", "waiting"])));
    return true;
  });
}

/**
 * Moves a target from one state to another if it is still in the expected one (staff's retry, a merchant's
 * 发布, an event waking a waiting target). Bumps the fence, so a worker holding it drops its result. A finished
 * batch runs again.
 */
export async function transitionTarget(
  db: Db,
  input: {
    targetId: number;
    from: { status: BatchTargetStatus[]; step?: string[] };
    to: {
      step?: string;
      status: "pending" | "waiting";
      data?: Record<string, unknown>;
      resetAttempts?: boolean;
      delayMs?: number;
    };
  },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const updated = await tx
      .update(batchTargets)
      .set({
        ...(input.to.step !== undefined && { step: input.to.step }),
        status: input.to.status,
        ...(input.to.data !== undefined && {
          data: sql`${batchTargets.data} || ${JSON.stringify(input.to.data)}::jsonb`,
        }),
        ...(input.to.resetAttempts && { attempts: 0 }),
        outcome: null,
        nextRunAt: sql`now() + make_interval(secs => ${(input.to.delayMs ?? 0) / 1000})`,
        leaseOwner: null,
        leaseUntil: null,
        fence: sql`${batchTargets.fence} + 1`,
        finishedAt: null,
        updatedAt: sql`now()`,
      })
      .where(
        and(
          eq(batchTargets.id, input.targetId),
          inArray(batchTargets.status, input.from.status),
          input.from.step ? inArray(batchTargets.step, input.from.step) : undefined,
        ),
      )
      .returning({ batchId: batchTargets.batchId });
    const [row] = updated;
    if (!row) return false;
    await tx
      .update(batches)
      .set({ status: "running", finishedAt: null, updatedAt: sql`now()` })
      .where(and(eq(batches.id, row.batchId), eq(batches.status, "finished")));
    return true;
  });
}

/**
 * Makes waiting targets of a kind for one account due now (an event arrived: the audit finished). Their step
 * reads the news and moves on; a target not waiting is left alone (the event came twice, or before the wait).
 */
export async function wakeWaitingTargets(
  db: Db,
  input: { kind: string; appId: string; steps?: string[] },
): Promise<number> {
  // A target claimed right now (its step running) is marked instead: if that step ends in a wait, the wait is due at
  // once (writeTargetResult), so news that came between the step's WeChat call and its result is not missed. One
  // statement: a result written meanwhile is seen (the row is re-read after its lock), never missed between two.
  const leased = sql`(t.lease_until is not null and t.lease_until >= now())`;
  const woken = await db.execute(sql`
    update batch_targets t set
      next_run_at = case when ${leased} then t.next_run_at else now() end,
      woken_at = case when ${leased} then now() else t.woken_at end,
      updated_at = now()
    from batches b
    where b.id = t.batch_id and b.kind = ${input.kind} and t.app_id = ${input.appId}
      and (
        (t.status in ('pending', 'waiting') and ${leased})
        or (t.status = 'waiting' and not ${leased} ${input.steps ? sql`and t.step in ${input.steps}` : sql``})
      )
    returning t.id, ${leased} as leased`);
  return rowsOf<{ leased: boolean }>(woken).filter((r) => !r.leased).length;
}

export async function findBatchStatus(db: Db, batchId: number): Promise<BatchRow["status"] | undefined> {
  const [row] = await db.select({ status: batches.status }).from(batches).where(eq(batches.id, batchId));
  return row?.status;
}

export async function findBatch(db: Db, batchId: number): Promise<BatchRow | undefined> {
  const [row] = await db.select().from(batches).where(eq(batches.id, batchId));
  return row;
}

export async function listBatches(
  db: Db,
  input: { kind: string; limit: number; beforeId?: number },
): Promise<BatchRow[]> {
  return db
    .select()
    .from(batches)
    .where(and(eq(batches.kind, input.kind), input.beforeId ? lt(batches.id, input.beforeId) : undefined))
    .orderBy(desc(batches.id))
    .limit(input.limit);
}

/** Targets per status for each batch (the progress bars). */
export async function countTargetsByStatus(
  db: Db,
  batchIds: number[],
): Promise<Map<number, Partial<Record<BatchTargetStatus, number>>>> {
  const result = new Map<number, Partial<Record<BatchTargetStatus, number>>>();
  if (batchIds.length === 0) return result;
  const rows = await db
    .select({ batchId: batchTargets.batchId, status: batchTargets.status, n: count() })
    .from(batchTargets)
    .where(inArray(batchTargets.batchId, batchIds))
    .groupBy(batchTargets.batchId, batchTargets.status);
  for (const row of rows) {
    const counts = result.get(row.batchId) ?? {};
    counts[row.status] = Number(row.n);
    result.set(row.batchId, counts);
  }
  return result;
}

export async function listBatchTargets(
  db: Db,
  input: { batchId: number; status?: BatchTargetStatus[]; limit: number; afterId?: number },
): Promise<BatchTargetRow[]> {
  return db
    .select()
    .from(batchTargets)
    .where(
      and(
        eq(batchTargets.batchId, input.batchId),
        input.status ? inArray(batchTargets.status, input.status) : undefined,
        input.afterId ? sql`${batchTargets.id} > ${input.afterId}` : undefined,
      ),
    )
    .orderBy(asc(batchTargets.id))
    .limit(input.limit);
}

export async function findBatchTarget(db: Db, targetId: number): Promise<BatchTargetRow | undefined> {
  const [row] = await db.select().from(batchTargets).where(eq(batchTargets.id, targetId));
  return row;
}

/** The newest targets of one account across batches of a kind (the account's page), merchant-scoped. */
export async function listMerchantTargets(
  db: Db,
  input: { merchantId: string; appId: string; kind: string; limit: number },
): Promise<(BatchTargetRow & { batchStatus: BatchRow["status"]; params: Record<string, unknown> })[]> {
  const rows = await db
    .select({ target: batchTargets, batchStatus: batches.status, params: batches.params })
    .from(batchTargets)
    .innerJoin(batches, eq(batches.id, batchTargets.batchId))
    .where(
      and(
        eq(batchTargets.merchantId, input.merchantId),
        eq(batchTargets.appId, input.appId),
        eq(batches.kind, input.kind),
      ),
    )
    .orderBy(desc(batchTargets.id))
    .limit(input.limit);
  return rows.map((r) => ({ ...r.target, batchStatus: r.batchStatus, params: r.params }));
}

/** The newest targets of one account across batches of a kind, for staff (unscoped by design: staff see all). */
export async function listAccountTargets(
  db: Db,
  input: { appId: string; kind: string; limit: number },
): Promise<(BatchTargetRow & { batchStatus: BatchRow["status"]; params: Record<string, unknown> })[]> {
  const rows = await db
    .select({ target: batchTargets, batchStatus: batches.status, params: batches.params })
    .from(batchTargets)
    .innerJoin(batches, eq(batches.id, batchTargets.batchId))
    .where(and(eq(batchTargets.appId, input.appId), eq(batches.kind, input.kind)))
    .orderBy(desc(batchTargets.id))
    .limit(input.limit);
  return rows.map((r) => ({ ...r.target, batchStatus: r.batchStatus, params: r.params }));
}
