import "server-only";
import { and, desc, eq, ilike, inArray, lt, sql, type SQL } from "drizzle-orm";
import { rowsOf, type Db } from "@/db";
import { auditLog } from "@/db/schema";
import { chinaMidnight, escapeLikePattern } from "@/db/queries/filters";

// Staff queries over the whole audit log; callers run requireStaff() first.

/** Default and largest page of listAuditLogRows. */
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;

/** Filters of the audit log: each one present narrows the list. */
export interface AuditFilters {
  /** Part of the actor's email, or a user id. */
  actor?: string;
  action?: string;
  /** An appid or user id, exactly. */
  target?: string;
  /** Days (YYYY-MM-DD) in China Standard Time, inclusive. */
  from?: string;
  to?: string;
}

const TARGET_TYPES: Array<(typeof auditLog.$inferSelect)["targetType"]> = ["authorizer", "user", "platform"];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The audit log, newest first, `limit` rows per page, keyset on id (`before` = the last id of the previous page).
 * Rows as stored: before/after unmasked (lib/staff/audit-log.ts masks and diffs them for display).
 */
export async function listAuditLogRows(db: Db, filters: AuditFilters, page: { before?: number; limit?: number } = {}) {
  const limit = Math.min(Math.max(page.limit ?? DEFAULT_LIMIT, 1), MAX_LIMIT);
  const where: SQL[] = [];
  if (filters.actor) {
    where.push(
      UUID.test(filters.actor)
        ? eq(auditLog.actorUserId, filters.actor.toLowerCase())
        : ilike(auditLog.actorEmail, `%${escapeLikePattern(filters.actor)}%`),
    );
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
  const shown = rows.slice(0, limit);
  return { rows: shown, nextBefore: rows.length > limit ? (shown.at(-1)?.id ?? null) : null };
}

export type AuditLogRow = Awaited<ReturnType<typeof listAuditLogRows>>["rows"][number];

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
