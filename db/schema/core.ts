import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { createdAt, updatedAt } from "./columns";

/**
 * One row per third-party platform (component appid): the component_access_token (sealed with SECRETS_KEY) and
 * when WeChat was last asked to resume ticket pushes. Shared by every instance; process memory is only a cache.
 * The current ticket is not kept here but read from the newest ticket event (`wechat_events`), so that storing
 * a push is a single INSERT with no row every push must lock.
 */
export const wechatComponent = pgTable("wechat_component", {
  appId: text("app_id").primaryKey(),
  accessTokenSealed: text("access_token_sealed"),
  accessTokenExpiresAt: timestamp("access_token_expires_at", { withTimezone: true }),
  accessTokenRefreshedAt: timestamp("access_token_refreshed_at", { withTimezone: true }),
  lastRefreshError: text("last_refresh_error"),
  pushRequestedAt: timestamp("push_requested_at", { withTimezone: true }),
  updatedAt: updatedAt(),
});

/**
 * Every push WeChat delivered, decrypted. `dedupe_key` is unique so WeChat's retries are stored once
 * (docs/wechat-protocol.md §1.5); the account timeline reads from here.
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
    /** Claimed by a worker (lease); a stale claim is taken over. */
    processingStartedAt: timestamp("processing_started_at", { withTimezone: true }),
    attempts: integer("attempts").notNull().default(0),
    processError: text("process_error"),
  },
  (t) => [
    // An account's lifecycle (staff timeline, last event): authorization pushes only, not its users' messages.
    index("wechat_events_authorizer_idx")
      .on(t.authorizerAppId, t.receivedAt)
      .where(sql`${t.source} = 'component'`),
    index("wechat_events_unprocessed_idx")
      .on(t.receivedAt)
      .where(sql`${t.processedAt} is null`),
    // The staff console's push chart: component pushes (tickets, authorization events) of the last 24 hours.
    index("wechat_events_component_received_idx")
      .on(t.receivedAt)
      .where(sql`${t.source} = 'component'`),
    // Retention: account messages by age (lib/maintenance/retention.ts).
    index("wechat_events_message_age_idx")
      .on(t.receivedAt)
      .where(sql`${t.source} = 'authorizer'`),
    // The current ticket: the newest component_verify_ticket event.
    index("wechat_events_ticket_idx")
      .on(t.createTime.desc(), t.id.desc())
      .where(sql`${t.infoType} = 'component_verify_ticket'`),
  ],
);

/**
 * The durable forwarding queue: one row per (message, merchant), created in the same statement that stores the
 * message, so nothing WeChat was told `success` about can miss its delivery. Workers on every instance claim due
 * rows (`FOR UPDATE SKIP LOCKED` plus a lease) and retry with backoff; `attempt_log` keeps the last attempts for
 * the merchant's delivery log.
 */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    eventId: bigint("event_id", { mode: "number" })
      .notNull()
      .references(() => wechatEvents.id),
    merchantId: merchantIdColumn(),
    appId: text("app_id").notNull(),
    /** What the message was (`text`, `event:subscribe`, …), for the log without opening the payload. */
    summary: text("summary").notNull(),
    status: text("status", { enum: ["pending", "delivered", "failed"] })
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    leaseUntil: timestamp("lease_until", { withTimezone: true }),
    lastAttemptAt: timestamp("last_attempt_at", { withTimezone: true }),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    attemptLog: jsonb("attempt_log").$type<WebhookAttempt[]>().notNull().default([]),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_event_merchant_idx").on(t.eventId, t.merchantId),
    index("webhook_deliveries_due_idx")
      .on(t.nextAttemptAt)
      .where(sql`${t.status} = 'pending'`),
    // The metrics gauge of deliveries given up (few rows; counted on every scrape).
    index("webhook_deliveries_failed_idx")
      .on(t.id)
      .where(sql`${t.status} = 'failed'`),
    index("webhook_deliveries_merchant_idx").on(t.merchantId, t.id),
    index("webhook_deliveries_app_idx").on(t.appId, t.id),
  ],
);

