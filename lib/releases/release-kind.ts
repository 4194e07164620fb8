import { z } from "zod";
import {
  applyAuditResult,
  findReleaseAccount,
  markSubmitIntent,
  recordCommit,
  recordGray,
  recordRelease,
  recordSubmittedAudit,
} from "@/db/queries/releases";
import type { AuditStatus } from "@/db/schema";
import { okAnswer, answerOf, type BatchKind, type StepContext, type StepOutcome } from "@/lib/jobs/batches";
import { message } from "@/lib/i18n/message";
import type { Platform } from "@/lib/platform";
import { tryRefreshSetupState } from "@/lib/setup/service";
import { createCodeClient, type CodeClient } from "@/lib/wechat/code";
import { WechatApiError } from "@/lib/wechat/errors";
import { findSubmitBlocker } from "./submit-gates";
import { explainErrcode } from "./wechat-answers";

/**
 * The `release` batch kind (docs/releases.md): per mini program, commit → privacy check → submit (quota and submit
 * gates first) → wait for the audit (events wake it; a poll reconciles after RELEASE_AUDIT_RECONCILE_MINUTES) →
 * release at once, gray release, or wait for the merchant's 发布.
 */

export const RELEASE_KIND = "release";

export const releaseParamsSchema = z.object({
  templateId: z.number().int().min(0),
  version: z.string().min(1).max(64),
  description: z.string().max(200).default(""),
  /** ext_json with placeholders `{{appId}}`, `{{nickName}}`, `{{merchantName}}`, `{{principalName}}`. */
  extJsonTemplate: z.string().max(20_000).default('{"extAppid":"{{appId}}","ext":{}}'),
  onApproval: z.enum(["release", "gray", "merchant"]).default("release"),
  grayPercentage: z.number().int().min(1).max(100).optional(),
});
export type ReleaseParams = z.infer<typeof releaseParamsSchema>;

export const RELEASE_STEPS = ["commit", "privacy", "submit", "audit", "merchant", "release", "gray"] as const;
export type ReleaseStep = (typeof RELEASE_STEPS)[number];

/** Target data filled at batch creation: the placeholders' values. */
export interface ReleaseTargetData {
  nickName?: string;
  merchantName?: string;
  principalName?: string;
}

const codeClients = new WeakMap<Platform, CodeClient>();
export function codeClientOf(platform: Platform): CodeClient {
  let client = codeClients.get(platform);
  if (!client) {
    client = createCodeClient(platform.client.core);
    codeClients.set(platform, client);
  }
  return client;
}

/**
 * The provider's audit quota (shared by every mini program, docs/wechat-protocol.md §11.4.1), cached per instance
 * for QUOTA_CACHE_MS and counted down locally, so a batch asks WeChat about once per interval, not per account.
 */
const QUOTA_CACHE_MS = 30_000;
const quotaCaches = new WeakMap<Platform, { rest: number; limit: number; at: number }>();

/** Placeholders are JSON-escaped (they sit inside JSON strings of the template). */
export function renderExtJson(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) =>
    Object.hasOwn(values, name) ? JSON.stringify(values[name]).slice(1, -1) : whole,
  );
}

type Ctx = StepContext<Platform, ReleaseParams>;

const wechatFailure = (error: WechatApiError, step?: ReleaseStep): StepOutcome => ({
  type: "fail",
  ...(step && { step }),
  outcome: explainErrcode(error.errcode),
  answer: answerOf(error),
});

/** 61007: the grant lacks set 18; the fix is the merchant's re-authorization (docs/wechat-protocol.md §11.1). */
const noSet18 = (error: WechatApiError): StepOutcome => ({
  type: "fail",
  outcome: message("releases.outcome.noSet18"),
  answer: answerOf(error),
});

async function withToken<T>(ctx: Ctx, fn: (code: CodeClient, token: string) => Promise<T>): Promise<T> {
  const platform = ctx.deps;
  return platform.authorizerTokens.withToken(ctx.target.appId, (token) => fn(codeClientOf(platform), token));
}

