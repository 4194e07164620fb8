import { randomBytes } from "node:crypto";
import type { z } from "zod";
import type { Db } from "@/db";
import {
  cancelBatch,
  claimDueTargets,
  findBatchStatus,
  finishBatchIfDone,
  insertBatch,
  pauseBatch,
  releaseTargets,
  resumeBatch,
  transitionTarget,
  wakeWaitingTargets,
  writeTargetResult,
  type ClaimedTarget,
} from "@/db/queries/batches";
import type { BatchTargetStatus, StoredMessage, StoredWechatAnswer } from "@/db/schema";
import { createLeasedWorker, type LeasedWorker } from "@/lib/jobs/leased-worker";
import { describeError, log } from "@/lib/log";
import { WechatApiError, WechatTransportError } from "@/lib/wechat/errors";

/**
 * Durable batches of WeChat work on many accounts (docs/architecture.md, "Long work"). A *kind* (release, setup)
 * is a step machine: for one target it runs its current step (usually one WeChat call) and says what comes next.
 * The engine claims due targets under leases (every instance runs it; `FOR UPDATE SKIP LOCKED` and a fence per
 * claim make sure one worker's result is written at most once), keeps at most `concurrency` steps in flight per
 * instance, retries a step that threw with backoff, and records each target's step, attempts, last WeChat answer
 * and outcome for the people watching.
 *
 * A step must be safe to run again after a crash or a lost answer (the worker may die between WeChat's answer and
 * the write): before repeating a call WeChat must not see twice (submit_audit), the step first reads WeChat's state
 * (get_latest_auditstatus) and adopts what it finds. That is the kind's job; the engine guarantees the rest.
 */

/** What a step decided. Every variant may change the step, merge `data`, and record WeChat's answer. */
export type StepOutcome =
  | (OutcomeBase & { type: "next"; step: string; delayMs?: number })
  /** Waiting for WeChat (an audit result): polled again at `untilMs` from now, or woken earlier by an event. */
  | (OutcomeBase & { type: "wait"; delayMs: number; outcome?: StoredMessage })
  /** Try the same step again later without counting a failure (61039: the privacy check is still running). */
  | (OutcomeBase & { type: "later"; delayMs: number; outcome?: StoredMessage })
  | (OutcomeBase & { type: "done"; status: "succeeded" | "skipped"; outcome?: StoredMessage })
  | (OutcomeBase & { type: "fail"; outcome: StoredMessage })
  /** Pause the whole batch (the audit quota ran out); this target stays at its step and runs again on resume. */
  | (OutcomeBase & { type: "pause"; reason: StoredMessage });

interface OutcomeBase {
  step?: string;
  data?: Record<string, unknown>;
  answer?: StoredWechatAnswer;
}

export interface StepContext<Deps, Params> {
  deps: Deps;
  batch: { id: number; params: Params };
  /** The claimed target as the step sees it (`attempts`: of this step, before this one). */
  target: Pick<ClaimedTarget, "id" | "appId" | "merchantId" | "step" | "status" | "data" | "attempts">;
}

export interface BatchKind<Deps, Params = unknown> {
  kind: string;
  /** The first step of every target. */
  initialStep: string;
  paramsSchema: z.ZodType<Params>;
  runStep(ctx: StepContext<Deps, Params>): Promise<StepOutcome>;
  /** Failures of one step before the target fails (default 8). */
  maxAttempts?: number;
}

export interface BatchEngineOptions<Deps> {
  db: Db;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each kind has its own params type
  kinds: BatchKind<Deps, any>[];
  deps: () => Deps;
  /** Steps in flight at once in this process (each is normally one WeChat call). */
  concurrency: number;
  pollIntervalMs?: number;
  /** A claimed target nobody finished within this is taken over by another worker. Default 2 minutes. */
  leaseMs?: number;
  /** Delay before attempt n+1 of a step that threw. Default 5 s · 2ⁿ (±20 %), at most 10 minutes. */
  backoffMs?: (attempts: number) => number;
}

