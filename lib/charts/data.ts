import type { Db } from "@/db";
import { countComponentPushes, readChartBuckets, type BucketCount } from "@/db/queries/charts";
import { BUCKET_SECONDS, bucketStart, flushChartBuckets } from "@/lib/metrics/chart-buckets";

export const CHART_HOURS = 24;
export const BUCKETS = (CHART_HOURS * 3600) / BUCKET_SECONDS;

/** One chart: a value per series per bucket (oldest first), every bucket present (zeros included). */
export interface ChartData {
  /** Unix seconds of each bucket's start. */
  buckets: number[];
  series: { label: string; values: number[] }[];
  total: number;
}

export interface StaffCharts {
  pushes: ChartData;
  /** Buckets in which no ticket arrived (WeChat pushes one every 10 minutes): each is a gap to see. */
  missingTicketBuckets: number;
  errors: ChartData;
  refreshes: ChartData;
  webhooks: ChartData;
}

/** Fixed series order per chart (colours and legends stay put); labels not listed follow, busiest first. */
const ORDER: Record<string, string[]> = {
  push: ["ticket", "authorization", "other"],
  refresh: ["ok", "failed", "needs_reauthorization", "unauthorized", "superseded"],
  webhook: ["delivered", "retry", "given_up"],
  wechat_error: [],
};
/** At most this many error codes get their own colour; the rest are summed as "other". */
const MAX_ERROR_SERIES = 5;

/**
 * The last 24 hours in 10-minute buckets: this instance's pending counts are written first, then two queries
 * (pushes from wechat_events, the rest from chart_buckets).
 */
export async function loadStaffCharts(db: Db, now = Date.now()): Promise<StaffCharts> {
  await flushChartBuckets(db);
  const last = bucketStart(now);
  const first = last - (BUCKETS - 1) * BUCKET_SECONDS;
  const [pushes, rest] = await Promise.all([
    countComponentPushes(db, first, BUCKET_SECONDS),
    readChartBuckets(db, first),
  ]);
  const buckets = Array.from({ length: BUCKETS }, (_, i) => first + i * BUCKET_SECONDS);
  const pushChart = toChart(buckets, pushes, "push", true);
  const ticket = pushChart.series.find((s) => s.label === "ticket")!;
  return {
    pushes: pushChart,
    // The bucket in progress is not counted as missing yet.
    missingTicketBuckets: ticket.values.slice(0, -1).filter((v) => v === 0).length,
    errors: toChart(
      buckets,
      rest.filter((r) => r.series === "wechat_error"),
      "wechat_error",
      false,
    ),
    refreshes: toChart(
      buckets,
      rest.filter((r) => r.series === "refresh"),
      "refresh",
      false,
    ),
    webhooks: toChart(
      buckets,
      rest.filter((r) => r.series === "webhook"),
      "webhook",
      false,
    ),
  };
}

export function toChart(buckets: number[], rows: BucketCount[], series: string, keepFixed: boolean): ChartData {
  const index = new Map(buckets.map((b, i) => [b, i]));
  const byLabel = new Map<string, number[]>();
  for (const label of keepFixed ? ORDER[series]! : []) byLabel.set(label, new Array<number>(buckets.length).fill(0));
  for (const row of rows) {
    const i = index.get(row.bucket);
    if (i === undefined) continue;
    let values = byLabel.get(row.label);
    if (!values) byLabel.set(row.label, (values = new Array<number>(buckets.length).fill(0)));
    values[i]! += row.n;
  }
  const fixed = ORDER[series] ?? [];
  let list = [...byLabel].map(([label, values]) => ({ label, values, sum: values.reduce((a, b) => a + b, 0) }));
  list.sort((a, b) => {
    const ia = fixed.indexOf(a.label);
    const ib = fixed.indexOf(b.label);
    if (ia !== -1 || ib !== -1) return (ia === -1 ? 99 : ia) - (ib === -1 ? 99 : ib);
    return b.sum - a.sum;
  });
  if (series === "wechat_error" && list.length > MAX_ERROR_SERIES) {
    const kept = list.slice(0, MAX_ERROR_SERIES - 1);
    const rest = list.slice(MAX_ERROR_SERIES - 1);
    const values = buckets.map((_, i) => rest.reduce((sum, s) => sum + s.values[i]!, 0));
    list = [...kept, { label: "other", values, sum: values.reduce((a, b) => a + b, 0) }];
  }
  return {
    buckets,
    series: list.map(({ label, values }) => ({ label, values })),
    total: list.reduce((sum, s) => sum + s.sum, 0),
  };
}
