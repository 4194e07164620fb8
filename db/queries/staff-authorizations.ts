import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { rowsOf, type Db } from "@/db";
import { authorizers, type AuthorizerStatus, type ReviewStatus } from "@/db/schema";
import { chinaMidnight, escapeLikePattern } from "@/db/queries/filters";

/**
 * The staff console's authorization list: every merchant's accounts, filtered, searched and paged by keyset so
 * that page 500 costs what page 1 costs (see migration 0004 for the index behind each filter and sort).
 * Staff-wide on purpose: the caller has passed requireStaff(), there is no merchant scope to apply. The page's URL
 * (filters, sort, cursor) is parsed and written in lib/staff/authorization-list-params.ts.
 */

export const STAFF_LIST_PAGE_SIZE = 50;
/**
 * The count stops at the cap: "more than 10,000" is all a page view needs, and counting every match of a filter
 * no index covers (kind, a short search term, a combination) means reading rows until the cap is reached, about
 * cap / (share of rows matching) of them. Unfiltered, the first 10,000 entries of an index are read (~2 ms); with
 * any filter the cap is 1,000, which keeps that read short whatever the filter (measured at 100,000 rows:
 * review=pending & kind=mini_program 30 ms at a 10,000 cap, ~3 ms at 1,000).
 */
export const STAFF_LIST_COUNT_CAP = 10_000;
export const STAFF_LIST_FILTERED_COUNT_CAP = 1_000;
const MAX_PAGE_SIZE = 1_000;

export const AUTHORIZER_STATUSES = authorizers.status.enumValues;
export const REVIEW_STATUSES = authorizers.reviewStatus.enumValues;
export const ACCOUNT_KINDS = authorizers.kind.enumValues;
/** `name` is not offered: no index orders by nick_name, and sorting 100,000 rows per page view misses the aim. */
export const STAFF_LIST_SORTS = ["updated", "authorized"] as const;
export const UNASSIGNED_MERCHANT = "unassigned";

export type StaffListSort = (typeof STAFF_LIST_SORTS)[number];
export type AccountKind = (typeof ACCOUNT_KINDS)[number];
export type TokenHealth = "ok" | "failing" | "expired" | "none";

/** Where the previous page ended: its last row's sort key (µs since the epoch; null = no authorized_at) and appid. */
export interface StaffListCursor {
  sort: StaffListSort;
  key: string | null;
  appId: string;
  /** 1-based number of the page this cursor opens (display only). */
  page: number;
}

export interface StaffListFilters {
  status?: AuthorizerStatus;
  review?: ReviewStatus;
  kind?: AccountKind;
  /** Permission set id: the account's grant contains it. */
  permission?: number;
  /** A merchant id, or `unassigned` for accounts nobody here owns. */
  merchant?: string;
  /** Days (YYYY-MM-DD) in China Standard Time, inclusive, on authorized_at. */
  from?: string;
  to?: string;
  q?: string;
  /** Mini programs whose setup checklist has a blocking item (docs/setup.md). */
  notReady?: boolean;
}

export interface StaffListParams extends StaffListFilters {
  sort: StaffListSort;
  cursor?: StaffListCursor;
}

export interface StaffAuthorizationRow {
  appId: string;
  nickName: string | null;
  headImg: string | null;
  kind: AccountKind | null;
  principalName: string | null;
  merchant: { id: string; name: string } | null;
  status: AuthorizerStatus;
  reviewStatus: ReviewStatus;
  funcIds: number[];
  authorizedAt: Date | null;
  updatedAt: Date;
  lastEvent: { infoType: string; receivedAt: Date } | null;
  tokenHealth: TokenHealth;
}

export interface StaffListPage {
  rows: StaffAuthorizationRow[];
  /** The cursor of the next page, or null on the last one. */
  next: StaffListCursor | null;
  page: number;
}

// ------------------------------------------------------------------------------------------------
// SQL
// ------------------------------------------------------------------------------------------------

