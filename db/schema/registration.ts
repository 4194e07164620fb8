import { sql } from "drizzle-orm";
import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, updatedAt } from "./columns";
import { merchantIdColumn, users } from "./core";

/** The three ways a merchant can have a new mini program registered (docs/registration.md). */
export const REGISTRATION_KINDS = ["enterprise", "personal", "official_account"] as const;
export type RegistrationKind = (typeof REGISTRATION_KINDS)[number];

/**
 * waiting: WeChat has the task, the confirming person has not finished; succeeded: the new mini program is
 * attached; failed: WeChat said no (refused, face check failed, entity check failed…); expired: 24 h passed;
 * cancelled: staff cancelled it on our side.
 */
export const REGISTRATION_STATUSES = ["waiting", "succeeded", "failed", "expired", "cancelled"] as const;
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];

/** What the merchant submitted (the entity's key fields and the contact phone). */
export interface RegistrationFields {
  name?: string;
  code?: string;
  wxuser?: string;
  phone?: string;
  officialAccountAppId?: string;
}

/**
 * One fast registration (快速注册) a merchant started: the entity's key fields, WeChat's `taskid` and
 * `authorize_url`, the status WeChat last reported (query or push), and the mini program it produced.
 * The background poller claims waiting tasks with a lease (`poll_lease_*`), so one query per due task.
 */
export const registrationTasks = pgTable(
  "registration_tasks",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    merchantId: merchantIdColumn(),
    userId: uuid("user_id").references(() => users.id),
    kind: text("kind", { enum: REGISTRATION_KINDS }).notNull(),
    /** enterprise: the unified social credit code; personal: the WeChat ID (lower case); official_account: its appid. */
    entityKey: text("entity_key").notNull(),
    fields: jsonb("fields").$type<RegistrationFields>().notNull(),
    taskId: text("task_id"),
    authorizeUrl: text("authorize_url"),
    status: text("status", { enum: REGISTRATION_STATUSES }).notNull().default("waiting"),
    /** The task `status` of the last query (enterprise and personal number them differently: docs/registration.md). */
    wechatStatus: integer("wechat_status"),
    /** `status` of the notify_third_fasteregister push (0 success; 100001–100003 timeouts; 10x/100x entity checks). */
    pushStatus: integer("push_status"),
    /** The mini program WeChat created. */
    appId: text("app_id"),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    nextPollAt: timestamp("next_poll_at", { withTimezone: true }),
    pollLeaseOwner: text("poll_lease_owner"),
    pollLeaseUntil: timestamp("poll_lease_until", { withTimezone: true }),
    /** The last WeChat error of a query ({ endpoint, errcode, errmsg }), for staff. */
    lastError: jsonb("last_error").$type<{ errcode: number | null; errmsg: string; at: string }>(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // WeChat runs one task per entity at a time (89249); we refuse a second one before calling.
    uniqueIndex("registration_tasks_running_entity_idx")
      .on(t.kind, t.entityKey)
      .where(sql`${t.status} = 'waiting'`),
    uniqueIndex("registration_tasks_task_id_idx").on(t.taskId),
    index("registration_tasks_merchant_idx").on(t.merchantId, t.createdAt),
    index("registration_tasks_poll_idx")
      .on(t.nextPollAt)
      .where(sql`${t.status} = 'waiting'`),
  ],
);

/**
 * Every notify_third_fasteregister push as we read it, and the task it was bound to. A push bound to no task of
 * ours (`task_id` null) is never attached to anyone: staff see it on /staff/registrations.
 */
export const registrationPushes = pgTable(
  "registration_pushes",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    /** sha256 of the push's fields: WeChat's retries are recorded once. */
    pushKey: text("push_key").notNull(),
    registrationId: uuid("registration_id").references(() => registrationTasks.id),
    appId: text("app_id"),
    status: integer("status"),
    msg: text("msg"),
    info: jsonb("info").$type<Record<string, unknown>>().notNull(),
    createTime: integer("create_time"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("registration_pushes_key_idx").on(t.pushKey),
    index("registration_pushes_task_idx").on(t.registrationId),
  ],
);

// WeChat sandbox: fast registration tasks as WeChat holds them (lib/sandbox/fastregister.ts).
export const sandboxFastRegistrations = pgTable(
  "sandbox_fast_registrations",
  {
    taskId: text("task_id").primaryKey(),
    /** The token in the authorize_url (what the confirming person's scan opens). */
    createToken: text("create_token").notNull(),
    kind: text("kind", { enum: REGISTRATION_KINDS }).notNull(),
    entityKey: text("entity_key").notNull(),
    /** The request body as sent (echoed in the push's `info`). */
    request: jsonb("request").$type<Record<string, unknown>>().notNull(),
    /** Task status in the numbering of its API (enterprise: 1 生成任务…; personal: 0 生成任务…). */
    status: integer("status").notNull(),
    appId: text("app_id"),
    authCode: text("auth_code"),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex("sandbox_fast_registrations_token_idx").on(t.createToken),
    index("sandbox_fast_registrations_entity_idx").on(t.kind, t.entityKey),
  ],
);
