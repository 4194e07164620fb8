import "server-only";
import { findBatch, findBatchTarget } from "@/db/queries/batches";
import { replaceTemplates } from "@/db/queries/releases";
import { message } from "@/lib/i18n/message";
import type { Platform } from "@/lib/platform";
import { recordAudit, type AuditActor, type AuditEntry } from "@/lib/staff/audit";
import { createReleaseBatch } from "./release-batches";
import { codeClientOf, reconcileAudit, RELEASE_KIND } from "./release-kind";

/**
 * What staff do in the release center, each written to the audit log (docs/releases.md). The caller has checked the
 * role (requireStaff / requireAdmin re-read it from the database) inside the action.
 */

export async function startReleaseBatch(
  platform: Platform,
  actor: Extract<AuditActor, { userId: string }>,
  input: { params: unknown; appIds: string[] | "all"; title?: string },
) {
  const result = await createReleaseBatch(platform, { ...input, createdByUserId: actor.userId });
  if (result.batchId !== null) {
    await recordAudit(platform.database.db, {
      actor,
      action: "release.batch_create",
      targetType: "platform",
      targetId: `batch:${result.batchId}`,
      after: {
        targets: result.targeted.length,
        ineligible: result.ineligible.length,
        params: input.params as Record<string, unknown>,
      },
    });
  }
  return result;
}

export type BatchControl = "pause" | "resume" | "cancel";

export async function controlReleaseBatch(
  platform: Platform,
  actor: AuditActor,
  batchId: number,
  action: BatchControl,
) {
  const batch = await findBatch(platform.database.db, batchId);
  if (!batch || batch.kind !== RELEASE_KIND) return false;
  const done =
    action === "pause"
      ? await platform.batches.pause(batchId, message("jobs.pause.byStaff"))
      : action === "resume"
        ? await platform.batches.resume(batchId)
        : await platform.batches.cancel(batchId);
  if (done) {
    await recordAudit(platform.database.db, {
      actor,
      action: `release.batch_${action}`,
      targetType: "platform",
      targetId: `batch:${batchId}`,
      before: { status: batch.status },
    });
  }
  return done;
}

/** The audit record of a release action on one account (`release.<action>`, the account as target). */
function auditAccountAction(
  platform: Platform,
  actor: AuditActor,
  appId: string,
  action: string,
  change: Pick<AuditEntry, "before" | "after">,
) {
  return recordAudit(platform.database.db, {
    actor,
    action: `release.${action}`,
    targetType: "authorizer",
    targetId: appId,
    ...change,
  });
}

export async function retryReleaseTarget(platform: Platform, actor: AuditActor, targetId: number) {
  const target = await findBatchTarget(platform.database.db, targetId);
  if (!target) return false;
  const done = await platform.batches.retryTarget(targetId);
  if (done) {
    await auditAccountAction(platform, actor, target.appId, "target_retry", {
      before: { batchId: target.batchId, step: target.step, outcome: target.outcome ?? null },
    });
  }
  return done;
}

/** The merchant's 发布 (or staff's on their behalf): a target waiting for it moves on to the release. */
export async function releaseWaitingTarget(platform: Platform, actor: AuditActor, targetId: number) {
  const target = await findBatchTarget(platform.database.db, targetId);
  if (!target) return false;
  const moved = await platform.batches.transition({
    targetId,
    from: { status: ["waiting"], step: ["merchant"] },
    to: { step: "release", status: "pending" },
  });
  if (moved) await auditAccountAction(platform, actor, target.appId, "publish", { after: { batchId: target.batchId } });
  return moved;
}

export async function refreshAuditStatus(platform: Platform, actor: AuditActor, appId: string) {
  const latest = await reconcileAudit(platform, appId);
  await auditAccountAction(platform, actor, appId, "audit_refresh", {
    after: latest ? { auditId: latest.auditId, status: latest.status } : null,
  });
  return latest;
}

/** Per-account WeChat actions from the code panel: undo audit, speed up, rollback, cancel gray release. */
export async function accountCodeAction(
  platform: Platform,
  actor: AuditActor,
  appId: string,
  action: "undo" | "speedup" | "revert" | "revert_gray",
  auditId?: number,
) {
  const code = codeClientOf(platform);
  await platform.authorizerTokens.withToken(appId, async (token) => {
    if (action === "undo") await code.undoCodeAudit(token);
    else if (action === "speedup") await code.speedupAudit(token, auditId ?? 0);
    else if (action === "revert") await code.revertCodeRelease(token);
    else await code.revertGrayRelease(token);
  });
  await auditAccountAction(platform, actor, appId, action, { after: auditId ? { auditId } : null });
  if (action === "undo") await reconcileAudit(platform, appId);
}

/** Syncs the template library cache from WeChat (gettemplatelist). */
export async function syncTemplates(platform: Platform) {
  const list = await codeClientOf(platform).getTemplateList();
  await replaceTemplates(
    platform.database.db,
    list.map((t) => ({
      templateId: t.templateId,
      userVersion: t.userVersion,
      userDesc: t.userDesc,
      templateType: t.templateType,
      sourceMiniprogram: t.sourceMiniprogram ?? null,
      developer: t.developer ?? null,
      createTime: t.createTime,
    })),
  );
  return list.length;
}

/** Admin: a draft becomes a template, or a template is deleted; the cache is synced after either. */
export async function changeTemplateLibrary(
  platform: Platform,
  actor: AuditActor,
  change: { kind: "add"; draftId: number } | { kind: "delete"; templateId: number },
) {
  const code = codeClientOf(platform);
  if (change.kind === "add") await code.addToTemplate(change.draftId);
  else await code.deleteTemplate(change.templateId);
  await recordAudit(platform.database.db, {
    actor,
    action: change.kind === "add" ? "release.template_add" : "release.template_delete",
    targetType: "platform",
    targetId: change.kind === "add" ? `draft:${change.draftId}` : `template:${change.templateId}`,
  });
  return syncTemplates(platform);
}
