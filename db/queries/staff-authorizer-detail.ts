import "server-only";
import { desc, eq, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { rowsOf, type Db } from "@/db";
import { merchantView } from "@/db/queries/authorizers";
import { authorizerGrants, authorizers, merchants, users } from "@/db/schema";
import { diffChanges, diffFuncIds, type ChangedKey } from "@/lib/staff/diff";
import { maskSecrets } from "@/lib/staff/mask";

// Staff queries: every account, whichever merchant holds it. Callers run requireStaff() first; that is the scope.

const owner = alias(merchants, "owner");
const contesting = alias(merchants, "contesting");
const reviewer = alias(users, "reviewer");

/**
 * One account as the staff detail page shows it: profile, owner and contesting merchant, review, and the health
 * of its tokens. Never a token: only whether one is held and when it expires.
 */
export async function findStaffAuthorizerDetail(db: Db, appId: string) {
  const [row] = await db
    .select({
      ...merchantView,
      reviewerEmail: reviewer.email,
      merchantId: authorizers.merchantId,
      merchantName: owner.name,
      contestedByMerchantId: authorizers.contestedByMerchantId,
      contestedByMerchantName: contesting.name,
      createdAt: authorizers.createdAt,
      hasAccessToken: sql<boolean>`${authorizers.accessTokenSealed} is not null`,
      hasRefreshToken: sql<boolean>`${authorizers.refreshTokenSealed} is not null`,
      accessTokenExpiresAt: authorizers.accessTokenExpiresAt,
      lastRefreshedAt: authorizers.lastRefreshedAt,
      refreshDueAt: authorizers.refreshDueAt,
      refreshAttempts: authorizers.refreshAttempts,
      refreshFailedAt: authorizers.refreshFailedAt,
      lastRefreshError: authorizers.lastRefreshError,
      refreshing: sql<boolean>`coalesce(${authorizers.refreshLeaseUntil} > now(), false)`,
    })
    .from(authorizers)
    .leftJoin(owner, eq(owner.id, authorizers.merchantId))
    .leftJoin(contesting, eq(contesting.id, authorizers.contestedByMerchantId))
    .leftJoin(reviewer, eq(reviewer.id, authorizers.reviewedByUserId))
    .where(eq(authorizers.appId, appId));
  if (!row) return undefined;
  const { merchantId, merchantName, contestedByMerchantId, contestedByMerchantName, ...rest } = row;
  return {
    ...rest,
    merchant: merchantId ? { id: merchantId, name: merchantName ?? "" } : null,
    contestingMerchant: contestedByMerchantId ? { id: contestedByMerchantId, name: contestedByMerchantName ?? "" } : null,
  };
}

export type StaffAuthorizerDetail = NonNullable<Awaited<ReturnType<typeof findStaffAuthorizerDetail>>>;

export const GRANT_HISTORY_LIMIT = 50;

/** The account's grants, newest first, each with the permission sets it added and removed compared with the one before. */
export async function listStaffGrantHistory(db: Db, appId: string, limit = GRANT_HISTORY_LIMIT) {
  const rows = await db
    .select({
      id: authorizerGrants.id,
      source: authorizerGrants.source,
      funcIds: authorizerGrants.funcIds,
      createdAt: authorizerGrants.createdAt,
      // Computed over all of the account's grants before the limit applies: the oldest shown still has its predecessor.
      previous: sql<number[] | null>`lag(${authorizerGrants.funcIds}) over (order by ${authorizerGrants.id})`,
    })
    .from(authorizerGrants)
    .where(eq(authorizerGrants.appId, appId))
    .orderBy(desc(authorizerGrants.id))
    .limit(limit);
  return rows.map(({ previous, ...grant }) => ({ ...grant, ...diffFuncIds(previous, grant.funcIds) }));
}

// ------------------------------------------------------------------------------------------------
// The timeline: everything that happened to one account, newest first, from four tables.
// ------------------------------------------------------------------------------------------------

export const TIMELINE_PAGE_SIZE = 200;

/** Source order at an identical instant (higher first); also part of the keyset. */
const RANK = { wechat_event: 4, grant: 3, activity: 2, audit: 1 } as const;
type TimelineSource = keyof typeof RANK;

interface TimelineBase {
  id: number;
  at: Date;
  /** Keyset position of this entry: pass it as `before` to get the entries after it. */
  cursor: string;
}

export type TimelineEntry =
  | (TimelineBase & { source: "wechat_event"; kind: string; createTime: number | null; processError: string | null; payload: unknown })
  | (TimelineBase & { source: "grant"; kind: string; funcIds: number[]; added: number[]; removed: number[] })
  | (TimelineBase & { source: "activity"; kind: string; detail: Record<string, unknown> })
  | (TimelineBase & { source: "audit"; kind: string; actorEmail: string; note: string | null; changes: ChangedKey[] });

/** `2026-05-01T08:00:00.123456Z_2_345`: microsecond time (what PostgreSQL stores), source rank, row id. */
const CURSOR = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)_([1-4])_(\d{1,18})$/;

