import { describe, expect, it } from "vitest";
import { chartBuckets, wechatEvents } from "@/db/schema";
import { BUCKETS, loadStaffCharts } from "@/lib/charts/data";
import { addToChart, BUCKET_SECONDS, bucketStart, flushChartBuckets } from "@/lib/metrics/chart-buckets";
import { withTestDatabase } from "../support/with-test-database";

// The staff console's chart data on a real database: pushes from wechat_events, the rest from chart_buckets.
describe("staff charts data", () => {
  const database = withTestDatabase();
  const now = Date.now();
  const minutesAgo = (m: number) => new Date(now - m * 60_000);

  it("is empty without data, every ticket period counted as missing", async () => {
    const charts = await loadStaffCharts(database.db, now);
    expect(charts.pushes.buckets).toHaveLength(BUCKETS);
    expect(charts.pushes.total).toBe(0);
    expect(charts.missingTicketBuckets).toBe(BUCKETS - 1);
    expect([charts.errors.total, charts.refreshes.total, charts.webhooks.total]).toEqual([0, 0, 0]);
  });

  it("counts pushes per 10 minutes, so a gap in the tickets shows", async () => {
    // A ticket every 10 minutes for the last 24 hours, except 3 missed periods; 2 authorization events.
    const missed = new Set([30, 31, 100]);
    const rows = [];
    for (let i = 0; i < BUCKETS; i++) {
      if (missed.has(i)) continue;
      rows.push({
        source: "component" as const,
        infoType: "component_verify_ticket",
        dedupeKey: `ticket-${i}`,
        createTime: Math.floor(now / 1000),
        payload: {},
        receivedAt: new Date((bucketStart(now) - (BUCKETS - 1 - i) * BUCKET_SECONDS) * 1000 + 1000),
      });
    }
    rows.push(
      {
        source: "component" as const,
        infoType: "authorized",
        dedupeKey: "auth-1",
        createTime: 1,
        payload: {},
        receivedAt: minutesAgo(5),
      },
      {
        source: "component" as const,
        infoType: "unauthorized",
        dedupeKey: "auth-2",
        createTime: 1,
        payload: {},
        receivedAt: minutesAgo(5),
      },
      // Older than 24 hours, and an account's message: neither counts.
      {
        source: "component" as const,
        infoType: "authorized",
        dedupeKey: "auth-old",
        createTime: 1,
        payload: {},
        receivedAt: minutesAgo(25 * 60),
      },
      {
        source: "authorizer" as const,
        infoType: "text",
        dedupeKey: "msg-1",
        createTime: 1,
        payload: {},
        receivedAt: minutesAgo(5),
      },
    );
    await database.db.insert(wechatEvents).values(rows);

    const charts = await loadStaffCharts(database.db, now);
    const series = Object.fromEntries(charts.pushes.series.map((s) => [s.label, s.values]));
    expect(series.ticket!.reduce((a, b) => a + b, 0)).toBe(BUCKETS - 3);
    expect(series.ticket![30]).toBe(0);
    expect(series.authorization!.reduce((a, b) => a + b, 0)).toBe(2);
    expect(charts.missingTicketBuckets).toBe(3);
  });

  it("adds the counts of every flush (and instance) into the same bucket", async () => {
    addToChart("wechat_error", "40001", now);
    addToChart("wechat_error", "40001", now);
    addToChart("wechat_error", "timeout", now);
    addToChart("refresh", "ok", now);
    addToChart("webhook", "given_up", now);
    await flushChartBuckets(database.db);
    addToChart("wechat_error", "40001", now);
    await flushChartBuckets(database.db);
    // Another instance's row for the same bucket, and one from 2 days ago.
    await database.db.insert(chartBuckets).values([
      {
        bucket: new Date(bucketStart(now) * 1000 - BUCKET_SECONDS * 1000),
        series: "refresh",
        label: "failed",
        count: 4,
      },
      { bucket: minutesAgo(48 * 60), series: "refresh", label: "failed", count: 9 },
    ]);

    const charts = await loadStaffCharts(database.db, now);
    const sum = (values: number[] | undefined) => (values ?? []).reduce((a, b) => a + b, 0);
    const errors = Object.fromEntries(charts.errors.series.map((s) => [s.label, s.values]));
    expect(errors["40001"]![BUCKETS - 1]).toBe(3);
    expect(sum(errors.timeout)).toBe(1);
    const refreshes = Object.fromEntries(charts.refreshes.series.map((s) => [s.label, s.values]));
    expect(charts.refreshes.series[0]!.label).toBe("ok");
    expect(sum(refreshes.failed)).toBe(4);
    expect(charts.webhooks.total).toBe(1);
  });
});