/** One try of a delivery, as the merchant's log shows it. */
export interface WebhookAttempt {
  at: string;
  /** HTTP status, or null when no answer came (timeout, refused, blocked address). */
  status: number | null;
  ms: number;
  error?: string;
}

/** A business that hands its accounts over to the platform. */
export const merchants = pgTable("merchants", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  /** Where messages and events for the merchant's accounts are forwarded (null: not forwarded). */
  webhookUrl: text("webhook_url"),
  /** The merchant's signing secret (`whsec_…`, Standard Webhooks), sealed with SECRETS_KEY. */
  webhookSecretSealed: text("webhook_secret_sealed"),
  webhookUpdatedAt: timestamp("webhook_updated_at", { withTimezone: true }),
  createdAt: createdAt(),
});

/** The required `merchant_id` of a row a merchant owns (a function declaration: tables above `merchants` use it). */
export function merchantIdColumn() {
  return uuid("merchant_id")
    .notNull()
    .references(() => merchants.id);
}

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Stored lower-cased; unique. */
    email: text("email").notNull(),
    passwordHash: text("password_hash").notNull(),
    role: text("role", { enum: ["merchant", "staff", "admin"] })
      .notNull()
      .default("merchant"),
    merchantId: uuid("merchant_id").references(() => merchants.id),
    /**
     * Carried in the session (JWT) and compared on every request: bumped when the user is disabled, their role
     * changes or their password is set, so sessions issued before stop working at their next request.
     */
    sessionVersion: integer("session_version").notNull().default(1),
    /** Set: a staff account an admin stopped (no sign-in, no session). Enabling clears it. */
    disabledAt: timestamp("disabled_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("users_email_idx").on(t.email)],
);

/**
 * Sign-in attempts not followed by a success, per key (email, and client address), for slowing down and stopping
 * guessing. Counted before the password is checked; pruned by the retention job once out of their window.
 */
