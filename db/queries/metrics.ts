import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/db";

export interface OperationalSnapshot {
  ticketAgeSeconds: number | null;
  componentTokenSecondsLeft: number | null;
  authorizersByStatus: Record<string, number>;
  refreshFailing: number;
  /**
   * now − the earliest refresh due time of any authorized account: negative while nothing is due yet, null without
   * such accounts. The refresher's lag is this when positive (lib/metrics/db-gauges.ts); kept signed so a cached
   * snapshot tells the lag later on too (lib/metrics/db-gauges.ts).
   */
  earliestDueAgeSeconds: number | null;
  webhooksPending: number;
  webhooksFailed: number;
  webhookOldestPendingAgeSeconds: number;
  batches: { kind: string; status: string; n: number }[];
  batchTargets: { kind: string; status: string; n: number }[];
}

/**
 * Everything the Prometheus gauges show, in one statement (one round trip per scrape). Each part reads an index:
 * the newest ticket (wechat_events_ticket_idx), the earliest refresh due (authorizers_refresh_due_idx), pending and given-up
 * deliveries (their partial indexes); only the count of accounts by status reads the authorizers table whole.
 */
export async function readOperationalSnapshot(db: Db, componentAppId: string): Promise<OperationalSnapshot> {
  const [row] = rowsOf<{
    ticket_age: number | string | null;
    token_left: number | string | null;
    by_status: Record<string, number> | null;
    refresh_failing: number | string;
    lag: number | string | null;
    pending: number | string;
    failed: number | string;
    oldest_pending: number | string;
    batches: { kind: string; status: string; n: number }[] | null;
    targets: { kind: string; status: string; n: number }[] | null;
  }>(
    await db.execute(sql`
      select
        (select extract(epoch from now() - received_at)::float8 from wechat_events
          where info_type = 'component_verify_ticket' order by create_time desc, id desc limit 1) as ticket_age,
        (select extract(epoch from access_token_expires_at - now())::float8 from wechat_component
          where app_id = ${componentAppId} and access_token_expires_at is not null) as token_left,
        (select json_object_agg(status, n) from (select status, count(*)::int as n from authorizers group by status) s) as by_status,
        (select count(*)::int from authorizers where refresh_failed_at is not null and status = 'authorized') as refresh_failing,
        (select extract(epoch from now() - min(refresh_due_at))::float8 from authorizers
          where status = 'authorized' and refresh_token_sealed is not null) as lag,
        (select count(*)::int from webhook_deliveries where status = 'pending') as pending,
        (select count(*)::int from webhook_deliveries where status = 'failed') as failed,
        (select coalesce(extract(epoch from now() - min(created_at)), 0)::float8 from webhook_deliveries
          where status = 'pending') as oldest_pending,
        (select json_agg(json_build_object('kind', kind, 'status', status, 'n', n)) from
          (select kind, status, count(*)::int as n from batches group by kind, status) b) as batches,
        (select json_agg(json_build_object('kind', kind, 'status', status, 'n', n)) from
          (select b.kind, t.status, count(*)::int as n from batches b join batch_targets t on t.batch_id = b.id
            where b.status in ('running', 'paused') group by b.kind, t.status) t) as targets`),
  );
  const num = (v: number | string | null | undefined) => (v === null || v === undefined ? null : Number(v));
  return {
    ticketAgeSeconds: num(row?.ticket_age),
    componentTokenSecondsLeft: num(row?.token_left),
    authorizersByStatus: row?.by_status ?? {},
    refreshFailing: num(row?.refresh_failing) ?? 0,
    earliestDueAgeSeconds: num(row?.lag),
    webhooksPending: num(row?.pending) ?? 0,
    webhooksFailed: num(row?.failed) ?? 0,
    webhookOldestPendingAgeSeconds: Math.max(0, num(row?.oldest_pending) ?? 0),
    batches: row?.batches ?? [],
    batchTargets: row?.targets ?? [],
  };
}
