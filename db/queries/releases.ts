import { and, asc, desc, eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import {
  authorizers,
  merchants,
  releaseAccounts,
  releaseAudits,
  releaseTemplates,
  type AuditStatus,
} from "@/db/schema";

/**
 * The release center's record of each mini program's code (online version, 体验版, current audit, history) and the
 * template cache. Audit news comes from three places in any order (submit_audit's answer, weapp_audit_* events,
 * get_latest_auditstatus polls); each write keeps the newest news (docs/releases.md, "Audit status").
 */

export type ReleaseAccountRow = typeof releaseAccounts.$inferSelect;

async function ensureAccount(db: Db, appId: string) {
  await db.insert(releaseAccounts).values({ appId }).onConflictDoNothing();
}

export async function findReleaseAccount(db: Db, appId: string): Promise<ReleaseAccountRow | undefined> {
  const [row] = await db.select().from(releaseAccounts).where(eq(releaseAccounts.appId, appId));
  return row;
}

export async function recordCommit(db: Db, appId: string, input: { version: string; templateId: number }) {
  await ensureAccount(db, appId);
  await db
    .update(releaseAccounts)
    .set({ expVersion: input.version, expTemplateId: input.templateId, expAt: sql`now()`, updatedAt: sql`now()` })
    .where(eq(releaseAccounts.appId, appId));
}

/** Marks a submission as possibly sent (before submit_audit goes out). */
export async function markSubmitIntent(db: Db, appId: string): Promise<Date> {
  await ensureAccount(db, appId);
  const [row] = await db
    .update(releaseAccounts)
    .set({ submitIntentAt: sql`now()`, updatedAt: sql`now()` })
    .where(eq(releaseAccounts.appId, appId))
    .returning({ at: releaseAccounts.submitIntentAt });
  return row!.at!;
}

/**
 * A new audit is known (submit_audit answered, or an audit found running was adopted): it becomes the account's
 * current audit. If an event about it arrived first (its time ≥ `submittedAt`), that result is kept, not reset to 审核中.
 */
export async function recordSubmittedAudit(
  db: Db,
  appId: string,
  input: { auditId: number; version: string | null; submittedAt: Date; batchId: number | null; status?: AuditStatus },
): Promise<ReleaseAccountRow> {
  await ensureAccount(db, appId);
  const status = input.status ?? 2;
  const at = input.submittedAt.toISOString();
  // News that came in after the intent was marked (updated_at moved past it) and is not older than the submission.
  // Compared with the stored intent (same clock and precision as updated_at), not `submittedAt`: that came back to
  // JavaScript in milliseconds, and the database's microseconds past it would make the previous audit's result,
  // arrived in the same second, count as this audit's.
  const early =
    input.status !== undefined
      ? sql`false`
      : sql`(${releaseAccounts.auditStatus} <> 2 and ${releaseAccounts.updatedAt} > coalesce(${releaseAccounts.submitIntentAt}, ${at}::timestamptz) and ${releaseAccounts.auditUpdatedAt} >= date_trunc('second', ${at}::timestamptz))`;
  const [row] = await db
    .update(releaseAccounts)
    .set({
      auditId: input.auditId,
      auditVersion: input.version,
      auditSubmittedAt: input.submittedAt,
      auditStatus: sql`case when ${early} then ${releaseAccounts.auditStatus} else ${status} end`,
      auditReason: sql`case when ${early} then ${releaseAccounts.auditReason} else null end`,
      auditScreenshots: sql`case when ${early} then ${releaseAccounts.auditScreenshots} else null end`,
      auditUpdatedAt: sql`greatest(${releaseAccounts.auditUpdatedAt}, date_trunc('second', ${input.submittedAt.toISOString()}::timestamptz))`,
      grayPercentage: null,
      updatedAt: sql`now()`,
    })
    .where(eq(releaseAccounts.appId, appId))
    .returning();
  await db
    .insert(releaseAudits)
    .values({
      appId,
      auditId: input.auditId,
      batchId: input.batchId,
      userVersion: input.version,
      status: row!.auditStatus ?? status,
      reason: row!.auditReason,
      screenshots: row!.auditScreenshots,
      submittedAt: input.submittedAt,
    })
    .onConflictDoNothing();
  return row!;
}

/**
 * An audit result from a weapp_audit_* event (no audit id: it is about the account's current audit) or from a poll
 * (with the audit id). Applied only if it is not older than what is stored; the same news twice changes nothing.
 */
export async function applyAuditResult(
  db: Db,
  appId: string,
  input: {
    status: AuditStatus;
    reason?: string | null;
    screenshots?: string | null;
    at: Date;
    auditId?: number;
    version?: string;
  },
): Promise<ReleaseAccountRow | undefined> {
  await ensureAccount(db, appId);
  const at = input.at.toISOString();
  const [row] = await db
    .update(releaseAccounts)
    .set({
      auditStatus: input.status,
      auditReason: input.reason ?? null,
      auditScreenshots: input.screenshots ?? null,
      auditUpdatedAt: sql`${at}::timestamptz`,
      ...(input.auditId !== undefined && { auditId: input.auditId }),
      ...(input.version !== undefined && { auditVersion: input.version }),
      updatedAt: sql`now()`,
    })
    .where(
      and(
        eq(releaseAccounts.appId, appId),
        // A poll names its audit: it is the truth for that audit, and never goes back to an older audit.
        input.auditId !== undefined
          ? sql`(${releaseAccounts.auditId} is null or ${releaseAccounts.auditId} <= ${input.auditId})`
          : sql`(${releaseAccounts.auditUpdatedAt} is null or ${releaseAccounts.auditUpdatedAt} <= ${at}::timestamptz)`,
      ),
    )
    .returning();
  const current = row ?? (await findReleaseAccount(db, appId));
  if (current?.auditId != null) {
    await db
      .update(releaseAudits)
      .set({
        status: current.auditStatus ?? input.status,
        reason: current.auditReason,
        screenshots: current.auditScreenshots,
        resolvedAt: current.auditStatus === 2 ? null : sql`coalesce(${releaseAudits.resolvedAt}, now())`,
      })
      .where(and(eq(releaseAudits.appId, appId), eq(releaseAudits.auditId, current.auditId)));
  }
  return row;
}

export async function recordRelease(db: Db, appId: string, input: { version: string | null; desc?: string | null }) {
  await ensureAccount(db, appId);
  const [row] = await db
    .update(releaseAccounts)
    .set({
      onlineVersion: input.version,
      onlineDesc: input.desc ?? null,
      onlineAt: sql`now()`,
      grayPercentage: null,
      updatedAt: sql`now()`,
    })
    .where(eq(releaseAccounts.appId, appId))
    .returning();
  if (row?.auditId != null) {
    await db
      .update(releaseAudits)
      .set({ releasedAt: sql`now()` })
      .where(and(eq(releaseAudits.appId, appId), eq(releaseAudits.auditId, row.auditId)));
  }
}

export async function recordGray(db: Db, appId: string, percentage: number | null) {
  await ensureAccount(db, appId);
  await db
    .update(releaseAccounts)
    .set({ grayPercentage: percentage, updatedAt: sql`now()` })
    .where(eq(releaseAccounts.appId, appId));
}

/** What WeChat's getversioninfo says (after a rollback, or when staff refresh the panel). */
export async function recordVersionInfo(
  db: Db,
  appId: string,
  info: { exp?: { version: string; time: number }; release?: { version: string; time: number; desc: string } },
) {
  await ensureAccount(db, appId);
  await db
    .update(releaseAccounts)
    .set({
      ...(info.exp && { expVersion: info.exp.version, expAt: new Date(info.exp.time * 1000) }),
      ...(info.release && {
        onlineVersion: info.release.version,
        onlineDesc: info.release.desc,
        onlineAt: new Date(info.release.time * 1000),
      }),
      updatedAt: sql`now()`,
    })
    .where(eq(releaseAccounts.appId, appId));
}

export async function listAccountAudits(db: Db, appId: string, limit = 20) {
  return db
    .select()
    .from(releaseAudits)
    .where(eq(releaseAudits.appId, appId))
    .orderBy(desc(releaseAudits.id))
    .limit(limit);
}

// --- eligibility -------------------------------------------------------------------------------------

/**
 * Every authorized mini program with its merchant and whether its grant includes permission set 18 (code management,
 * docs/wechat-protocol.md §11.1). Unscoped on purpose: staff only (the caller checks the role).
 */
export async function unsafeListMiniPrograms(db: Db) {
  const rows = await db
    .select({
      appId: authorizers.appId,
      merchantId: authorizers.merchantId,
      merchantName: merchants.name,
      nickName: authorizers.nickName,
      principalName: authorizers.principalName,
      funcIds: authorizers.funcIds,
    })
    .from(authorizers)
    .leftJoin(merchants, eq(merchants.id, authorizers.merchantId))
    .where(and(eq(authorizers.kind, "mini_program"), eq(authorizers.status, "authorized")))
    .orderBy(asc(authorizers.nickName), asc(authorizers.appId));
  return rows.map((r) => ({ ...r, hasSet18: r.funcIds.includes(18) }));
}

// --- templates -------------------------------------------------------------------------------------

export type ReleaseTemplateRow = typeof releaseTemplates.$inferSelect;

/** Replaces the cached library with WeChat's list. */
export async function replaceTemplates(db: Db, rows: Omit<ReleaseTemplateRow, "syncedAt">[]) {
  await db.transaction(async (tx) => {
    await tx.delete(releaseTemplates);
    if (rows.length > 0) await tx.insert(releaseTemplates).values(rows);
  });
}

export async function listTemplates(db: Db) {
  return db.select().from(releaseTemplates).orderBy(desc(releaseTemplates.templateId));
}

export async function findTemplate(db: Db, templateId: number) {
  const [row] = await db.select().from(releaseTemplates).where(eq(releaseTemplates.templateId, templateId));
  return row;
}