export interface BatchEngine {
  worker: LeasedWorker;
  createBatch(input: {
    kind: string;
    title: string;
    params: unknown;
    targets: { appId: string; merchantId: string | null; data?: Record<string, unknown> }[];
    createdByUserId: string | null;
  }): Promise<number>;
  pause(batchId: number, reason: StoredMessage): Promise<boolean>;
  resume(batchId: number): Promise<boolean>;
  cancel(batchId: number): Promise<boolean>;
  /** Staff retry a failed target (its current step, attempts from 0). */
  retryTarget(targetId: number): Promise<boolean>;
  /** Moves a target to another step now (a merchant pressed 发布; staff asked to roll back). */
  transition: (input: Parameters<typeof transitionTarget>[1]) => Promise<boolean>;
  /** An event for this account arrived: its waiting targets of this kind look at it now. */
  wake(kind: string, appId: string, steps?: string[]): Promise<number>;
}

export const defaultBackoffMs = (attempts: number) =>
  Math.round(Math.min(5_000 * 2 ** attempts, 600_000) * (0.8 + Math.random() * 0.4));

export function createBatchEngine<Deps>(options: BatchEngineOptions<Deps>): BatchEngine {
  const { db } = options;
  const kinds = new Map(options.kinds.map((k) => [k.kind, k]));
  const owner = `${process.pid}-${randomBytes(4).toString("hex")}`;
  const leaseMs = options.leaseMs ?? 120_000;
  const backoffMs = options.backoffMs ?? defaultBackoffMs;

  async function run(claim: ClaimedTarget): Promise<void> {
    const kind = kinds.get(claim.kind);
    if (!kind) return; // claimed only for known kinds
    const maxAttempts = kind.maxAttempts ?? 8;
    // Claims run a little ahead of the work: one claimed before its batch was paused or cancelled is handed back.
    if ((await findBatchStatus(db, claim.batchId)) !== "running") {
      await releaseTargets(db, [claim]);
      return;
    }
    let outcome: StepOutcome;
    try {
      const params = kind.paramsSchema.parse(claim.params);
      outcome = await kind.runStep({
        deps: options.deps(),
        batch: { id: claim.batchId, params },
        target: {
          id: claim.id,
          appId: claim.appId,
          merchantId: claim.merchantId,
          step: claim.step,
          status: claim.status,
          data: claim.data,
          attempts: claim.attempts,
        },
      });
    } catch (error) {
      // A step that threw (WeChat -1, a timeout, the database): the same step again, later.
      const attempts = claim.attempts + 1;
      const answer = answerOf(error);
      log.warn("batch step failed", {
        kind: claim.kind,
        batchId: claim.batchId,
        appId: claim.appId,
        step: claim.step,
        attempts,
        error: describeError(error),
      });
      const failed = attempts >= maxAttempts;
      await writeTargetResult(db, claim, {
        step: claim.step,
        status: failed ? "failed" : claim.status,
        data: claim.data,
        attempts,
        lastAnswer: answer ?? null,
        outcome: failed ? { key: "jobs.outcome.tooManyAttempts", values: { attempts } } : null,
        nextRunAt: new Date(Date.now() + (failed ? 0 : backoffMs(attempts))),
      });
      if (failed) await finishBatchIfDone(db, claim.batchId);
      return;
    }

    const write = resultOf(claim, outcome);
    const written = await writeTargetResult(db, claim, write);
    if (!written) {
      // Another worker took the target over (our lease ran out) or staff moved it: theirs is the state now.
      log.warn("batch step result dropped: the claim was taken over", {
        kind: claim.kind,
        appId: claim.appId,
        step: claim.step,
      });
      return;
    }
    if (outcome.type === "pause") await pauseBatch(db, claim.batchId, outcome.reason);
    if (write.status !== "pending" && write.status !== "waiting") await finishBatchIfDone(db, claim.batchId);
    if (outcome.type === "next" && !outcome.delayMs) worker.kick();
  }

  const worker = createLeasedWorker<ClaimedTarget>({
    name: "batch worker",
    claim: (limit) => claimDueTargets(db, { owner, kinds: [...kinds.keys()], limit, leaseMs }),
    run,
    release: (claims) => releaseTargets(db, claims),
    concurrency: options.concurrency,
    pollIntervalMs: options.pollIntervalMs ?? 5_000,
  });

  return {
    worker,
    async createBatch(input) {
      const kind = kinds.get(input.kind);
      if (!kind) throw new Error(`unknown batch kind ${input.kind}`);
      const params = kind.paramsSchema.parse(input.params) as Record<string, unknown>;
      const id = await insertBatch(db, {
        kind: input.kind,
        title: input.title,
        params,
        createdByUserId: input.createdByUserId,
        targets: input.targets.map((t) => ({ ...t, step: kind.initialStep })),
      });
      worker.kick();
      return id;
    },
    pause: (batchId, reason) => pauseBatch(db, batchId, reason),
    async resume(batchId) {
      const resumed = await resumeBatch(db, batchId);
      if (resumed) worker.kick();
      return resumed;
    },
    cancel: (batchId) => cancelBatch(db, batchId),
    async retryTarget(targetId) {
      const retried = await transitionTarget(db, {
        targetId,
        from: { status: ["failed"] },
        to: { status: "pending", resetAttempts: true },
      });
      if (retried) worker.kick();
      return retried;
    },
    async transition(input) {
      const moved = await transitionTarget(db, input);
      if (moved) worker.kick();
      return moved;
    },
    async wake(kind, appId, steps) {
      const woken = await wakeWaitingTargets(db, { kind, appId, steps });
      if (woken > 0) worker.kick();
      return woken;
    },
  };
}

