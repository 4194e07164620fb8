import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
} from "drizzle-orm/pg-core";

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp("updated_at", { withTimezone: true }).notNull().defaultNow();

/**
 * One row per third-party platform (component appid): the latest component_verify_ticket and the
 * component_access_token (sealed with SECRETS_KEY). Shared by every instance; process memory is only a cache.
 */
export const wechatComponent = pgTable("wechat_component", {
  appId: text("app_id").primaryKey(),
  ticket: text("ticket"),
  ticketCreateTime: bigint("ticket_create_time", { mode: "number" }),
  ticketReceivedAt: timestamp("ticket_received_at", { withTimezone: true }),
  accessTokenSealed: text("access_token_sealed"),
  accessTokenExpiresAt: timestamp("access_token_expires_at", { withTimezone: true }),
  accessTokenRefreshedAt: timestamp("access_token_refreshed_at", { withTimezone: true }),
  lastRefreshError: text("last_refresh_error"),
  pushRequestedAt: timestamp("push_requested_at", { withTimezone: true }),
  updatedAt: updatedAt(),
});

/**
 * Every push WeChat delivered, decrypted. `dedupe_key` is unique so WeChat's retries are stored once
 * (protocol 1.5); the account timeline reads from here.
 */
export const wechatEvents = pgTable(
  "wechat_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    source: text("source", { enum: ["component", "authorizer"] }).notNull(),
    infoType: text("info_type").notNull(),
    authorizerAppId: text("authorizer_app_id"),
    dedupeKey: text("dedupe_key").notNull().unique(),
    createTime: bigint("create_time", { mode: "number" }).notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp("processed_at", { withTimezone: true }),
    processError: text("process_error"),
  },
  (t) => [
    index("wechat_events_authorizer_idx").on(t.authorizerAppId, t.receivedAt),
    index("wechat_events_unprocessed_idx").on(t.receivedAt).where(sql`${t.processedAt} is null`),
  ],
);

/** Authorized accounts (filled in by the authorization flow). */
export const authorizers = pgTable(
  "authorizers",
  {
    appId: text("app_id").primaryKey(),
    kind: text("kind", { enum: ["official_account", "mini_program"] }),
    status: text("status", { enum: ["authorized", "unauthorized", "needs_reauthorization"] })
      .notNull()
      .default("authorized"),
    refreshFailedAt: timestamp("refresh_failed_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("authorizers_refresh_failed_idx").on(t.refreshFailedAt).where(sql`${t.refreshFailedAt} is not null`)],
);

// ---------------------------------------------------------------------------------------------
// WeChat sandbox: the simulator's own state, so it survives restarts like WeChat would.
// ---------------------------------------------------------------------------------------------

export const sandboxTickets = pgTable("sandbox_tickets", {
  ticket: text("ticket").primaryKey(),
  componentAppId: text("component_app_id").notNull(),
  issuedAt: timestamp("issued_at", { withTimezone: true }).notNull().defaultNow(),
});

export const sandboxTokens = pgTable(
  "sandbox_tokens",
  {
    token: text("token").primaryKey(),
    kind: text("kind", { enum: ["component", "authorizer"] }).notNull(),
    /** Component appid for component tokens, authorizer appid for authorizer tokens. */
    ownerAppId: text("owner_app_id").notNull(),
    issuedAt: timestamp("issued_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    /** When a newer token was issued; the old one keeps working for 5 more minutes. */
    supersededAt: timestamp("superseded_at", { withTimezone: true }),
  },
  (t) => [index("sandbox_tokens_owner_idx").on(t.kind, t.ownerAppId)],
);

export const sandboxPreAuthCodes = pgTable("sandbox_pre_auth_codes", {
  code: text("code").primaryKey(),
  componentAppId: text("component_app_id").notNull(),
  issuedAt: timestamp("issued_at", { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  usedAt: timestamp("used_at", { withTimezone: true }),
});

export const sandboxAuthorizers = pgTable("sandbox_authorizers", {
  appId: text("app_id").primaryKey(),
  kind: text("kind", { enum: ["official_account", "mini_program"] }).notNull(),
  profile: jsonb("profile").$type<Record<string, unknown>>().notNull(),
  funcIds: jsonb("func_ids").$type<number[]>().notNull().default([]),
  authorized: boolean("authorized").notNull().default(false),
  refreshToken: text("refresh_token"),
  authTime: bigint("auth_time", { mode: "number" }),
  createdAt: createdAt(),
});

export const sandboxAuthCodes = pgTable("sandbox_auth_codes", {
  code: text("code").primaryKey(),
  authorizerAppId: text("authorizer_app_id").notNull(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  exchangeCount: integer("exchange_count").notNull().default(0),
  createdAt: createdAt(),
});

/** Calls per endpoint, readable by tests through /sandbox/api/state. */
export const sandboxCalls = pgTable("sandbox_calls", {
  endpoint: text("endpoint").primaryKey(),
  count: bigint("count", { mode: "number" }).notNull().default(0),
});

/** Injected faults: latency on every call and/or an error code on the next `remaining` calls. */
export const sandboxFaults = pgTable("sandbox_faults", {
  endpoint: text("endpoint").primaryKey(),
  latencyMs: integer("latency_ms").notNull().default(0),
  errcode: integer("errcode"),
  remaining: integer("remaining").notNull().default(0),
});
