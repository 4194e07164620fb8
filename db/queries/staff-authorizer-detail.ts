import "server-only";
import { desc, eq, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { rowsOf, type Db } from "@/db";
import { merchantView } from "@/db/queries/authorizers";
import { authorizerGrants, authorizers, merchants, users } from "@/db/schema";

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
    contestingMerchant: contestedByMerchantId
      ? { id: contestedByMerchantId, name: contestedByMerchantName ?? "" }
      : null,
  };
}

export type StaffAuthorizerDetail = NonNullable<Awaited<ReturnType<typeof findStaffAuthorizerDetail>>>;

/**
 * The account's grants, newest first, each with the func_ids of the grant before it (`previous`, null for the first)
 * so that what it added and removed can be shown.
 */
export async function listStaffGrants(db: Db, appId: string, limit: number) {
  return db
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
}

// ------------------------------------------------------------------------------------------------
// The timeline: everything that happened to one account, newest first, from four tables.
// ------------------------------------------------------------------------------------------------

/** Source order at an identical instant (higher first); also part of the keyset. */
const RANK = { wechat_event: 4, grant: 3, activity: 2, audit: 1 } as const;
export type TimelineSource = keyof typeof RANK;

/** A timeline position: microsecond time as PostgreSQL stores it (ISO, UTC), source rank and row id. */
export interface TimelinePosition {
  at: string;
  rank: number;
  id: string;
}

/** One timeline row as stored (payloads and before/after unmasked). */
export interface TimelineRow {
  source: TimelineSource;
  rank: number;
  id: number | string;
  /** `2026-05-01T08:00:00.123456Z`: the microsecond time, exact, for the keyset. */
  at_text: string;
  kind: string;
  data: Record<string, unknown> | null;
  actor_email: string | null;
  note: string | null;
}

/**
 * The account's timeline rows, newest first: WeChat's pushes for this appid, grants (with the func_ids of the one
 * before), token activity and staff actions from the audit log. Keyset on (time, source rank, id), strictly after
 * `before`, no OFFSET: each source contributes at most `take` rows from the account's own rows (per-account
 * indexes), merged and cut to `take`.
 */
export async function listStaffTimelineRows(
  db: Db,
  appId: string,
  options: { before?: TimelinePosition | null; take: number },
) {
  const { before: cursor, take } = options;
  const after = (at: string, rank: number) =>
    cursor
      ? sql`and (${sql.raw(at)}, ${rank}::int, id) < (${cursor.at}::timestamptz, ${cursor.rank}::int, ${cursor.id}::bigint)`
      : sql``;
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
  return rowsOf<TimelineRow>(result);
}