async function commitStep(ctx: Ctx): Promise<StepOutcome> {
  const { params } = ctx.batch;
  const data = ctx.target.data as ReleaseTargetData;
  const extJson = renderExtJson(params.extJsonTemplate, {
    appId: ctx.target.appId,
    extAppid: ctx.target.appId,
    nickName: data.nickName ?? "",
    merchantName: data.merchantName ?? "",
    principalName: data.principalName ?? "",
  });
  try {
    JSON.parse(extJson);
  } catch {
    return { type: "fail", outcome: explainErrcode(85048) };
  }
  try {
    await withToken(ctx, (code, token) =>
      code.commit(token, {
        templateId: params.templateId,
        extJson,
        userVersion: params.version,
        userDesc: params.description,
      }),
    );
  } catch (error) {
    if (error instanceof WechatApiError && error.errcode === 61007) return noSet18(error);
    if (error instanceof WechatApiError && error.errcode !== -1) return wechatFailure(error);
    throw error;
  }
  await recordCommit(ctx.deps.database.db, ctx.target.appId, {
    version: params.version,
    templateId: params.templateId,
  });
  return { type: "next", step: "privacy", answer: okAnswer("wxa/commit") };
}

async function privacyStep(ctx: Ctx): Promise<StepOutcome> {
  try {
    await withToken(ctx, (code, token) => code.getCodePrivacyInfo(token));
  } catch (error) {
    if (error instanceof WechatApiError && error.errcode === 61039) {
      // WeChat's check of the upload is still running: look again in about a minute, without counting a failure.
      return {
        type: "later",
        delayMs: ctx.deps.env.releases.privacyRetryMs,
        outcome: message("releases.outcome.privacyRunning"),
        answer: answerOf(error),
      };
    }
    if (error instanceof WechatApiError && error.errcode === 61007) return noSet18(error);
    if (error instanceof WechatApiError && error.errcode !== -1) return wechatFailure(error);
    throw error;
  }
  return { type: "next", step: "submit", answer: okAnswer("wxa/security/get_code_privacy_info") };
}

/** The audit now known for the account: wait for its result, or act on it if an event already told it. */
function afterAudit(
  ctx: Ctx,
  status: AuditStatus | null | undefined,
  auditId: number,
  answer = okAnswer("wxa/submit_audit"),
): StepOutcome {
  if (status === 2 || status === 4 || status === null || status === undefined) {
    return {
      type: "wait",
      step: "audit",
      delayMs: ctx.deps.env.releases.auditReconcileMs,
      data: { auditId },
      outcome: message("releases.outcome.underReview", { auditId }),
      answer,
    };
  }
  return { type: "next", step: "audit", data: { auditId }, answer };
}

/**
 * Adopts WeChat's latest audit as this target's submission when it is open, or (with `since`) created around or after
 * the submit intent. `known`: the audit the portal already had before this submission; a finished one is an earlier
 * submission (rejected or released), never the answer of the one that was lost.
 */
async function adoptLatest(ctx: Ctx, since: Date | null, known: number | null = null): Promise<StepOutcome | null> {
  const db = ctx.deps.database.db;
  let latest;
  try {
    latest = await withToken(ctx, (code, token) => code.getLatestAuditStatus(token));
  } catch (error) {
    if (error instanceof WechatApiError && error.errcode === 85058) return null; // never submitted
    throw error;
  }
  // Slack for the clocks of WeChat and this instance.
  const fresh = since === null || (latest.submitTime ?? 0) * 1000 >= since.getTime() - 120_000;
  const open = latest.status === 2 || latest.status === 4;
  if (!open && (!fresh || latest.auditId === known)) return null;
  const account = await recordSubmittedAudit(db, ctx.target.appId, {
    auditId: latest.auditId,
    version: latest.userVersion ?? ctx.batch.params.version,
    submittedAt: latest.submitTime ? new Date(latest.submitTime * 1000) : new Date(),
    batchId: ctx.batch.id,
    status: latest.status as AuditStatus,
  });
  if (latest.status !== 2) {
    await applyAuditResult(db, ctx.target.appId, {
      status: latest.status as AuditStatus,
      reason: latest.reason,
      screenshots: latest.screenshots,
      at: new Date(),
      auditId: latest.auditId,
    });
  }
  return afterAudit(
    ctx,
    account.auditStatus ?? (latest.status as AuditStatus),
    latest.auditId,
    okAnswer("wxa/get_latest_auditstatus"),
  );
}

