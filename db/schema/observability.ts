import { integer, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Counts per 10-minute bucket for the staff console's charts, of what no other table keeps: WeChat API errors by
 * code, token refreshes by outcome, webhook attempts by outcome. Each instance adds its counts every few seconds
 * (one upsert per flush); pushes are counted from `wechat_events` itself. Rows older than a few days are pruned.
 */
export const chartBuckets = pgTable(
  "chart_buckets",
  {
    bucket: timestamp("bucket", { withTimezone: true }).notNull(),
    /** wechat_error | refresh | webhook */
    series: text("series").notNull(),
    /** The errcode (or transport failure), the outcome. */
    label: text("label").notNull(),
    count: integer("count").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.bucket, t.series, t.label] })],
);
