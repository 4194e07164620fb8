import { bigserial, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, updatedAt } from "./columns";
import { merchantIdColumn, users } from "./core";

/** The six server-domain types of modify_domain (docs/setup.md), each a list of URLs with scheme. */
export const SERVER_DOMAIN_TYPES = [
  "requestdomain",
  "wsrequestdomain",
  "uploaddomain",
  "downloaddomain",
  "udpdomain",
  "tcpdomain",
] as const;
export type ServerDomainType = (typeof SERVER_DOMAIN_TYPES)[number];
export type ServerDomains = Record<ServerDomainType, string[]>;

export interface PrivacySettingItem {
  privacyKey: string;
  privacyText: string;
}

/** What every merchant's mini program gets (staff edit it; one row, id 1). */
export const setupProfile = pgTable("setup_profile", {
  id: text("id").primaryKey().default("default"),
  serverDomains: jsonb("server_domains").$type<ServerDomains>().notNull(),
  webviewDomains: jsonb("webview_domains").$type<string[]>().notNull().default([]),
  privacyNoticeMethod: text("privacy_notice_method").notNull().default("弹窗"),
  privacyStoreExpire: text("privacy_store_expire"),
  privacySettings: jsonb("privacy_settings").$type<PrivacySettingItem[]>().notNull().default([]),
  updatedByUserId: uuid("updated_by_user_id").references(() => users.id),
  updatedAt: updatedAt(),
});

/** The live state of one checklist item (docs/setup.md, "Readiness checklist"). */
export interface StoredChecklistItem {
  id: string;
  state: "done" | "open" | "pending" | "warning";
  blocking: boolean;
  /** Catalog keys in area `setup`. */
  detail: { key: string; values?: Record<string, string | number> };
  next: { key: string; values?: Record<string, string | number> } | null;
}

/** What the portal last read from WeChat for one account, and what it applied. */
export interface SetupSnapshot {
  basic?: {
    nickname: string;
    headImageUrl: string;
    signature: string;
    principalType?: number;
    realnameStatus?: number;
  };
  verify?: { qualification: boolean; naming: boolean; annualReview: boolean; endTime?: number };
  icp?: { status: number; available?: number; reasons?: string[] };
  categories?: {
    first: number;
    firstName: string;
    second: number;
    secondName: string;
    auditStatus: number;
    reason?: string;
  }[];
  privacy?: { configured: boolean; keys: string[]; missingKeys: string[]; codeExist: boolean };
  domains?: { effective: ServerDomains; direct: ServerDomains; webviewEffective: string[]; webviewDirect: string[] };
  /** Latest events per kind (`nickname`, `category`, `privacyApply`, `wxverify`, `icpFiling`, `icpVerify`). */
  events?: Record<string, Record<string, string | number>>;
  /** Profile applies this month (WeChat allows 50 domain changes a month). */
  applies?: { month: string; count: number };
  /** Read errors per item (errcode), so the checklist says why an item is unknown. */
  readErrors?: Record<string, number>;
}

/** Per-account setup state: the last read of WeChat, the checklist computed from it, the last profile applied. */
export const setupAccounts = pgTable(
  "setup_accounts",
  {
    appId: text("app_id").primaryKey(),
    snapshot: jsonb("snapshot").$type<SetupSnapshot>().notNull().default({}),
    checklist: jsonb("checklist").$type<StoredChecklistItem[]>().notNull().default([]),
    /** The first blocking item's id, or null: the staff list filter and the submit gate read it. */
    blockingItem: text("blocking_item"),
    readAt: timestamp("read_at", { withTimezone: true }),
    appliedAt: timestamp("applied_at", { withTimezone: true }),
    /** What the last apply sent (server + webview domains), to compare with what WeChat reports. */
    applied: jsonb("applied").$type<{ serverDomains: ServerDomains; webviewDomains: string[] }>(),
    updatedAt: updatedAt(),
  },
  (t) => [index("setup_accounts_blocking_idx").on(t.blockingItem)],
);

/** The contact details a merchant gives for the privacy guideline (owner_setting). */
export const setupPrivacyContacts = pgTable("setup_privacy_contacts", {
  appId: text("app_id").primaryKey(),
  merchantId: merchantIdColumn(),
  contactEmail: text("contact_email"),
  contactPhone: text("contact_phone"),
  contactQq: text("contact_qq"),
  contactWeixin: text("contact_weixin"),
  updatedAt: updatedAt(),
});

/** Testers (体验者) bound through the portal: WeChat returns only `userstr`, so the WeChat ID is kept here. */
export const setupTesters = pgTable(
  "setup_testers",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    appId: text("app_id").notNull(),
    wechatId: text("wechat_id"),
    userstr: text("userstr").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("setup_testers_app_userstr_idx").on(t.appId, t.userstr)],
);

// WeChat sandbox: setup state of the component and of each account (lib/sandbox/setup.ts).
export const sandboxSetupComponent = pgTable("sandbox_setup_component", {
  componentAppId: text("component_app_id").primaryKey(),
  state: jsonb("state").$type<Record<string, unknown>>().notNull(),
});

export const sandboxSetupAccounts = pgTable("sandbox_setup_accounts", {
  appId: text("app_id").primaryKey(),
  state: jsonb("state").$type<Record<string, unknown>>().notNull(),
});