function resultOf(claim: ClaimedTarget, outcome: StepOutcome) {
  const step = outcome.step ?? claim.step;
  const data = outcome.data ? { ...claim.data, ...outcome.data } : claim.data;
  const lastAnswer = outcome.answer;
  // A step that moved on starts its attempts from 0; the same step keeps counting.
  const attempts = step === claim.step ? claim.attempts : 0;
  const at = (ms = 0) => new Date(Date.now() + ms);
  /** The target's next state: its step's status, attempts and outcome, due at `nextRunAt`. */
  const result = (
    status: BatchTargetStatus,
    message: StoredMessage | null | undefined,
    nextRunAt: Date,
    attemptsAfter = attempts,
  ) => ({ step, data, lastAnswer, status, attempts: attemptsAfter, outcome: message ?? null, nextRunAt });
  switch (outcome.type) {
    case "next":
      return result("pending", null, at(outcome.delayMs), 0);
    case "wait":
      return result("waiting", outcome.outcome, at(outcome.delayMs));
    case "later":
      return result(claim.status, outcome.outcome, at(outcome.delayMs));
    case "done":
      return result(outcome.status, outcome.outcome, at());
    case "fail":
      return result("failed", outcome.outcome, at(), attempts + 1);
    case "pause":
      return result("pending", outcome.reason, at());
  }
}

/** WeChat's answer in an error, as a target records it (no URL, no token: errors never carry them). */
export function answerOf(error: unknown): StoredWechatAnswer | undefined {
  const at = new Date().toISOString();
  if (error instanceof WechatApiError)
    return { endpoint: error.endpoint, errcode: error.errcode, errmsg: redact(error.errmsg), at };
  if (error instanceof WechatTransportError)
    return { endpoint: error.endpoint, errcode: null, errmsg: error.reason, at };
  return undefined;
}

/** A successful answer, for the record. */
export function okAnswer(endpoint: string): StoredWechatAnswer {
  return { endpoint, errcode: 0, errmsg: "ok", at: new Date().toISOString() };
}

/** errmsg is upstream text: keep the `rid:` (WeChat support asks for it), drop anything shaped like a credential. */
function redact(errmsg: string): string {
  return errmsg
    .replace(/\w+@@@\S+/g, "[redacted]")
    .replace(/[\w-]{32,}/g, "[redacted]")
    .slice(0, 300);
}
