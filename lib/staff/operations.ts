import "server-only";
import { desc, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { authorizers, reconcileRuns } from "@/db/schema";
import { storeProfile } from "@/lib/authorization/grants";
import { AppError } from "@/lib/errors";
import { describeError, log } from "@/lib/log";
import type { Platform } from "@/lib/platform";
import { recordAudit, type AuditActor } from "@/lib/staff/audit";
import { reconcileAuthorizers, type ReconcileDeps } from "@/lib/tokens/reconcile";
import type { Message } from "@/lib/i18n/message";
import { wechatErrorMessage } from "@/lib/i18n/wechat-errors";
import { WechatApiError } from "@/lib/wechat/errors";

/**
 * What staff can do by hand on the platform: renew one account's token or profile now, start a reconcile run.
 * Each call is audited. Plain functions over the platform's services, so tests run them without Next.
 */

export type OperationFailure =
  | { code: "not_found" }
  | { code: "unauthorized" }
  | { code: "needs_reauthorization"; errcode?: number }
  | { code: "busy" }
  | { code: "wechat"; errcode: number; meaning: Message }
  | { code: "unavailable"; detail: string };

export type RefreshTokenResult = { ok: true; expiresAt: Date } | { ok: false; error: OperationFailure };
export type RefreshProfileResult =
  { ok: true; nickName: string | null; profileUpdatedAt: Date } | { ok: false; error: OperationFailure };

const NOT_AUTHORIZED_ERRCODE = 61003;

/** An account the operations can act on (and the operations page shows), or undefined. */
export async function findAccountForOperations(db: Db, appId: string) {
  const [row] = await db
    .select({
      appId: authorizers.appId,
      nickName: authorizers.nickName,
      status: authorizers.status,
      kind: authorizers.kind,
      accessTokenExpiresAt: authorizers.accessTokenExpiresAt,
      profileUpdatedAt: authorizers.profileUpdatedAt,
    })
    .from(authorizers)
    .where(eq(authorizers.appId, appId));
  return row;
}

function wechatCause(error: unknown): WechatApiError | undefined {
  if (error instanceof WechatApiError) return error;
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause instanceof WechatApiError ? cause : undefined;
}

/** WeChat's error code as a failure; 61003 means the account no longer authorizes the platform. */
function wechatFailure(wechat: WechatApiError): OperationFailure {
  return wechat.errcode === NOT_AUTHORIZED_ERRCODE
    ? { code: "unauthorized" }
    : { code: "wechat", errcode: wechat.errcode, meaning: wechatErrorMessage(wechat.errcode) };
}

/** Turns a failed refresh into what staff can act on; the account's status after the failure decides the case. */
async function classifyFailure(db: Db, appId: string, error: unknown): Promise<OperationFailure> {
  const wechat = wechatCause(error);
  const status = (await findAccountForOperations(db, appId))?.status;
  if (status === undefined) return { code: "not_found" };
  if (status === "unauthorized") return { code: "unauthorized" };
  if (status === "needs_reauthorization")
    return { code: "needs_reauthorization", ...(wechat ? { errcode: wechat.errcode } : {}) };
  if (wechat) return wechatFailure(wechat);
  // A lease held by the refresher, or the grant changed while we refreshed: nothing is wrong, try again.
  if (error instanceof AppError && error.code === "conflict") return { code: "busy" };
  if (error instanceof AppError && error.code === "not_found") return { code: "not_found" };
  log.warn("staff operation failed", { appId, error: describeError(error) });
  // Safe to show: AppError messages never carry a token; anything else is summarised.
  return {
    code: "unavailable",
    detail: error instanceof AppError ? error.message.slice(0, 200) : describeError(error).slice(0, 200),
  };
}

/** What the audit log keeps of a failure: the case and WeChat's code, never a message that could carry more. */
function auditedFailure(failure: OperationFailure): Record<string, unknown> {
  return {
    ok: false,
    error: failure.code,
    ...("errcode" in failure && failure.errcode !== undefined ? { errcode: failure.errcode } : {}),
  };
}

/**
 * "Refresh token now" for one account (staff console). Renews through the token service (row lease, fenced
 * write), so it never races the background refresher. The new token never leaves the server: only its expiry.
 * The attempt is audited whatever its outcome; an unknown appid changes nothing and is not.
 */
export async function refreshTokenNow(
  platform: Pick<Platform, "database" | "authorizerTokens">,
  actor: AuditActor,
  input: { appId: string },
): Promise<RefreshTokenResult> {
  const { db } = platform.database;
  const before = await findAccountForOperations(db, input.appId);
  if (!before) return { ok: false, error: { code: "not_found" } };
  let result: RefreshTokenResult;
  try {
    const token = await platform.authorizerTokens.refreshNow(input.appId, "manual");
    result = { ok: true, expiresAt: token.expiresAt };
  } catch (error) {
    result = { ok: false, error: await classifyFailure(db, input.appId, error) };
  }
  // The token service commits its own write (one statement); the record follows it.
  await recordAudit(db, {
    actor,
    action: "authorizer.refresh_token",
    targetType: "authorizer",
    targetId: input.appId,
    before: { status: before.status, expiresAt: before.accessTokenExpiresAt?.toISOString() ?? null },
    after: result.ok ? { ok: true, expiresAt: result.expiresAt.toISOString() } : auditedFailure(result.error),
  });
  return result;
}

/** "Refresh profile now": api_get_authorizer_info, stored in the same transaction as its audit record. */
export async function refreshProfileNow(
  platform: Pick<Platform, "database" | "client">,
  actor: AuditActor,
  input: { appId: string },
): Promise<RefreshProfileResult> {
  const { db } = platform.database;
  const before = await findAccountForOperations(db, input.appId);
  if (!before) return { ok: false, error: { code: "not_found" } };
  const beforeAudit = { nickName: before.nickName, profileUpdatedAt: before.profileUpdatedAt?.toISOString() ?? null };
  const audit = (after: Record<string, unknown>) => ({
    actor,
    action: "authorizer.refresh_profile",
    targetType: "authorizer" as const,
    targetId: input.appId,
    before: beforeAudit,
    after,
  });

  let info;
  try {
    info = await platform.client.getAuthorizerInfo(input.appId);
  } catch (error) {
    // WeChat's own answer is the case here: a profile read does not change the account's status.
    const wechat = wechatCause(error);
    const failure = wechat ? wechatFailure(wechat) : await classifyFailure(db, input.appId, error);
    await recordAudit(db, audit(auditedFailure(failure)));
    return { ok: false, error: failure };
  }
  const stored = await db.transaction(async (tx) => {
    if (!(await storeProfile(tx, input.appId, info))) return null;
    const [row] = await tx
      .select({ nickName: authorizers.nickName, profileUpdatedAt: authorizers.profileUpdatedAt })
      .from(authorizers)
      .where(eq(authorizers.appId, input.appId));
    const after = { nickName: row?.nickName ?? null, profileUpdatedAt: row?.profileUpdatedAt ?? new Date() };
    await recordAudit(
      tx,
      audit({ ok: true, nickName: after.nickName, profileUpdatedAt: after.profileUpdatedAt.toISOString() }),
    );
    return after;
  });
  if (!stored) return { ok: false, error: { code: "not_found" } };
  return { ok: true, ...stored };
}

// --- reconcile --------------------------------------------------------------------------------------

export type ReconcileRunRow = typeof reconcileRuns.$inferSelect;

export type StartReconcileResult = { started: true; runId: number } | { started: false; runningRunId: number | null };

/**
 * Starts a reconcile run in the background and answers as soon as its `reconcile_runs` row exists (the run
 * reports progress there). One run at a time across all instances: when one is running, says which.
 * `onFinished` is for tests; the run's own failure is recorded on its row.
 */
export async function startReconcile(
  deps: ReconcileDeps,
  actor: AuditActor,
  opts: { onFinished?: (outcome: { ok: boolean }) => void } = {},
): Promise<StartReconcileResult> {
  const trigger = actor.userId ? `staff:${actor.email}` : actor.email;
  const runId = await new Promise<number | null>((resolve, reject) => {
    // Not awaited: a run can take minutes. Whichever settles first answers: the start, a skip, an early failure.
    void reconcileAuthorizers(deps, trigger, { onStart: resolve })
      .then((result) => {
        resolve(result.runId);
        opts.onFinished?.({ ok: true });
      })
      .catch((error: unknown) => {
        log.warn("reconcile started by staff failed", { error: describeError(error) });
        reject(error instanceof Error ? error : new Error(String(error)));
        opts.onFinished?.({ ok: false });
      });
  });
  if (runId === null) {
    const running = await findRunningReconcile(deps.database.db);
    return { started: false, runningRunId: running?.id ?? null };
  }
  await recordAudit(deps.database.db, {
    actor,
    action: "reconcile.run",
    targetType: "platform",
    targetId: "reconcile",
    after: { runId, trigger },
  });
  return { started: true, runId };
}

export async function findRunningReconcile(db: Db): Promise<ReconcileRunRow | undefined> {
  const [row] = await db.select().from(reconcileRuns).where(eq(reconcileRuns.status, "running")).limit(1);
  return row;
}

/** The newest runs, newest first (the operations page; the first one running means progress to show). */
export async function listReconcileRuns(db: Db, limit = 10): Promise<ReconcileRunRow[]> {
  return db.select().from(reconcileRuns).orderBy(desc(reconcileRuns.id)).limit(limit);
}