export function parseTimelineCursor(value: unknown): { at: string; rank: number; id: string } | null {
  if (typeof value !== "string") return null;
  const match = CURSOR.exec(value);
  return match ? { at: match[1]!, rank: Number(match[2]), id: match[3]! } : null;
}

interface TimelineRow {
  source: TimelineSource;
  rank: number;
  id: number | string;
  at_text: string;
  kind: string;
  data: Record<string, unknown> | null;
  actor_email: string | null;
  note: string | null;
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}
function asIds(value: unknown): number[] {
  return Array.isArray(value) ? value.filter((v): v is number => typeof v === "number") : [];
}

function toEntry(row: TimelineRow): TimelineEntry {
  const base = { id: Number(row.id), at: new Date(row.at_text), cursor: `${row.at_text}_${row.rank}_${row.id}` };
  const data = row.data ?? {};
  switch (row.source) {
    case "wechat_event":
      return {
        ...base,
        source: "wechat_event",
        kind: row.kind,
        createTime: typeof data.createTime === "number" ? data.createTime : null,
        processError: typeof data.processError === "string" ? data.processError : null,
        // Security: pushes carry authorization codes and pre_auth_codes; staff see them masked only.
        payload: maskSecrets(data.payload ?? null),
      };
    case "grant": {
      const funcIds = asIds(data.funcIds);
      return { ...base, source: "grant", kind: row.kind, funcIds, ...diffFuncIds(data.previous === null ? null : asIds(data.previous), funcIds) };
    }
    case "activity":
      return { ...base, source: "activity", kind: row.kind, detail: asRecord(maskSecrets(data)) ?? {} };
    case "audit":
      return {
        ...base,
        source: "audit",
        kind: row.kind,
        actorEmail: row.actor_email ?? "",
        note: row.note,
        changes: diffChanges(asRecord(maskSecrets(data.before ?? null)), asRecord(maskSecrets(data.after ?? null))),
      };
  }
}

/**
 * The account's timeline, newest first: WeChat's pushes for this appid, grant changes (with what each added and
 * removed), token activity (refreshes, failures, recoveries, reconcile repairs) and staff actions from the audit
 * log. Keyset-paginated on (time, source, id) (`before` = an entry's cursor, no OFFSET): each source contributes
 * at most `limit + 1` rows from the account's own rows (per-account indexes), merged and cut to `limit`.
 * Secrets are masked.
 */
export async function listStaffTimeline(db: Db, appId: string, options: { before?: string | null; limit?: number } = {}) {
  const limit = Math.min(Math.max(options.limit ?? TIMELINE_PAGE_SIZE, 1), 500);
  const take = limit + 1;
  const cursor = parseTimelineCursor(options.before);
  const after = (at: string, rank: number) =>
    cursor ? sql`and (${sql.raw(at)}, ${rank}::int, id) < (${cursor.at}::timestamptz, ${cursor.rank}::int, ${cursor.id}::bigint)` : sql``;
  const result = await db.execute(sql`
    select source, rank, id, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at_text, kind, data, actor_email, note
    from (
      (select 'wechat_event'::text as source, ${RANK.wechat_event}::int as rank, id, received_at as at, info_type as kind,
              jsonb_build_object('payload', payload, 'createTime', create_time, 'processError', process_error) as data,
              null::text as actor_email, null::text as note
         from wechat_events
        where authorizer_app_id = ${appId} and source = 'component' ${after("received_at", RANK.wechat_event)}
        order by received_at desc, id desc limit ${take})
      union all
      (select 'grant', ${RANK.grant}::int, id, created_at, source,
              jsonb_build_object('funcIds', func_ids, 'previous', previous), null, null
         from (select id, created_at, source, func_ids, lag(func_ids) over (order by id) as previous
                 from authorizer_grants where app_id = ${appId}) grants
        where true ${after("created_at", RANK.grant)}
        order by created_at desc, id desc limit ${take})
      union all
      (select 'activity', ${RANK.activity}::int, id, created_at, kind, detail, null, null
         from authorizer_activity
        where app_id = ${appId} ${after("created_at", RANK.activity)}
        order by created_at desc, id desc limit ${take})
      union all
      (select 'audit', ${RANK.audit}::int, id, created_at, action, jsonb_build_object('before', before, 'after', after), actor_email, note
         from audit_log
        where target_type = 'authorizer' and target_id = ${appId} ${after("created_at", RANK.audit)}
        order by created_at desc, id desc limit ${take})
    ) timeline
    order by at desc, rank desc, id desc
    limit ${take}`);
  const rows = rowsOf<TimelineRow>(result);
  const entries = rows.slice(0, limit).map(toEntry);
  return { entries, nextCursor: rows.length > limit ? (entries.at(-1)?.cursor ?? null) : null };
}