async function submitStep(ctx: Ctx): Promise<StepOutcome> {
  const platform = ctx.deps;
  const db = platform.database.db;
  const appId = ctx.target.appId;

  // A previous attempt may have reached WeChat with its answer lost: ask before submitting again.
  const account = await findReleaseAccount(db, appId);
  const intent = account?.submitIntentAt ?? null;
  if (intent && (!account?.auditSubmittedAt || account.auditSubmittedAt < intent)) {
    const adopted = await adoptLatest(ctx, intent, account?.auditId ?? null);
    if (adopted) return adopted;
  }

  const blocker = await findSubmitBlocker(platform, appId);
  if (blocker) return { type: "fail", outcome: blocker };

  // Pause the batch before WeChat would answer 85085 (the quota is the provider's, shared by every account).
  const cache = quotaCaches.get(platform);
  if (!cache || Date.now() - cache.at > QUOTA_CACHE_MS || cache.rest <= 0) {
    const quota = await withToken(ctx, (code, token) => code.queryQuota(token));
    quotaCaches.set(platform, { rest: quota.rest, limit: quota.limit, at: Date.now() });
  }
  const quota = quotaCaches.get(platform)!;
  if (quota.rest <= 0) {
    return { type: "pause", reason: message("releases.pause.quota", { rest: quota.rest, limit: quota.limit }) };
  }
  quota.rest -= 1;

  const submittedAt = await markSubmitIntent(db, appId);
  let auditId: number;
  try {
    auditId = await withToken(ctx, (code, token) =>
      code.submitAudit(token, { versionDesc: ctx.batch.params.description || undefined }),
    );
  } catch (error) {
    if (!(error instanceof WechatApiError)) throw error; // no answer: the next attempt asks WeChat first
    switch (error.errcode) {
      case 85009: {
        // An audit is already running (ours, answered late, or an earlier one): adopt it.
        const adopted = await adoptLatest(ctx, null);
        if (adopted) return adopted;
        throw error;
      }
      case 61039:
        return {
          type: "later",
          step: "privacy",
          delayMs: platform.env.releases.privacyRetryMs,
          answer: answerOf(error),
        };
      case 85085:
        quotaCaches.set(platform, { rest: 0, limit: quota.limit, at: Date.now() });
        return {
          type: "pause",
          reason: message("releases.pause.quota", { rest: 0, limit: quota.limit }),
          answer: answerOf(error),
        };
      case 61007:
        return noSet18(error);
      case -1:
        throw error;
      default:
        return wechatFailure(error);
    }
  }
  const recorded = await recordSubmittedAudit(db, appId, {
    auditId,
    version: ctx.batch.params.version,
    submittedAt,
    batchId: ctx.batch.id,
  });
  return afterAudit(ctx, recorded.auditStatus, auditId);
}

async function auditStep(ctx: Ctx): Promise<StepOutcome> {
  const platform = ctx.deps;
  const db = platform.database.db;
  const appId = ctx.target.appId;
  let account = await findReleaseAccount(db, appId);
  const auditId = Number(ctx.target.data.auditId ?? account?.auditId);
  const waitedMs = Date.now() - (account?.auditSubmittedAt?.getTime() ?? 0);
  const open = (s: unknown) => s === 2 || s === 4 || s === null || s === undefined;
  // No news for a long time (a lost event): ask WeChat.
  if (open(account?.auditStatus) && waitedMs >= platform.env.releases.auditReconcileMs) {
    await reconcileAudit(platform, appId);
    account = await findReleaseAccount(db, appId);
  }
  const status = account?.auditStatus;
  if (open(status)) {
    return {
      type: "wait",
      delayMs: platform.env.releases.auditReconcileMs,
      outcome:
        status === 4
          ? message("releases.outcome.delayed", { reason: account?.auditReason ?? "" })
          : message("releases.outcome.underReview", { auditId }),
    };
  }
  if (status === 1) {
    // Rejected: a retry starts over from the commit (fix the code or the template, then retry).
    return {
      type: "fail",
      step: "commit",
      outcome: message("releases.outcome.rejected", { reason: account?.auditReason ?? "" }),
    };
  }
  if (status === 3) return { type: "fail", step: "commit", outcome: message("releases.outcome.withdrawn") };
  // Approved.
  const { onApproval } = ctx.batch.params;
  if (onApproval === "merchant") {
    return {
      type: "wait",
      step: "merchant",
      delayMs: 30 * 86_400_000,
      outcome: message("releases.outcome.waitingMerchant"),
    };
  }
  return { type: "next", step: onApproval === "gray" ? "gray" : "release" };
}