/** A sort key (µs since the epoch, as PostgreSQL stores it) back to an exact ISO timestamp. */
function microsToIso(key: string): string {
  const micros = BigInt(key);
  const millis = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
  const rest = ((micros % 1000n) + 1000n) % 1000n;
  return new Date(Number(millis)).toISOString().replace("Z", `${rest.toString().padStart(3, "0")}Z`);
}

function filterConditions(filters: StaffListFilters): SQL[] {
  const conditions: SQL[] = [];
  if (filters.status) conditions.push(sql`a.status = ${filters.status}`);
  if (filters.review) conditions.push(sql`a.review_status = ${filters.review}`);
  if (filters.kind) conditions.push(sql`a.kind = ${filters.kind}`);
  // jsonb_path_ops GIN index (authorizers_func_ids_idx).
  if (filters.permission !== undefined)
    conditions.push(sql`a.func_ids @> ${JSON.stringify([filters.permission])}::jsonb`);
  if (filters.merchant === UNASSIGNED_MERCHANT) conditions.push(sql`a.merchant_id is null`);
  else if (filters.merchant) conditions.push(sql`a.merchant_id = ${filters.merchant}::uuid`);
  if (filters.from) conditions.push(sql`a.authorized_at >= ${chinaMidnight(filters.from)}::timestamptz`);
  if (filters.to) conditions.push(sql`a.authorized_at < ${chinaMidnight(filters.to, 1)}::timestamptz`);
  // Trigram GIN index on the generated, lower-cased search_text (authorizers_search_idx).
  if (filters.q) conditions.push(sql`a.search_text like '%' || lower(${escapeLikePattern(filters.q)}) || '%'`);
  if (filters.notReady) {
    conditions.push(
      sql`exists (select 1 from setup_accounts s where s.app_id = a.app_id and s.blocking_item is not null)`,
    );
  }
  return conditions;
}

function where(conditions: SQL[]): SQL {
  return conditions.length ? sql`where ${sql.join(conditions, sql` and `)}` : sql``;
}

/** Never a token column: only whether there is a refresh token, folded into the derived token health. */
function pageColumns(sortColumn: SQL): SQL {
  return sql`a.app_id, a.nick_name, a.head_img, a.kind, a.principal_name, a.merchant_id, a.status, a.review_status, a.func_ids,
    (extract(epoch from a.authorized_at) * 1000)::float8 as authorized_ms,
    (extract(epoch from a.updated_at) * 1000)::float8 as updated_ms,
    ${sortColumn} as sort_at,
    (extract(epoch from ${sortColumn}) * 1000000)::bigint::text as sort_key,
    case
      when a.status <> 'authorized' or a.refresh_token_sealed is null then 'none'
      when a.refresh_failed_at is not null then 'failing'
      when a.access_token_expires_at > now() then 'ok'
      else 'expired'
    end as token_health`;
}

/** The page's rows (limit + 1 to know whether there is a next page), before the joins. */
function pageSubquery(params: StaffListParams, limit: number): SQL {
  const conditions = filterConditions(params);
  const cursor = params.cursor;
  // Every ORDER BY spells out `desc nulls last`: that is how the indexes are built (drizzle's `.desc()`), and
  // PostgreSQL only reads an index in order when the null placement matches too (`desc` alone means nulls first),
  // even on NOT NULL columns. Without it each page is a full scan and a sort.
  if (params.sort === "updated") {
    const keyset = cursor?.key
      ? [sql`(a.updated_at, a.app_id) < (${microsToIso(cursor.key)}::timestamptz, ${cursor.appId})`]
      : [];
    return sql`select ${pageColumns(sql`a.updated_at`)} from authorizers a ${where([...conditions, ...keyset])}
      order by a.updated_at desc nulls last, a.app_id desc nulls last limit ${limit}`;
  }
  // authorized_at desc nulls last: the dated rows by the (authorized_at, app_id) keyset, then the undated ones by
  // app_id. Two index range scans, each reading at most one page; a row-value comparison cannot span the nulls.
  const dated = sql`(select ${pageColumns(sql`a.authorized_at`)} from authorizers a ${where([
    ...conditions,
    sql`a.authorized_at is not null`,
    ...(cursor?.key
      ? [sql`(a.authorized_at, a.app_id) < (${microsToIso(cursor.key)}::timestamptz, ${cursor.appId})`]
      : []),
  ])} order by a.authorized_at desc nulls last, a.app_id desc nulls last limit ${limit})`;
  const undated = sql`(select ${pageColumns(sql`a.authorized_at`)} from authorizers a ${where([
    ...conditions,
    sql`a.authorized_at is null`,
    ...(cursor && cursor.key === null ? [sql`a.app_id < ${cursor.appId}`] : []),
  ])} order by a.app_id desc nulls last limit ${limit})`;
  // A date range excludes undated rows; a cursor already among the undated ones excludes the dated rows.
  if (params.from || params.to) return dated;
  if (cursor && cursor.key === null) return undated;
  return sql`${dated} union all ${undated}`;
}