export const loginThrottle = pgTable(
  "login_throttle",
  {
    key: text("key").primaryKey(),
    failures: integer("failures").notNull().default(0),
    lastFailureAt: timestamp("last_failure_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("login_throttle_last_failure_idx").on(t.lastFailureAt)],
);

/**
 * Fixed-window rate limits per key (`signup:<address>`, `authorize:<merchant id>`): hits in the window that
 * started at `window_started_at`. Pruned by the retention job once out of their window.
 */
export const rateLimits = pgTable(
  "rate_limits",
  {
    key: text("key").primaryKey(),
    hits: integer("hits").notNull(),
    windowStartedAt: timestamp("window_started_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("rate_limits_window_idx").on(t.windowStartedAt)],
);

/**
 * One authorization attempt: binds WeChat's callback (through `state`) and its `authorized` event (through
 * `pre_auth_code`) to the merchant who started it. Single use.
 */
export const authorizationSessions = pgTable(
  "authorization_sessions",
  {
    state: text("state").primaryKey(),
    merchantId: merchantIdColumn(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    preAuthCode: text("pre_auth_code").notNull(),
    authType: integer("auth_type").notNull(),
    bizAppId: text("biz_app_id"),
    createdAt: createdAt(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    outcome: text("outcome"),
    authorizerAppId: text("authorizer_app_id"),
  },
  (t) => [
    uniqueIndex("authorization_sessions_pre_auth_code_idx").on(t.preAuthCode),
    // Retention prunes sessions long expired.
    index("authorization_sessions_expires_idx").on(t.expiresAt),
  ],
);

/**
 * Authorization codes already exchanged with api_query_auth: the callback and the `authorized` event carry the
 * same code, and it is exchanged once (under an advisory lock keyed by the code).
 */
export const authorizationCodes = pgTable("authorization_codes", {
  codeHash: text("code_hash").primaryKey(),
  authorizerAppId: text("authorizer_app_id").notNull(),
  /**
   * The authorization session the code belongs to (its `state`): the session whose pre_auth_code WeChat's push
   * named, or else the session whose callback brought the code first. Only that session's callback may attach
   * the account; null when no session of ours started it. No foreign key: sessions are pruned, and a state is
   * never reused, so a dangling one matches nothing.
   */
  sessionState: text("session_state"),
  exchangedAt: timestamp("exchanged_at", { withTimezone: true }).notNull().defaultNow(),
});

export type AuthorizerStatus = "authorized" | "unauthorized" | "needs_reauthorization";
export type ReviewStatus = "pending" | "approved" | "rejected" | "needs_info" | "conflict";

/** Authorized accounts: profile, grant, tokens (sealed) and where they stand. */
export const authorizers = pgTable(
  "authorizers",
  {
    appId: text("app_id").primaryKey(),
    /** The owning merchant; null when WeChat told us of an authorization nobody here started. */
    merchantId: uuid("merchant_id").references(() => merchants.id),
    /** A second merchant that tried to attach an account another merchant holds: staff decide. */
    contestedByMerchantId: uuid("contested_by_merchant_id").references(() => merchants.id),
    kind: text("kind", { enum: ["official_account", "mini_program"] }),
    nickName: text("nick_name"),
    headImg: text("head_img"),
    userName: text("user_name"),
    principalName: text("principal_name"),
    alias: text("alias"),
    serviceTypeId: integer("service_type_id"),
    verifyTypeId: integer("verify_type_id"),
    accountStatus: integer("account_status"),
    qrcodeUrl: text("qrcode_url"),
    funcIds: jsonb("func_ids").$type<number[]>().notNull().default([]),
    status: text("status", { enum: ["authorized", "unauthorized", "needs_reauthorization"] })
      .notNull()
      .default("authorized"),
    reviewStatus: text("review_status", { enum: ["pending", "approved", "rejected", "needs_info", "conflict"] })
      .notNull()
      .default("pending"),
    /** The last staff decision's note, shown to the merchant; who decided and when. History is in audit_log. */
    reviewNote: text("review_note"),
    reviewedAt: timestamp("reviewed_at", { withTimezone: true }),
    reviewedByUserId: uuid("reviewed_by_user_id").references(() => users.id),
    /** Lower-cased appid, name, principal and original id, for the staff console's search (trigram index). */
    searchText: text("search_text").generatedAlwaysAs(
      sql`lower(app_id || ' ' || coalesce(nick_name, '') || ' ' || coalesce(principal_name, '') || ' ' || coalesce(user_name, '') || ' ' || coalesce(alias, ''))`,
    ),
    /**
     * Unix seconds of the newest grant or revocation applied. Events and callbacks may arrive in any order;
     * an older one never overwrites a newer state.
     */
    stateVersion: bigint("state_version", { mode: "number" }).notNull().default(0),
    refreshTokenSealed: text("refresh_token_sealed"),
    accessTokenSealed: text("access_token_sealed"),
    accessTokenExpiresAt: timestamp("access_token_expires_at", { withTimezone: true }),
    /** First failure of the current run of failed refreshes; cleared by a successful refresh. */
    refreshFailedAt: timestamp("refresh_failed_at", { withTimezone: true }),
    /**
     * When the background refresher should renew the access token: 10–30 minutes before expiry (jittered, so
     * accounts authorized together do not all refresh in the same second), or later after a failure (backoff).
     */
    refreshDueAt: timestamp("refresh_due_at", { withTimezone: true }),
    /** Row lease: the refresher (or an on-demand caller) renewing this account now. Fences the write. */
    refreshLeaseOwner: text("refresh_lease_owner"),
    refreshLeaseUntil: timestamp("refresh_lease_until", { withTimezone: true }),
    /** Failed refreshes in a row (drives the backoff). */
    refreshAttempts: integer("refresh_attempts").notNull().default(0),
    lastRefreshedAt: timestamp("last_refreshed_at", { withTimezone: true }),
    lastRefreshError: text("last_refresh_error"),
    authorizedAt: timestamp("authorized_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    profileUpdatedAt: timestamp("profile_updated_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("authorizers_merchant_idx").on(t.merchantId, t.createdAt),
    index("authorizers_refresh_failed_idx")
      .on(t.refreshFailedAt)
      .where(sql`${t.refreshFailedAt} is not null`),
    // Staff console (see migration 0004 for why each exists): keyset pagination per sort, filters, search.
    index("authorizers_updated_keyset_idx").on(t.updatedAt.desc(), t.appId.desc()),
    index("authorizers_authorized_keyset_idx").on(t.authorizedAt.desc().nullsLast(), t.appId.desc()),
    index("authorizers_status_updated_idx").on(t.status, t.updatedAt.desc(), t.appId.desc()),
    index("authorizers_review_updated_idx").on(t.reviewStatus, t.updatedAt.desc(), t.appId.desc()),
    index("authorizers_func_ids_idx").using("gin", sql`${t.funcIds} jsonb_path_ops`),
    index("authorizers_search_idx").using("gin", sql`${t.searchText} gin_trgm_ops`),
    // The refresher's queue: only accounts it may renew, ordered by when they are due.
    index("authorizers_refresh_due_idx")
      .on(t.refreshDueAt)
      .where(sql`${t.status} = 'authorized' and ${t.refreshTokenSealed} is not null`),
  ],
);

/**
 * What happened to an account besides WeChat's pushes: token refreshes and their failures, refresh tokens
 * recovered from api_get_authorizer_list, accounts flagged for re-authorization, reconcile repairs. Never holds
 * a token. The account timeline merges it with `wechat_events` and `authorizer_grants`.
 */
export const authorizerActivity = pgTable(
  "authorizer_activity",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    appId: text("app_id").notNull(),
    kind: text("kind").notNull(),
    detail: jsonb("detail").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  // The account timeline reads newest first by (created_at, id): scanned backward, this index serves it.
  (t) => [
    index("authorizer_activity_app_idx").on(t.appId, t.createdAt, t.id),
    // Retention: routine token activity by age (lib/maintenance/retention.ts).
    index("authorizer_activity_routine_age_idx")
      .on(t.createdAt)
      .where(sql`${t.kind} in ('token_refreshed', 'token_refresh_failed')`),
  ],
);

/**
 * Runs of the reconcile job (api_get_authorizer_list against our records). At most one runs at a time across
 * all instances (the partial unique index); `heartbeat_at` lets a crashed run be taken over.
 */
export const reconcileRuns = pgTable(
  "reconcile_runs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    trigger: text("trigger").notNull(),
    status: text("status", { enum: ["running", "done", "failed", "abandoned"] })
      .notNull()
      .default("running"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    /** total_count WeChat reported, and how many listed accounts were compared so far (progress). */
    listed: integer("listed"),
    checked: integer("checked").notNull().default(0),
    repairs: integer("repairs").notNull().default(0),
    error: text("error"),
  },
  (t) => [
    uniqueIndex("reconcile_runs_one_running_idx")
      .on(t.status)
      .where(sql`${t.status} = 'running'`),
    index("reconcile_runs_started_idx").on(t.startedAt),
  ],
);

/** Every change of an account's grant, so the history of permission sets stays visible. */
export const authorizerGrants = pgTable(
  "authorizer_grants",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    appId: text("app_id").notNull(),
    source: text("source", {
      enum: ["callback", "authorized", "updateauthorized", "unauthorized", "reconcile"],
    }).notNull(),
    funcIds: jsonb("func_ids").$type<number[]>().notNull(),
    stateVersion: bigint("state_version", { mode: "number" }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("authorizer_grants_app_idx").on(t.appId, t.id)],
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
  /** api_get_authorizer_list shows an empty refresh_token for this account (docs/wechat-protocol.md §3.7). */
  listHidesRefreshToken: boolean("list_hides_refresh_token").notNull().default(false),
  authTime: bigint("auth_time", { mode: "number" }),
  /** Successful api_authorizer_token calls for this account (tests count refreshes per account). */
  tokenRefreshes: integer("token_refreshes").notNull().default(0),
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

/**
 * Injected faults, per endpoint and optionally per authorizer appid ('' = every call): latency on every call;
 * and for the next `remaining` calls, an error code, or the call applied but its answer held back `hang_ms`
 * (the caller times out: a lost response), and/or a new refresh token issued by api_authorizer_token.
 */
export const sandboxFaults = pgTable(
  "sandbox_faults",
  {
    endpoint: text("endpoint").notNull(),
    appId: text("app_id").notNull().default(""),
    latencyMs: integer("latency_ms").notNull().default(0),
    errcode: integer("errcode"),
    hangMs: integer("hang_ms").notNull().default(0),
    rotateRefreshToken: boolean("rotate_refresh_token").notNull().default(false),
    remaining: integer("remaining").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.endpoint, t.appId] })],
);

/**
 * Every staff action: who did what to which target, when, with the state before and after. Written in the same
 * transaction as the change it records; never updated or deleted by the application.
 */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    actorUserId: uuid("actor_user_id").references(() => users.id),
    /** Kept as written: the user may later change email or be removed. `system` for jobs, `cli` for the CLI. */
    actorEmail: text("actor_email").notNull(),
    action: text("action").notNull(),
    targetType: text("target_type", { enum: ["authorizer", "user", "platform"] }).notNull(),
    targetId: text("target_id").notNull(),
    note: text("note"),
    before: jsonb("before").$type<Record<string, unknown> | null>(),
    after: jsonb("after").$type<Record<string, unknown> | null>(),
    createdAt: createdAt(),
  },
  (t) => [
    // Ascending on purpose: `order by id desc` (and `created_at desc, id desc`) is a backward scan of these.
    // drizzle's .desc() writes DESC NULLS LAST, which a plain `desc` (NULLS FIRST) cannot use.
    index("audit_log_created_idx").on(t.createdAt, t.id),
    index("audit_log_target_idx").on(t.targetType, t.targetId, t.createdAt, t.id),
    index("audit_log_actor_idx").on(t.actorUserId, t.id),
    index("audit_log_action_idx").on(t.action, t.id),
  ],
);

/** Staff invitations: a single-use link (stored as a hash) with which an invitee sets a password. */
export const staffInvitations = pgTable(
  "staff_invitations",
  {
    tokenHash: text("token_hash").primaryKey(),
    email: text("email").notNull(),
    role: text("role", { enum: ["staff", "admin"] }).notNull(),
    invitedByUserId: uuid("invited_by_user_id").references(() => users.id),
    createdAt: createdAt(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    acceptedAt: timestamp("accepted_at", { withTimezone: true }),
  },
  (t) => [index("staff_invitations_email_idx").on(t.email)],
);

/** Customer-service messages accounts sent through the sandbox's message/custom/send (the release test reads them). */
export const sandboxCustomMessages = pgTable("sandbox_custom_messages", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  authorizerAppId: text("authorizer_app_id").notNull(),
  toUser: text("to_user").notNull(),
  msgType: text("msg_type").notNull(),
  content: text("content"),
  createdAt: createdAt(),
});

/** Runs of the sandbox's 全网发布 release test, with each check's outcome (the report page reads them). */
export const sandboxReleaseTests = pgTable("sandbox_release_tests", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  testGroup: integer("test_group").notNull(),
  status: text("status", { enum: ["running", "passed", "failed"] })
    .notNull()
    .default("running"),
  checks: jsonb("checks").$type<Record<string, unknown>[]>().notNull().default([]),
  startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp("finished_at", { withTimezone: true }),
});
