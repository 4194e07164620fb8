import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { createdAt, updatedAt } from "./columns";
import { merchants, users } from "./core";

/** A message for people: a catalog key and its values (translated where it is shown, never stored as text). */
export interface StoredMessage {
  key: string;
  values?: Record<string, string | number>;
}

/** WeChat's last answer to a job's call: enough to explain it (errcode) and to quote it to WeChat support (rid). */
export interface StoredWechatAnswer {
  endpoint: string;
  /** 0 for success; null when no answer came (timeout, network). */
  errcode: number | null;
  /** errmsg as WeChat sent it (credentials removed), or the transport failure. */
  errmsg: string;
  at: string;
}

/**
 * Durable batches of work on many accounts (release the platform's mini program, apply the setup profile): one row
 * per batch, one `batch_targets` row per account. The kind's step machine (lib/releases, lib/setup) runs each target;
 * instances share the targets through leases (lib/jobs/batches.ts).
 */
export const batches = pgTable(
  "batches",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    kind: text("kind").notNull(),
    title: text("title").notNull(),
    /** What the kind needs for every target (template, version, ext_json template…), checked by the kind's schema. */
    params: jsonb("params").$type<Record<string, unknown>>().notNull(),
    status: text("status", { enum: ["running", "paused", "cancelled", "finished"] })
      .notNull()
      .default("running"),
    /** Why it is paused (staff pressed pause, the audit quota ran out…). */
    pauseReason: jsonb("pause_reason").$type<StoredMessage>(),
    createdByUserId: uuid("created_by_user_id").references(() => users.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [index("batches_kind_idx").on(t.kind, t.id)],
);

export const BATCH_TARGET_STATUSES = ["pending", "waiting", "succeeded", "failed", "cancelled", "skipped"] as const;
export type BatchTargetStatus = (typeof BATCH_TARGET_STATUSES)[number];

export const batchTargets = pgTable(
  "batch_targets",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    batchId: bigint("batch_id", { mode: "number" })
      .notNull()
      .references(() => batches.id, { onDelete: "cascade" }),
    appId: text("app_id").notNull(),
    /** The account's merchant when the batch was made (the merchant's pages read their own targets). */
    merchantId: uuid("merchant_id").references(() => merchants.id),
    step: text("step").notNull(),
    /** pending: runs when due; waiting: for WeChat (an audit), polled when due and woken by events. */
    status: text("status", { enum: BATCH_TARGET_STATUSES }).notNull().default("pending"),
    /** The kind's own per-account state (audit id, rendered ext_json, versions…). */
    data: jsonb("data").$type<Record<string, unknown>>().notNull().default({}),
    /** Attempts of the current step. */
    attempts: integer("attempts").notNull().default(0),
    lastAnswer: jsonb("last_answer").$type<StoredWechatAnswer>(),
    /** Why it failed, was skipped or waits (shown to staff and merchants, translated). */
    outcome: jsonb("outcome").$type<StoredMessage>(),
    nextRunAt: timestamp("next_run_at", { withTimezone: true }).notNull().defaultNow(),
    leaseOwner: text("lease_owner"),
    leaseUntil: timestamp("lease_until", { withTimezone: true }),
    /** Bumped by every claim: a worker writes its outcome only while the fence is still its own. */
    fence: integer("fence").notNull().default(0),
    /**
     * Set by an event's wake-up while the target is claimed (its step still running, e.g. the submit step whose
     * audit result came before the step's own answer was written); a `waiting` result is then due at once.
     * Cleared by every claim.
     */
    wokenAt: timestamp("woken_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("batch_targets_batch_app_idx").on(t.batchId, t.appId),
    index("batch_targets_due_idx")
      .on(t.nextRunAt)
      .where(sql`${t.status} in ('pending', 'waiting')`),
    index("batch_targets_app_idx").on(t.appId, t.id),
    index("batch_targets_batch_status_idx").on(t.batchId, t.status),
  ],
);
