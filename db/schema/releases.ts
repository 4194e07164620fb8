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
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { createdAt, updatedAt } from "./columns";

// ---------------------------------------------------------------------------------------------
// Release center (docs/releases.md): what the portal knows of each mini program's code, from WeChat's answers
// and audit events.
// ---------------------------------------------------------------------------------------------

/** Audit status as WeChat numbers it (docs/wechat-protocol.md §11.4.3): 0 approved, 1 rejected, 2 under review, 3 withdrawn, 4 delayed. */
export type AuditStatus = 0 | 1 | 2 | 3 | 4;

/** One row per mini program the release center touched: its online version, 体验版 and current audit. */
export const releaseAccounts = pgTable("release_accounts", {
  appId: text("app_id").primaryKey(),
  onlineVersion: text("online_version"),
  onlineDesc: text("online_desc"),
  onlineAt: timestamp("online_at", { withTimezone: true }),
  /** 体验版 (the last commit). */
  expVersion: text("exp_version"),
  expTemplateId: integer("exp_template_id"),
  expAt: timestamp("exp_at", { withTimezone: true }),
  auditId: bigint("audit_id", { mode: "number" }),
  auditStatus: integer("audit_status").$type<AuditStatus>(),
  auditVersion: text("audit_version"),
  auditReason: text("audit_reason"),
  /** `|`-separated media ids of the reviewer's screenshots (rejections). */
  auditScreenshots: text("audit_screenshots"),
  auditSubmittedAt: timestamp("audit_submitted_at", { withTimezone: true }),
  /** When the status last changed (events and polls apply only if they do not go back in time). */
  auditUpdatedAt: timestamp("audit_updated_at", { withTimezone: true }),
  grayPercentage: integer("gray_percentage"),
  /**
   * Set just before submit_audit is sent: if its answer is lost, the next attempt first asks WeChat
   * (get_latest_auditstatus) whether that submission arrived, so an account is never submitted twice.
   */
  submitIntentAt: timestamp("submit_intent_at", { withTimezone: true }),
  updatedAt: updatedAt(),
});

/** Every audit the portal submitted or adopted, with its outcome (the account's audit history). */
export const releaseAudits = pgTable(
  "release_audits",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    appId: text("app_id").notNull(),
    auditId: bigint("audit_id", { mode: "number" }).notNull(),
    batchId: bigint("batch_id", { mode: "number" }),
    userVersion: text("user_version"),
    status: integer("status").$type<AuditStatus>().notNull(),
    reason: text("reason"),
    screenshots: text("screenshots"),
    submittedAt: timestamp("submitted_at", { withTimezone: true }),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    releasedAt: timestamp("released_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("release_audits_audit_idx").on(t.appId, t.auditId),
    index("release_audits_app_idx").on(t.appId, t.id),
  ],
);

/** WeChat's template library as last synced (component-wide). */
export const releaseTemplates = pgTable("release_templates", {
  templateId: integer("template_id").primaryKey(),
  userVersion: text("user_version").notNull(),
  userDesc: text("user_desc").notNull().default(""),
  templateType: integer("template_type").notNull().default(0),
  sourceMiniprogram: text("source_miniprogram"),
  developer: text("developer"),
  /** WeChat's create_time (Unix seconds). */
  createTime: bigint("create_time", { mode: "number" }).notNull(),
  syncedAt: timestamp("synced_at", { withTimezone: true }).notNull().defaultNow(),
});

// ---------------------------------------------------------------------------------------------
// WeChat sandbox, code management (lib/sandbox/code.ts): WeChat's side of templates, commits and audits.
// ---------------------------------------------------------------------------------------------

export type SandboxAuditRule = "approve" | "reject" | "delay";