function orderBy(sort: StaffListSort, alias: string): SQL {
  return sort === "updated"
    ? sql.raw(`${alias}.sort_at desc, ${alias}.app_id desc`)
    : sql.raw(`${alias}.sort_at desc nulls last, ${alias}.app_id desc`);
}

/**
 * The list's SQL (exported so the benchmark can EXPLAIN exactly what the page runs). The newest event of each
 * account is looked up for the page's rows only (a LATERAL index probe per row), as is the merchant's name.
 */
export function buildStaffListQuery(
  params: StaffListParams,
  options: { limit?: number; withLastEvent?: boolean } = {},
): SQL {
  const limit = Math.min(options.limit ?? STAFF_LIST_PAGE_SIZE + 1, MAX_PAGE_SIZE + 1);
  const withLastEvent = options.withLastEvent ?? true;
  return sql`select p.*, (select m.name from merchants m where m.id = p.merchant_id) as merchant_name, ${
    withLastEvent
      ? sql`e.info_type as last_event_type, (extract(epoch from e.received_at) * 1000)::float8 as last_event_ms`
      : sql`null as last_event_type, null as last_event_ms`
  }
    from (${pageSubquery(params, limit)}) p
    ${
      withLastEvent
        ? sql`left join lateral (
            select w.info_type, w.received_at from wechat_events w
            where w.authorizer_app_id = p.app_id and w.source = 'component' order by w.received_at desc limit 1
          ) e on true`
        : sql``
    }
    order by ${orderBy(params.sort, "p")}`;
}

/** How far a page view counts for these filters. */
export function staffListCountCap(filters: StaffListFilters): number {
  const filtered = Object.entries(filters).some(
    ([key, value]) => key !== "sort" && key !== "cursor" && value !== undefined,
  );
  return filtered ? STAFF_LIST_FILTERED_COUNT_CAP : STAFF_LIST_COUNT_CAP;
}

/** Counts matching rows up to the cap + 1 (so "more than 10,000" is known without counting them all). */
export function buildStaffCountQuery(filters: StaffListFilters): SQL {
  return sql`select count(*)::int as n from (select 1 from authorizers a ${where(filterConditions(filters))} limit ${sql.raw(String(staffListCountCap(filters) + 1))}) c`;
}

/**
 * Runs a list or count query with a plan made for its actual values. postgres.js prepares its statements, and
 * after five executions PostgreSQL may keep a generic plan that ignores the values: for `search_text like $1` it
 * then picks the trigram index even for a two-character term the index cannot narrow, and rechecks every row
 * (measured at 100,000 rows: the count for 咖啡 went from 9 ms to 150 ms). `set local` lasts for this transaction.
 */