async function releaseStep(ctx: Ctx): Promise<StepOutcome> {
  try {
    await withToken(ctx, (code, token) => code.release(token));
  } catch (error) {
    // 85052: already released (our earlier attempt whose answer was lost).
    if (!(error instanceof WechatApiError && error.errcode === 85052)) {
      if (error instanceof WechatApiError && error.errcode !== -1) return wechatFailure(error);
      throw error;
    }
  }
  await recordRelease(ctx.deps.database.db, ctx.target.appId, {
    version: ctx.batch.params.version,
    desc: ctx.batch.params.description,
  });
  // WeChat made the setup domains and privacy guideline effective: the checklist and staff page read them again.
  await tryRefreshSetupState(ctx.deps, ctx.target.appId);
  return {
    type: "done",
    status: "succeeded",
    outcome: message("releases.outcome.released", { version: ctx.batch.params.version }),
    answer: okAnswer("wxa/release"),
  };
}

async function grayStep(ctx: Ctx): Promise<StepOutcome> {
  const pct = ctx.batch.params.grayPercentage ?? 10;
  try {
    await withToken(ctx, (code, token) => code.grayRelease(token, pct));
  } catch (error) {
    if (error instanceof WechatApiError && error.errcode === 85079) {
      // Never released before: gray release needs an online version, so the first release goes out in full.
      return { type: "next", step: "release", answer: answerOf(error) };
    }
    if (error instanceof WechatApiError && error.errcode !== -1) return wechatFailure(error);
    throw error;
  }
  await recordGray(ctx.deps.database.db, ctx.target.appId, pct);
  if (pct === 100) {
    await recordRelease(ctx.deps.database.db, ctx.target.appId, { version: ctx.batch.params.version });
    await tryRefreshSetupState(ctx.deps, ctx.target.appId);
  }
  return {
    type: "done",
    status: "succeeded",
    outcome: message("releases.outcome.grayReleased", { percentage: pct }),
    answer: okAnswer("wxa/grayrelease"),
  };
}

/**
 * Asks WeChat for the account's latest audit (get_latest_auditstatus) and applies it: the reconcile for accounts
 * under review too long, and staff's "refresh" button. Wakes the account's waiting release targets.
 */
export async function reconcileAudit(platform: Platform, appId: string) {
  let latest;
  try {
    latest = await platform.authorizerTokens.withToken(appId, (token) =>
      codeClientOf(platform).getLatestAuditStatus(token),
    );
  } catch (error) {
    if (error instanceof WechatApiError && error.errcode === 85058) return null;
    throw error;
  }
  await applyAuditResult(platform.database.db, appId, {
    status: latest.status as AuditStatus,
    reason: latest.reason,
    screenshots: latest.screenshots,
    at: new Date(),
    auditId: latest.auditId,
    version: latest.userVersion,
  });
  await platform.batches.wake(RELEASE_KIND, appId, ["audit"]);
  return latest;
}

export const releaseKind: BatchKind<Platform, ReleaseParams> = {
  kind: RELEASE_KIND,
  initialStep: "commit",
  paramsSchema: releaseParamsSchema,
  maxAttempts: 8,
  async runStep(ctx) {
    switch (ctx.target.step as ReleaseStep) {
      case "commit":
        return commitStep(ctx);
      case "privacy":
        return privacyStep(ctx);
      case "submit":
        return submitStep(ctx);
      case "audit":
        return auditStep(ctx);
      case "merchant":
        // Still waiting for the merchant (the 发布 button moves the target to `release`).
        return { type: "wait", delayMs: 30 * 86_400_000, outcome: message("releases.outcome.waitingMerchant") };
      case "release":
        return releaseStep(ctx);
      case "gray":
        return grayStep(ctx);
      default:
        return { type: "fail", outcome: message("releases.wechat.unknown", { errcode: ctx.target.step }) };
    }
  },
};