/** The code area's knobs (one row): the privacy check's duration, how audits resolve, quotas, the area's clock offset. */
export const sandboxCodeSettings = pgTable("sandbox_code_settings", {
  id: integer("id").primaryKey().default(1),
  /** How long get_code_privacy_info / submit_audit answer 61039 after a commit (sandbox clock). */
  privacyCheckMs: integer("privacy_check_ms").notNull().default(5_000),
  /** How long after submit_audit an audit resolves by rule (0: at once). */
  auditDelayMs: integer("audit_delay_ms").notNull().default(10_000),
  defaultRule: text("default_rule").$type<SandboxAuditRule>().notNull().default("approve"),
  /** Per mini program: a rule (and reason) other than the default. */
  appRules: jsonb("app_rules")
    .$type<Record<string, { rule: SandboxAuditRule; reason?: string }>>()
    .notNull()
    .default({}),
  rejectReason: text("reject_reason").notNull().default("1:小程序内容不符合规范:<br>(1):页面存在未完成的功能<br>"),
  /** Whether resolved audits are pushed to the portal (tests that deliver events themselves turn this off). */
  pushEvents: boolean("push_events").notNull().default(true),
  quotaRest: integer("quota_rest").notNull().default(20),
  quotaLimit: integer("quota_limit").notNull().default(20),
  speedupRest: integer("speedup_rest").notNull().default(3),
  speedupLimit: integer("speedup_limit").notNull().default(3),
  /** Added to the sandbox clock for this area (tests move time forward without sleeping). */
  clockOffsetMs: bigint("clock_offset_ms", { mode: "number" }).notNull().default(0),
});

/** The columns a draft hands on to the template made from it: its version and where it was uploaded from. */
const codeSourceColumns = () => ({
  userVersion: text("user_version").notNull(),
  userDesc: text("user_desc").notNull(),
  createTime: bigint("create_time", { mode: "number" }).notNull(),
  sourceAppId: text("source_app_id").notNull(),
  sourceName: text("source_name").notNull(),
  developer: text("developer").notNull(),
});

export const sandboxCodeDrafts = pgTable("sandbox_code_drafts", {
  draftId: integer("draft_id").primaryKey(),
  ...codeSourceColumns(),
});

export const sandboxCodeTemplates = pgTable("sandbox_code_templates", {
  templateId: integer("template_id").primaryKey(),
  draftId: integer("draft_id").notNull(),
  templateType: integer("template_type").notNull().default(0),
  ...codeSourceColumns(),
});

export interface SandboxOnline {
  version: string;
  desc: string;
  releaseTime: number;
  appVersion: number;
  auditId: number;
}

/** One mini program's code state at WeChat (docs/wechat-protocol.md §11.7). */
export const sandboxCodeAccounts = pgTable("sandbox_code_accounts", {
  appId: text("app_id").primaryKey(),
  exp: jsonb("exp").$type<{
    templateId: number;
    version: string;
    desc: string;
    time: number;
    extJson: string;
  } | null>(),
  /** Sandbox-clock ms from which the privacy check of the last commit is done. */
  privacyReadyAt: bigint("privacy_ready_at", { mode: "number" }),
  latestAuditId: bigint("latest_audit_id", { mode: "number" }),
  online: jsonb("online").$type<SandboxOnline | null>(),
  history: jsonb("history").$type<SandboxOnline[]>().notNull().default([]),
  revertedOnce: boolean("reverted_once").notNull().default(false),
  gray: jsonb("gray").$type<{
    status: number;
    percentage: number;
    createTime: number;
    debuger: boolean;
    experiencer: boolean;
  } | null>(),
  undoCount: integer("undo_count").notNull().default(0),
});

/** The ledger of every audit WeChat created (tests count submissions per account here). */
export const sandboxCodeAudits = pgTable(
  "sandbox_code_audits",
  {
    auditId: bigserial("audit_id", { mode: "number" }).primaryKey(),
    appId: text("app_id").notNull(),
    status: integer("status").$type<AuditStatus>().notNull().default(2),
    reason: text("reason"),
    screenshot: text("screenshot"),
    userVersion: text("user_version").notNull(),
    userDesc: text("user_desc").notNull(),
    submitTime: bigint("submit_time", { mode: "number" }).notNull(),
    /** Sandbox-clock ms when the rule resolves it; null: only by hand. */
    resolveAt: bigint("resolve_at", { mode: "number" }),
    released: boolean("released").notNull().default(false),
    speedup: boolean("speedup").notNull().default(false),
    pushStatus: integer("push_status"),
  },
  (t) => [
    index("sandbox_code_audits_app_idx").on(t.appId, t.auditId),
    index("sandbox_code_audits_due_idx").on(t.status, t.resolveAt),
  ],
);
