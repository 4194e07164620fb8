import "server-only";
import { and, desc, eq, ilike, inArray, lt, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { rowsOf, type Db } from "@/db";
import { auditLog } from "@/db/schema";
import { diffChanges } from "@/lib/staff/diff";
import { chinaMidnight, escapeLikePattern, isoDaySchema } from "@/lib/staff/filters";
import { maskSecrets } from "@/lib/staff/mask";

// Staff queries over the whole audit log; callers run requireStaff() first.

export const AUDIT_PAGE_SIZE = 50;

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .catch(undefined)
    .transform((v) => v || undefined);
const optionalDate = isoDaySchema.optional().catch(undefined);

/** /staff/audit's search params. A malformed value is dropped rather than failing the page. */
export const auditFiltersSchema = z.object({
  /** Part of the actor's email, or a user id. */
  actor: optionalText(200),
  action: optionalText(100),
  /** An appid or user id, exactly. */
  target: optionalText(100),
  /** Days in China Standard Time (the console shows times in it), inclusive. */
  from: optionalDate,
  to: optionalDate,
  before: z.coerce.number().int().positive().optional().catch(undefined),
});
export interface AuditFilters {
  actor?: string;
  action?: string;
  target?: string;
  from?: string;
  to?: string;
}

const TARGET_TYPES: Array<(typeof auditLog.$inferSelect)["targetType"]> = ["authorizer", "user", "platform"];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The audit log, newest first, `limit` entries per page, keyset on id (`before` = the last id of the previous
 * page). Each entry carries only the keys its before/after changed, secrets masked.
 */
export async function listAuditEntries(db: Db, filters: AuditFilters, page: { before?: number; limit?: number } = {}) {
  const limit = Math.min(Math.max(page.limit ?? AUDIT_PAGE_SIZE, 1), 200);
  const where: SQL[] = [];
  if (filters.actor) {
    where.push(UUID.test(filters.actor) ? eq(auditLog.actorUserId, filters.actor.toLowerCase()) : ilike(auditLog.actorEmail, `%${escapeLikePattern(filters.actor)}%`));
  }
  if (filters.action) where.push(eq(auditLog.action, filters.action));
  // Every target type listed, so audit_log_target_idx (target_type, target_id, id) serves an exact target.
  if (filters.target) where.push(inArray(auditLog.targetType, TARGET_TYPES), eq(auditLog.targetId, filters.target));
  if (filters.from) where.push(sql`${auditLog.createdAt} >= ${chinaMidnight(filters.from)}::timestamptz`);
  if (filters.to) where.push(sql`${auditLog.createdAt} < ${chinaMidnight(filters.to, 1)}::timestamptz`);
  if (page.before) where.push(lt(auditLog.id, page.before));
  const rows = await db
    .select({
      id: auditLog.id,
      createdAt: auditLog.createdAt,
      actorUserId: auditLog.actorUserId,
      actorEmail: auditLog.actorEmail,
      action: auditLog.action,
      targetType: auditLog.targetType,
      targetId: auditLog.targetId,
      note: auditLog.note,
      before: auditLog.before,
      after: auditLog.after,
    })
    .from(auditLog)
    .where(and(...where))
    .orderBy(desc(auditLog.id))
    .limit(limit + 1);
  const entries = rows.slice(0, limit).map(({ before, after, ...entry }) => ({
    ...entry,
    changes: diffChanges(maskSecrets(before) as Record<string, unknown> | null, maskSecrets(after) as Record<string, unknown> | null),
  }));
  return { entries, nextBefore: rows.length > limit ? (entries.at(-1)?.id ?? null) : null };
}

export type AuditEntryView = Awaited<ReturnType<typeof listAuditEntries>>["entries"][number];

/**
 * The actions that occur in the log, sorted. A loose index scan over audit_log_action_idx (one index probe per
 * distinct action), so it stays instant however long the log grows.
 */
export async function listAuditActions(db: Db): Promise<string[]> {
  const result = await db.execute(sql`
    with recursive actions(action) as (
      (select action from audit_log order by action limit 1)
      union all
      select (select a.action from audit_log a where a.action > actions.action order by a.action limit 1)
        from actions where actions.action is not null
    )
    select action from actions where action is not null`);
  return rowsOf<{ action: string }>(result).map((r) => r.action);
}