async function executePlanned<T>(db: Db, query: SQL): Promise<T[]> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local plan_cache_mode = force_custom_plan`);
    return rowsOf<T>(await tx.execute(query));
  });
}

interface RawRow {
  app_id: string;
  nick_name: string | null;
  head_img: string | null;
  kind: AccountKind | null;
  principal_name: string | null;
  merchant_id: string | null;
  merchant_name: string | null;
  status: AuthorizerStatus;
  review_status: ReviewStatus;
  func_ids: unknown;
  authorized_ms: number | string | null;
  updated_ms: number | string;
  sort_key: string | null;
  token_health: TokenHealth;
  last_event_type: string | null;
  last_event_ms: number | string | null;
}

function toFuncIds(value: unknown): number[] {
  const parsed: unknown = typeof value === "string" ? JSON.parse(value) : value;
  return Array.isArray(parsed) ? parsed.filter((id): id is number => typeof id === "number") : [];
}

function toDate(ms: number | string | null): Date | null {
  return ms === null ? null : new Date(Number(ms));
}

function toRow(raw: RawRow): StaffAuthorizationRow {
  return {
    appId: raw.app_id,
    nickName: raw.nick_name,
    headImg: raw.head_img,
    kind: raw.kind,
    principalName: raw.principal_name,
    merchant: raw.merchant_id ? { id: raw.merchant_id, name: raw.merchant_name ?? "" } : null,
    status: raw.status,
    reviewStatus: raw.review_status,
    funcIds: toFuncIds(raw.func_ids),
    authorizedAt: toDate(raw.authorized_ms),
    updatedAt: toDate(raw.updated_ms) ?? new Date(0),
    lastEvent:
      raw.last_event_type && raw.last_event_ms !== null
        ? { infoType: raw.last_event_type, receivedAt: new Date(Number(raw.last_event_ms)) }
        : null,
    tokenHealth: raw.token_health,
  };
}

/**
 * One page of the staff list, starting after `params.cursor`. `pageSize` up to 1,000 (the CSV export pages with
 * it); `withLastEvent: false` skips the events lookup.
 */
export async function listStaffAuthorizations(
  db: Db,
  params: StaffListParams,
  options: { pageSize?: number; withLastEvent?: boolean } = {},
): Promise<StaffListPage> {
  const pageSize = Math.max(1, Math.min(options.pageSize ?? STAFF_LIST_PAGE_SIZE, MAX_PAGE_SIZE));
  const raws = await executePlanned<RawRow>(
    db,
    buildStaffListQuery(params, { limit: pageSize + 1, withLastEvent: options.withLastEvent }),
  );
  const pageRaws = raws.slice(0, pageSize);
  const last = pageRaws.at(-1);
  const page = params.cursor?.page ?? 1;
  return {
    rows: pageRaws.map(toRow),
    next:
      raws.length > pageSize && last
        ? { sort: params.sort, key: last.sort_key, appId: last.app_id, page: page + 1 }
        : null,
    page,
  };
}

/** How many rows match, exactly up to the cap (staffListCountCap); `capped` when there are more. */
export async function countStaffAuthorizations(
  db: Db,
  filters: StaffListFilters,
): Promise<{ count: number; capped: boolean }> {
  const cap = staffListCountCap(filters);
  const [row] = await executePlanned<{ n: number | string }>(db, buildStaffCountQuery(filters));
  const n = Number(row?.n ?? 0);
  return n > cap ? { count: cap, capped: true } : { count: n, capped: false };
}

/** The exact number of matching rows (the CSV export's audit record; one full pass, not for page views). */
export async function countAllStaffAuthorizations(db: Db, filters: StaffListFilters): Promise<number> {
  const [row] = rowsOf<{ n: number | string }>(
    await db.execute(sql`select count(*)::int as n from authorizers a ${where(filterConditions(filters))}`),
  );
  return Number(row?.n ?? 0);
}

/** EXPLAIN (ANALYZE, BUFFERS) of the list and count queries a page view runs, as plan lines (benchmark, diagnosis). */
export async function explainStaffList(db: Db, params: StaffListParams): Promise<{ list: string[]; count: string[] }> {
  const explain = async (query: SQL) =>
    rowsOf<Record<string, string>>(await db.execute(sql`explain (analyze, buffers) ${query}`)).map(
      (row) => Object.values(row)[0] ?? "",
    );
  return { list: await explain(buildStaffListQuery(params)), count: await explain(buildStaffCountQuery(params)) };
}
