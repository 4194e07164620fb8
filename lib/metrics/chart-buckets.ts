import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import { describeError, log } from "@/lib/log";

/**
 * Counts for the staff console's charts (table `chart_buckets`): added in memory as things happen (a Map
 * increment), written by `flushChartBuckets` in one upsert every few seconds and before a chart is read. Recorded
 * whether or not Prometheus metrics are on: the charts are part of the console.
 */
export type ChartSeries = "wechat_error" | "refresh" | "webhook";
export const BUCKET_SECONDS = 600;
const MAX_PENDING_KEYS = 5_000;

const state = globalThis as unknown as { __portalChartCounts?: Map<string, number> };
const counts = () => (state.__portalChartCounts ??= new Map());

export function bucketStart(ms: number): number {
  return Math.floor(ms / 1000 / BUCKET_SECONDS) * BUCKET_SECONDS;
}

export function addToChart(series: ChartSeries, label: string, now = Date.now()): void {
  const pending = counts();
  const key = `${bucketStart(now)}|${series}|${label.slice(0, 48)}`;
  if (!pending.has(key) && pending.size >= MAX_PENDING_KEYS) return; // the database is away: keep memory bounded
  pending.set(key, (pending.get(key) ?? 0) + 1);
}

/** Writes the counts gathered since the last flush (one statement). A failed write keeps them for the next. */
export async function flushChartBuckets(db: Db): Promise<void> {
  const pending = counts();
  if (pending.size === 0) return;
  const rows = [...pending].map(([key, n]) => {
    const [bucket, series, label] = key.split("|");
    return { bucket: Number(bucket), series, label, n };
  });
  pending.clear();
  try {
    await db.execute(sql`
      insert into chart_buckets (bucket, series, label, count)
      select to_timestamp(r.bucket), r.series, r.label, r.n
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(bucket bigint, series text, label text, n int)
      on conflict (bucket, series, label) do update set count = chart_buckets.count + excluded.count`);
  } catch (error) {
    for (const r of rows) {
      const key = `${r.bucket}|${r.series}|${r.label}`;
      pending.set(key, (pending.get(key) ?? 0) + r.n);
    }
    log.warn("chart counts not written", { error: describeError(error) });
  }
}

/** Buckets older than `days` (the charts show 24 hours). */
export async function pruneChartBuckets(db: Db, days = 7): Promise<void> {
  await db.execute(sql`delete from chart_buckets where bucket < now() - make_interval(days => ${days})`);
}
