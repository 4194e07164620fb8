import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/db";

export interface BucketCount {
  /** Unix seconds of the bucket's start (a multiple of the bucket size). */
  bucket: number;
  series: string;
  label: string;
  n: number;
}

/**
 * Component pushes per bucket since `sinceSeconds`, split into tickets, authorization events and other InfoTypes
 * (wechat_events_component_received_idx).
 */
export async function countComponentPushes(
  db: Db,
  sinceSeconds: number,
  bucketSeconds: number,
): Promise<BucketCount[]> {
  return rowsOf<{ bucket: number | string; label: string; n: number | string }>(
    await db.execute(sql`
      select (floor(extract(epoch from received_at) / ${bucketSeconds}) * ${bucketSeconds})::bigint as bucket,
             case when info_type = 'component_verify_ticket' then 'ticket'
                  when info_type in ('authorized', 'updateauthorized', 'unauthorized') then 'authorization'
                  else 'other' end as label,
             count(*)::int as n
      from wechat_events
      where source = 'component' and received_at >= to_timestamp(${sinceSeconds})
      group by 1, 2`),
  ).map((r) => ({ bucket: Number(r.bucket), series: "push", label: r.label, n: Number(r.n) }));
}

/** The chart_buckets rows since `sinceSeconds` (the primary key's range). */
export async function readChartBuckets(db: Db, sinceSeconds: number): Promise<BucketCount[]> {
  return rowsOf<{ bucket: number | string; series: string; label: string; n: number | string }>(
    await db.execute(sql`
      select extract(epoch from bucket)::bigint as bucket, series, label, count as n
      from chart_buckets where bucket >= to_timestamp(${sinceSeconds})`),
  ).map((r) => ({ bucket: Number(r.bucket), series: r.series, label: r.label, n: Number(r.n) }));
}
