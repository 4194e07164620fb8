import { randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { sandboxAuthorizers, sandboxSetupAccounts, sandboxSetupComponent, sandboxTokens } from "@/db/schema";
import { SERVER_DOMAIN_TYPES } from "@/lib/wechat/setup";
import {
  jsonBody,
  parseBody,
  requireAuthorizerToken,
  requireComponentToken,
  SandboxApiError,
  type RouteHandler,
  type SandboxContext,
  type SandboxRequest,
} from "./context";

/**
 * Mini program setup (docs/wechat-protocol.md §12, docs/setup.md): the component's domain registry, each account's
 * server and business domains (方式一 and 方式二, effective after release), privacy guideline (dev and live versions),
 * testers, categories, basic info with verification, and ICP filing status. State is one JSON document per
 * account and one for the component, read and written under a row lock.
 */

// --- errors --------------------------------------------------------------------------------------

const ERRMSG: Record<number, string> = {
  44002: "empty post data",
  45082: "need icp license for the url domain",
  45104: "reach max domain quota limit",
  48001: "api unauthorized",
  53300: "reach max month change limit",
  53301: "reach max category limit",
  53303: "invalid args",
  53304: "category already exists",
  53311: "need qualification info",
  61007: "api is unauthorized to component",
  85001: "user not exist or user cannot be searched",
  85002: "number of tester reach bind limit",
  85003: "user already bind too many weapps",
  85004: "user already bind",
  85015: "not a mini program",
  85016: "domain count exceed limit",
  85017: "no domain to modify after filtered, please confirm the domain has been set in miniprogram or open",
  85018: "domain not set in open platform",
  85301: "invalid domain format",
  85302: "domain need icp license",
  85303: "invalid domain format and need icp license",
  86069: "owner_setting required field missing",
  86070: "notice_method required field missing",
  86072: "store_expire_timestamp invalid",
  86073: "ext_file_media_id invalid",
  86074: "online privacy setting not exist",
  86075: "online ext_file_media_id cannot modify",
  86100: "invalid url scheme",
  86101: "api.weixin.qq.com is not allowed",
  86102: "reach max month modify limit",
  86103: "check confirmfile fail!",
  89019: "webview domain not change",
  89020: "open have not set webview domain",
  89021: "request domain is not open's webview domain",
  89022: "delete domain is not exist!",
  89029: "webview domain exceed limit",
  89231: "personal mini program cannot use setwebviewdomain",
};

/** WeChat's setup errors, with their own errmsg (serve() appends ` rid:`). */
export class SetupApiError extends SandboxApiError {
  constructor(errcode: number) {
    super(errcode);
    this.message = ERRMSG[errcode] ?? this.message;
  }
}
const fail = (errcode: number): never => {
  throw new SetupApiError(errcode);
};

// --- limits (docs/wechat-protocol.md §12.2, §12.4, §12.5) ----------------------------------------

export const SANDBOX_SETUP_LIMITS = {
  componentServerDomains: 1000,
  componentJumpDomains: 300,
  componentChangesPerMonth: 50,
  domainsPerType: 200,
  accountChangesPerMonth: 50,
  webviewDomains: 300,
  /** Unconfirmed in the protocol notes; the sandbox's own choice. */
  testers: 30,
  categoryLimit: 20,
  categoryQuota: 5,
} as const;

/** Hosts the sandbox treats as not ICP-filed / failing the confirm file: a name containing these words. */
const UNFILED = /(^|\.)noicp[.-]|\.unfiled\./;
const NO_CONFIRM_FILE = /(^|\.)noconfirm[.-]/;

const TYPES = SERVER_DOMAIN_TYPES;
type DomainType = (typeof TYPES)[number];
type Domains = Record<DomainType, string[]>;
const SCHEMES: Record<DomainType, string[]> = {
  requestdomain: ["https:"],
  wsrequestdomain: ["wss:"],
  uploaddomain: ["https:"],
  downloaddomain: ["https:"],
  udpdomain: ["udp:"],
  tcpdomain: ["tcp:"],
};
const emptyDomains = (): Domains => Object.fromEntries(TYPES.map((type) => [type, [] as string[]])) as Domains;

// --- state ---------------------------------------------------------------------------------------

interface ComponentState {
  month: string;
  changes: number;
  jumpChanges: number;
  serverTesting: string[];
  serverPublished: string[];
  jumpTesting: string[];
  jumpPublished: string[];
}

interface PrivacyDoc {
  owner_setting: Record<string, string | number>;
  setting_list: { privacy_key: string; privacy_text: string }[];
  sdk_privacy_info_list?: unknown[];
  update_time: number;
}

export interface AccountState {
  month: string;
  changes: number;
  directChanges: number;
  mp: Domains;
  third: Domains;
  direct: Domains;
  effective: Domains;
  webview: { mp: string[]; third: string[]; direct: string[]; effective: string[] };
  privacyDev: PrivacyDoc | null;
  privacyLive: PrivacyDoc | null;
  /** Privacy keys the uploaded code uses (what getprivacysetting lists as privacy_list). */
  privacyList: string[];
  codeExist: boolean;
  testers: { wechatid: string; userstr: string }[];
  personal: boolean;
  basic: { nickname: string; headImageUrl: string; signature: string; principalType: number; realnameStatus: number };
  verify: { qualification: boolean; naming: boolean; annualReview: boolean; begin: number; end: number };
  icp: { status: number; available: number; auditData: { key_name: string; error: string; suggest: string }[] };
  categories: { first: number; second: number; audit_status: number; audit_reason: string }[];
  categoryQuotaUsed: number;
}

const monthOf = (ctx: SandboxContext) => new Date(ctx.now()).toISOString().slice(0, 7);

function freshAccount(ctx: SandboxContext, profile: Record<string, unknown> | undefined): AccountState {
  return {
    month: monthOf(ctx),
    changes: 0,
    directChanges: 0,
    mp: emptyDomains(),
    third: emptyDomains(),
    direct: emptyDomains(),
    effective: emptyDomains(),
    webview: { mp: [], third: [], direct: [], effective: [] },
    privacyDev: null,
    privacyLive: null,
    privacyList: ["UserInfo", "Location", "PhoneNumber"],
    codeExist: true,
    testers: [],
    personal: false,
    basic: {
      nickname: typeof profile?.nick_name === "string" ? profile.nick_name : "",
      headImageUrl: typeof profile?.head_img === "string" ? profile.head_img : "",
      signature: "",
      principalType: 1,
      realnameStatus: 1,
    },
    verify: { qualification: false, naming: false, annualReview: false, begin: 0, end: 0 },
    icp: { status: 1024, available: 1, auditData: [] },
    categories: [],
    categoryQuotaUsed: 0,
  };
}

/** Reads, changes and writes one account's setup state under a row lock (the change may throw: nothing is written). */
async function withAccount<T>(
  ctx: SandboxContext,
  appId: string,
  change: (s: AccountState) => T | Promise<T>,
): Promise<T> {
  return ctx.db.transaction(async (tx) => {
    const [account] = await tx.select().from(sandboxAuthorizers).where(eq(sandboxAuthorizers.appId, appId));
    await tx.insert(sandboxSetupAccounts).values({ appId, state: {} }).onConflictDoNothing();
    const [row] = await tx
      .select()
      .from(sandboxSetupAccounts)
      .where(eq(sandboxSetupAccounts.appId, appId))
      .for("update");
    const stored = row?.state as Partial<AccountState> | undefined;
    const state: AccountState = { ...freshAccount(ctx, account?.profile), ...stored };
    if (state.month !== monthOf(ctx)) Object.assign(state, { month: monthOf(ctx), changes: 0, directChanges: 0 });
    const result = await change(state);
    await tx
      .update(sandboxSetupAccounts)
      .set({ state: state as unknown as Record<string, unknown> })
      .where(eq(sandboxSetupAccounts.appId, appId));
    return result;
  });
}

async function withComponent<T>(ctx: SandboxContext, change: (s: ComponentState) => T | Promise<T>): Promise<T> {
  const id = ctx.component.appId;
  return ctx.db.transaction(async (tx) => {
    await tx.insert(sandboxSetupComponent).values({ componentAppId: id, state: {} }).onConflictDoNothing();
    const [row] = await tx
      .select()
      .from(sandboxSetupComponent)
      .where(eq(sandboxSetupComponent.componentAppId, id))
      .for("update");
    const fresh: ComponentState = {
      month: monthOf(ctx),
      changes: 0,
      jumpChanges: 0,
      serverTesting: [],
      serverPublished: [],
      jumpTesting: [],
      jumpPublished: [],
    };
    const state: ComponentState = { ...fresh, ...(row?.state as Partial<ComponentState>) };
    if (state.month !== monthOf(ctx)) Object.assign(state, { month: monthOf(ctx), changes: 0, jumpChanges: 0 });
    const result = await change(state);
    await tx
      .update(sandboxSetupComponent)
      .set({ state: state as unknown as Record<string, unknown> })
      .where(eq(sandboxSetupComponent.componentAppId, id));
    return result;
  });
}

const readComponent = (ctx: SandboxContext) => withComponent(ctx, (s) => s);

// --- tokens and permission sets --------------------------------------------------------------------

/** A component API: an authorizer's token is the wrong kind (48001, docs/wechat-protocol.md §12.8). */
async function componentCaller(ctx: SandboxContext, req: SandboxRequest): Promise<void> {
  await req.faults("");
  const token = req.query.get("access_token") ?? req.query.get("component_access_token") ?? "";
  const [row] = token ? await ctx.db.select().from(sandboxTokens).where(eq(sandboxTokens.token, token)) : [];
  if (row?.kind === "authorizer") fail(48001);
  await requireComponentToken(ctx, req.query);
}

/**
 * An account API: the account's own token (a component token is the wrong kind: 48001), a mini program (85015
 * where the protocol says so), and one of `sets` granted (61007).
 */
async function accountCaller(
  ctx: SandboxContext,
  req: SandboxRequest,
  sets: number[],
  opts: { miniProgramOnly?: boolean } = {},
): Promise<string> {
  const token = req.query.get("access_token") ?? "";
  const [row] = token ? await ctx.db.select().from(sandboxTokens).where(eq(sandboxTokens.token, token)) : [];
  await req.faults(row?.ownerAppId ?? "");
  if (row?.kind === "component") fail(48001);
  const appId = await requireAuthorizerToken(ctx, req.query);
  const [account] = await ctx.db.select().from(sandboxAuthorizers).where(eq(sandboxAuthorizers.appId, appId));
  if (!account?.authorized) throw new SandboxApiError(61003);
  if (opts.miniProgramOnly && account.kind !== "mini_program") fail(85015);
  if (!sets.some((s) => account.funcIds.includes(s))) fail(61007);
  return appId;
}

/** GET endpoints take no body; POST ones a JSON body ({} when WeChat wants none). */
const bodyOf = (req: SandboxRequest): unknown =>
  req.method === "GET" || req.body.text.trim() === "" ? {} : jsonBody(req);

// --- component domains (§12.2.2–12.2.4) ----------------------------------------------------------

const HOST = /^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/;
const splitHosts = (s: string | undefined) =>
  (s ?? "")
    .split(";")
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);

const componentDomainBody = z.object({
  action: z.enum(["add", "delete", "set", "get"]),
  wxa_server_domain: z.string().optional(),
  wxa_jump_h5_domain: z.string().optional(),
  is_modify_published_together: z.boolean().optional(),
});

function applyList(current: string[], action: "add" | "delete" | "set", values: string[]): string[] {
  if (action === "set") return [...new Set(values)];
  if (action === "add") return [...new Set([...current, ...values])];
  return current.filter((v) => !values.includes(v));
}

/**
 * The component's domain registry for one list (server or jump H5 domains): `field` names the body field and the
 * answer's keys, `isInvalid` which hosts are refused; changes count against the month's quota for that list.
 */
function modifyComponentDomains(list: {
  field: "wxa_server_domain" | "wxa_jump_h5_domain";
  testing: "serverTesting" | "jumpTesting";
  published: "serverPublished" | "jumpPublished";
  changes: "changes" | "jumpChanges";
  limit: number;
  isInvalid: (host: string) => boolean;
}): RouteHandler {
  return async (ctx, req) => {
    await componentCaller(ctx, req);
    const body = parseBody(componentDomainBody, jsonBody(req));
    const hosts = splitHosts(body[list.field]);
    return {
      json: await withComponent(ctx, (s) => {
        const invalid = hosts.filter(list.isInvalid);
        if (body.action !== "get") {
          if (s[list.changes] >= SANDBOX_SETUP_LIMITS.componentChangesPerMonth) fail(45104);
          const valid = hosts.filter((h) => !invalid.includes(h));
          const testing = applyList(s[list.testing], body.action, valid);
          if (testing.length > list.limit) fail(85016);
          s[list.testing] = testing;
          if (body.is_modify_published_together) s[list.published] = applyList(s[list.published], body.action, valid);
          s[list.changes] += 1;
        }
        return {
          errcode: 0,
          errmsg: "ok",
          [`testing_${list.field}`]: s[list.testing].join(";"),
          [`published_${list.field}`]: s[list.published].join(";"),
          ...(invalid.length > 0 && { [`invalid_${list.field}`]: invalid.join(";") }),
        };
      }),
    };
  };
}

export const modifyWxaServerDomain = modifyComponentDomains({
  field: "wxa_server_domain",
  testing: "serverTesting",
  published: "serverPublished",
  changes: "changes",
  limit: SANDBOX_SETUP_LIMITS.componentServerDomains,
  isInvalid: (h) => !HOST.test(h),
});

export const modifyWxaJumpDomain = modifyComponentDomains({
  field: "wxa_jump_h5_domain",
  testing: "jumpTesting",
  published: "jumpPublished",
  changes: "jumpChanges",
  limit: SANDBOX_SETUP_LIMITS.componentJumpDomains,
  // Invalid: a malformed host, or the confirm file (get_domain_confirmfile) not found at its root.
  isInvalid: (h) => !HOST.test(h) || NO_CONFIRM_FILE.test(h),
});

export const getDomainConfirmfile: RouteHandler = async (ctx, req) => {
  await componentCaller(ctx, req);
  const seed = ctx.component.appId.slice(-8);
  return { json: { errcode: 0, errmsg: "ok", file_name: `${seed}.txt`, file_content: `sandbox-confirm-${seed}` } };
};

// --- account server domains (§12.2.6–12.2.8) ----------------------------------------------------

const domainListSchema = z.array(z.string()).optional();
const accountDomainBody = z.object({
  action: z.enum(["add", "delete", "set", "get"]),
  requestdomain: domainListSchema,
  wsrequestdomain: domainListSchema,
  uploaddomain: domainListSchema,
  downloaddomain: domainListSchema,
  udpdomain: domainListSchema,
  tcpdomain: domainListSchema,
});

type UrlCheck = "ok" | "format" | "icp" | "forbidden";

/** An MP-level domain: the type's scheme, a host (no IP, no api.weixin.qq.com), ICP-filed. */
function checkUrl(type: DomainType, url: string): { check: UrlCheck; host: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { check: "format", host: "" };
  }
  const host = parsed.hostname.toLowerCase();
  if (!SCHEMES[type].includes(parsed.protocol) || parsed.pathname.replace(/\/$/, "") !== "" || !HOST.test(host)) {
    return { check: "format", host };
  }
  if (/^\d+(\.\d+){3}$/.test(host)) return { check: "format", host };
  if (host === "api.weixin.qq.com") return { check: "forbidden", host };
  if (UNFILED.test(host)) return { check: "icp", host };
  return { check: "ok", host };
}

const normalise = (url: string) => url.replace(/\/+$/, "").toLowerCase();

function modifyDomains(directly: boolean): RouteHandler {
  return async (ctx, req) => {
    const appId = await accountCaller(ctx, req, [18], { miniProgramOnly: true });
    const body = parseBody(accountDomainBody, jsonBody(req));
    const component = directly ? null : await readComponent(ctx);
    return {
      json: await withAccount(ctx, appId, (s) => {
        const list = directly ? s.direct : s.third;
        if (body.action !== "get") {
          const used = directly ? s.directChanges : s.changes;
          if (used >= SANDBOX_SETUP_LIMITS.accountChangesPerMonth) fail(86102);
          let format = false;
          let icp = false;
          for (const type of TYPES) {
            for (const url of body[type] ?? []) {
              const { check, host } = checkUrl(type, url);
              if (check === "forbidden") fail(directly ? 86101 : 85301);
              if (check === "format") format = true;
              if (check === "icp") icp = true;
              // 方式一: the domain must be in the component's server-domain registry.
              if (check === "ok" && component && !component.serverTesting.includes(host)) fail(85018);
            }
          }
          if (directly && format) fail(86100);
          if (directly && icp) fail(45082);
          if (format && icp) fail(85303);
          if (format) fail(85301);
          if (icp) fail(85302);
          const next = emptyDomains();
          for (const type of TYPES) {
            next[type] = applyList(list[type], body.action, (body[type] ?? []).map(normalise));
            if (next[type].length > SANDBOX_SETUP_LIMITS.domainsPerType) fail(85016);
          }
          if (!directly && body.action !== "delete" && TYPES.every((t) => next[t].join() === list[t].join()))
            fail(85017);
          Object.assign(list, next);
          if (directly) s.directChanges += 1;
          else s.changes += 1;
        }
        return {
          errcode: 0,
          errmsg: "ok",
          ...list,
          ...Object.fromEntries(TYPES.map((t) => [`invalid_${t}`, []])),
          no_icp_domain: [],
        };
      }),
    };
  };
}

export const modifyDomain = modifyDomains(false);
export const modifyDomainDirectly = modifyDomains(true);

/**
 * get_effective_domain / get_effective_webviewdomain: one kind's four lists (set in the MP admin, by the platform,
 * directly, and in effect), each answered as `<source>_<suffix>`.
 */
function getEffective(
  suffix: "domain" | "webviewdomain",
  lists: (s: AccountState) => Record<"mp" | "third" | "direct" | "effective", unknown>,
): RouteHandler {
  return async (ctx, req) => {
    const appId = await accountCaller(ctx, req, [18], { miniProgramOnly: true });
    return {
      json: await withAccount(ctx, appId, (s) => {
        const { mp, third, direct, effective } = lists(s);
        return {
          errcode: 0,
          errmsg: "ok",
          [`mp_${suffix}`]: mp,
          [`third_${suffix}`]: third,
          [`direct_${suffix}`]: direct,
          [`effective_${suffix}`]: effective,
        };
      }),
    };
  };
}

export const getEffectiveDomain = getEffective("domain", (s) => s);

// --- business (webview) domains (§12.2.9–12.2.12) ------------------------------------------------

const webviewBody = z.object({
  action: z.enum(["add", "delete", "set", "get"]).optional(),
  webviewdomain: z.array(z.string()).optional(),
});

function webviewHost(url: string): string | null {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== "https:" || parsed.port !== "" || !HOST.test(parsed.hostname)) return null;
    return parsed.hostname.toLowerCase();
  } catch {
    return null;
  }
}

/** A host is registered when it, or a parent domain of it, is in the component's business-domain registry. */
const coveredBy = (registry: string[], host: string) => registry.some((r) => host === r || host.endsWith(`.${r}`));

function setWebview(directly: boolean): RouteHandler {
  return async (ctx, req) => {
    const appId = await accountCaller(ctx, req, [18], { miniProgramOnly: true });
    const body = parseBody(webviewBody, jsonBody(req));
    if (directly && !body.action) throw new SandboxApiError(47001);
    const component = await readComponent(ctx);
    return {
      json: await withAccount(ctx, appId, (s) => {
        const current = directly ? s.webview.direct : s.webview.third;
        if (body.action === "get") return { errcode: 0, errmsg: "ok", webviewdomain: current };
        if (!directly && s.personal) fail(89231);
        let urls = (body.webviewdomain ?? []).map(normalise);
        if (!directly) {
          if (component.jumpTesting.length === 0) fail(89020);
          // No action: every business domain registered on the component is added.
          if (!body.action) urls = component.jumpTesting.map((h) => `https://${h}`);
        }
        for (const url of urls) {
          const host = webviewHost(url);
          if (!host) fail(directly ? 86100 : 89021);
          if (!directly && !coveredBy(component.jumpTesting, host!)) fail(89021);
          if (directly && NO_CONFIRM_FILE.test(host!)) fail(86103);
        }
        const action = body.action ?? "add";
        if (action === "delete" && urls.some((u) => !current.includes(u))) fail(89022);
        const next = applyList(current, action, urls);
        if (next.length > SANDBOX_SETUP_LIMITS.webviewDomains) fail(89029);
        if (!directly && next.join() === current.join()) fail(89019);
        if (directly) s.webview.direct = next;
        else s.webview.third = next;
        return directly ? { errcode: 0, errmsg: "ok", webviewdomain: next } : { errcode: 0, errmsg: "ok" };
      }),
    };
  };
}

export const setWebviewDomain = setWebview(false);
export const setWebviewDomainDirectly = setWebview(true);

export const getEffectiveWebviewDomain = getEffective("webviewdomain", (s) => s.webview);

export const getWebviewDomainConfirmfile: RouteHandler = async (ctx, req) => {
  const appId = await accountCaller(ctx, req, [18], { miniProgramOnly: true });
  if (req.body.text.trim() === "") fail(44002);
  return {
    json: {
      errcode: 0,
      errmsg: "ok",
      file_name: `${appId.slice(-10)}.txt`,
      file_content: appId.split("").reverse().join(""),
    },
  };
};

// --- privacy (§12.3) -----------------------------------------------------------------------------

/** The catalogue getprivacysetting serves as privacy_desc_list (the 22 keys three sources confirm, plus ChooseLocation). */
export const PRIVACY_KEYS: Record<string, string> = {
  UserInfo: "用户信息（微信昵称、头像）",
  Location: "位置信息",
  Address: "地址",
  Invoice: "发票信息",
  RunData: "微信运动数据",
  Record: "麦克风",
  Album: "选中的照片或视频信息",
  Camera: "摄像头",
  PhoneNumber: "手机号",
  Contact: "通讯录（仅写入）权限",
  DeviceInfo: "设备信息",
  EXIDNumber: "身份证号码",
  EXOrderInfo: "订单信息",
  EXUserPublishContent: "发布内容",
  EXUserFollowAcct: "所关注账号",
  EXUserOpLog: "操作日志",
  AlbumWriteOnly: "相册（仅写入）权限",
  LicensePlate: "车牌号",
  BlueTooth: "蓝牙",
  CalendarWriteOnly: "日历（仅写入）权限",
  Email: "邮箱",
  MessageFile: "选中的文件",
  ChooseLocation: "选择的位置信息",
};

const OWNER_FIELDS = [
  "contact_email",
  "contact_phone",
  "contact_qq",
  "contact_weixin",
  "ext_file_media_id",
  "notice_method",
  "store_expire_timestamp",
];
const emptyOwner = () => ({ ...Object.fromEntries(OWNER_FIELDS.map((f) => [f, ""])), store_region: 0 });

export const getPrivacySetting: RouteHandler = async (ctx, req) => {
  const appId = await accountCaller(ctx, req, [18], { miniProgramOnly: true });
  const { privacy_ver: ver } = parseBody(
    z.object({ privacy_ver: z.number().int().min(1).max(2).default(2) }),
    bodyOf(req),
  );
  return {
    json: await withAccount(ctx, appId, (s) => {
      const doc = ver === 1 ? s.privacyLive : s.privacyDev;
      return {
        errcode: 0,
        errmsg: "ok",
        code_exist: s.codeExist ? 1 : 0,
        privacy_list: s.privacyList,
        setting_list: (doc?.setting_list ?? []).map((i) => ({
          ...i,
          privacy_label: PRIVACY_KEYS[i.privacy_key] ?? i.privacy_key,
        })),
        update_time: doc?.update_time ?? 0,
        owner_setting: { ...emptyOwner(), ...doc?.owner_setting },
        privacy_desc: {
          privacy_desc_list: Object.entries(PRIVACY_KEYS).map(([privacy_key, privacy_desc]) => ({
            privacy_key,
            privacy_desc,
          })),
        },
        ...(doc?.sdk_privacy_info_list && { sdk_privacy_info_list: doc.sdk_privacy_info_list }),
      };
    }),
  };
};

const setPrivacyBody = z.object({
  privacy_ver: z.number().int().min(1).max(2).default(2),
  owner_setting: z.record(z.string(), z.unknown()).optional(),
  setting_list: z.array(z.object({ privacy_key: z.string().min(1), privacy_text: z.string() })).optional(),
  sdk_privacy_info_list: z.array(z.unknown()).optional(),
});

export const setPrivacySetting: RouteHandler = async (ctx, req) => {
  const appId = await accountCaller(ctx, req, [18], { miniProgramOnly: true });
  const body = parseBody(setPrivacyBody, jsonBody(req));
  const owner = Object.fromEntries(
    Object.entries(body.owner_setting ?? {}).filter(([k, v]) => OWNER_FIELDS.includes(k) && typeof v === "string"),
  ) as Record<string, string>;
  if (!body.owner_setting || !["contact_email", "contact_phone", "contact_qq", "contact_weixin"].some((f) => owner[f]))
    fail(86069);
  if (!owner.notice_method) fail(86070);
  if (owner.store_expire_timestamp && !/^\d+天$/.test(owner.store_expire_timestamp)) fail(86072);
  if (owner.ext_file_media_id && !owner.ext_file_media_id.startsWith("sandboxmedia")) fail(86073);
  return {
    json: await withAccount(ctx, appId, (s) => {
      const update_time = Math.floor(ctx.now() / 1000);
      if (body.privacy_ver === 1) {
        // 现网版: only owner_setting, live at once; never setting_list; the live ext file stays.
        if (!s.privacyLive) fail(86074);
        if (body.setting_list) throw new SandboxApiError(47001);
        if (owner.ext_file_media_id && owner.ext_file_media_id !== s.privacyLive!.owner_setting.ext_file_media_id)
          fail(86075);
        s.privacyLive = {
          ...s.privacyLive!,
          owner_setting: { ...s.privacyLive!.owner_setting, ...owner },
          update_time,
        };
      } else {
        if (!body.setting_list) throw new SandboxApiError(47001);
        s.privacyDev = {
          owner_setting: owner,
          setting_list: body.setting_list,
          sdk_privacy_info_list: body.sdk_privacy_info_list,
          update_time,
        };
      }
      return { errcode: 0, errmsg: "ok" };
    }),
  };
};

// --- testers (§12.4) -----------------------------------------------------------------------------

export const bindTester: RouteHandler = async (ctx, req) => {
  const appId = await accountCaller(ctx, req, [18]);
  const { wechatid } = parseBody(z.object({ wechatid: z.string() }), jsonBody(req));
  return {
    json: await withAccount(ctx, appId, (s) => {
      // Sandbox people: a WeChat ID starting with "nobody" cannot be found, one starting with "busy" is a tester of too many.
      if (!/^[a-zA-Z][\w-]{5,19}$/.test(wechatid) || wechatid.startsWith("nobody")) fail(85001);
      if (wechatid.startsWith("busy")) fail(85003);
      if (s.testers.some((t) => t.wechatid === wechatid)) fail(85004);
      if (s.testers.length >= SANDBOX_SETUP_LIMITS.testers) fail(85002);
      const userstr = randomBytes(16).toString("hex");
      s.testers.push({ wechatid, userstr });
      return { errcode: 0, errmsg: "ok", userstr };
    }),
  };
};

export const unbindTester: RouteHandler = async (ctx, req) => {
  const appId = await accountCaller(ctx, req, [18]);
  const body = parseBody(z.object({ wechatid: z.string().optional(), userstr: z.string().optional() }), jsonBody(req));
  if (!body.wechatid && !body.userstr) throw new SandboxApiError(47001);
  return {
    json: await withAccount(ctx, appId, (s) => {
      s.testers = s.testers.filter((t) => t.wechatid !== body.wechatid && t.userstr !== body.userstr);
      return { errcode: 0, errmsg: "ok" };
    }),
  };
};

export const memberauth: RouteHandler = async (ctx, req) => {
  const appId = await accountCaller(ctx, req, [18]);
  const { action } = parseBody(z.object({ action: z.string() }), jsonBody(req));
  if (action !== "get_experiencer") throw new SandboxApiError(47001);
  return {
    json: await withAccount(ctx, appId, (s) => ({
      errcode: 0,
      errmsg: "ok",
      members: s.testers.map((t) => ({ userstr: t.userstr })),
    })),
  };
};

// --- categories (§12.5) --------------------------------------------------------------------------

/** A small slice of WeChat's category tree: id, name, parent, needs qualification. */
export const SANDBOX_CATEGORIES = [
  { id: 1, name: "工具", father: 0, sensitive: 0 },
  { id: 2, name: "效率", father: 1, sensitive: 0 },
  { id: 3, name: "信息查询", father: 1, sensitive: 0 },
  { id: 8, name: "教育", father: 0, sensitive: 0 },
  { id: 39, name: "出国移民", father: 8, sensitive: 1 },
  { id: 40, name: "在线教育", father: 8, sensitive: 0 },
  { id: 100, name: "商业服务", father: 0, sensitive: 0 },
  { id: 101, name: "企业管理", father: 100, sensitive: 0 },
  { id: 304, name: "餐饮", father: 0, sensitive: 0 },
  { id: 305, name: "点餐平台", father: 304, sensitive: 0 },
] as const;
const categoryName = (id: number) => SANDBOX_CATEGORIES.find((c) => c.id === id)?.name ?? "";

export const getAllCategories: RouteHandler = async (ctx, req) => {
  await accountCaller(ctx, req, [30]);
  const node = (id: number, name: string, level: number, father: number, sensitive: number) => ({
    id,
    name,
    level,
    father,
    children: SANDBOX_CATEGORIES.filter((c) => c.father === id).map((c) => c.id),
    sensitive_type: sensitive,
    qualify: {
      exter_list: sensitive ? [{ inner_list: [{ name: "《因私出入境中介机构经营许可证》", url: "" }] }] : [],
      remark: "",
    },
  });
  const categories = [
    node(0, "", 0, 0, 0),
    ...SANDBOX_CATEGORIES.map((c) => node(c.id, c.name, c.father === 0 ? 1 : 2, c.father, c.sensitive)),
  ];
  return { json: { errcode: 0, errmsg: "ok", categories_list: { categories } } };
};

export const getCategory: RouteHandler = async (ctx, req) => {
  const appId = await accountCaller(ctx, req, [30]);
  return {
    json: await withAccount(ctx, appId, (s) => ({
      errcode: 0,
      errmsg: "ok",
      categories: s.categories.map((c) => ({
        ...c,
        first_name: categoryName(c.first),
        second_name: categoryName(c.second),
      })),
      limit: SANDBOX_SETUP_LIMITS.categoryQuota,
      quota: Math.max(0, SANDBOX_SETUP_LIMITS.categoryQuota - s.categoryQuotaUsed),
      category_limit: SANDBOX_SETUP_LIMITS.categoryLimit,
    })),
  };
};

const addCategoryBody = z.object({
  categories: z
    .array(
      z.object({
        first: z.coerce.number().int(),
        second: z.coerce.number().int(),
        certicates: z.array(z.object({ key: z.string(), value: z.string() })).optional(),
      }),
    )
    .min(1),
});

export const addCategory: RouteHandler = async (ctx, req) => {
  const appId = await accountCaller(ctx, req, [30]);
  const body = parseBody(addCategoryBody, jsonBody(req));
  return {
    json: await withAccount(ctx, appId, (s) => {
      if (s.categoryQuotaUsed + body.categories.length > SANDBOX_SETUP_LIMITS.categoryQuota) fail(53300);
      for (const c of body.categories) {
        const second = SANDBOX_CATEGORIES.find((x) => x.id === c.second);
        if (!second || second.father !== c.first) fail(53303);
        if (s.categories.some((x) => x.first === c.first && x.second === c.second)) fail(53304);
        if (second!.sensitive && !c.certicates?.length) fail(53311);
      }
      if (s.categories.length + body.categories.length > SANDBOX_SETUP_LIMITS.categoryLimit) fail(53301);
      for (const c of body.categories) {
        const sensitive = SANDBOX_CATEGORIES.find((x) => x.id === c.second)!.sensitive;
        // A category needing qualifications is reviewed (wxa_category_audit follows); the others pass at once.
        s.categories.push({ first: c.first, second: c.second, audit_status: sensitive ? 1 : 3, audit_reason: "" });
      }
      s.categoryQuotaUsed += body.categories.length;
      return { errcode: 0, errmsg: "ok" };
    }),
  };
};

// --- basic info, verification, filing (§12.6.1, §12.7.1) ------------------------------------------

export const getAccountBasicInfo: RouteHandler = async (ctx, req) => {
  const appId = await accountCaller(ctx, req, [3, 30]);
  return {
    json: await withAccount(ctx, appId, (s) => ({
      errcode: 0,
      errmsg: "ok",
      appid: appId,
      account_type: 3,
      principal_type: s.basic.principalType,
      principal_name: "",
      realname_status: s.basic.realnameStatus,
      wx_verify_info: {
        qualification_verify: s.verify.qualification,
        naming_verify: s.verify.naming,
        ...(s.verify.qualification && {
          annual_review: s.verify.annualReview,
          annual_review_begin_time: s.verify.begin,
          annual_review_end_time: s.verify.end,
        }),
      },
      signature_info: { signature: s.basic.signature, modify_used_count: 0, modify_quota: 5 },
      head_image_info: { head_image_url: s.basic.headImageUrl, modify_used_count: 0, modify_quota: 5 },
      nickname: s.basic.nickname,
      nickname_info: { nickname: s.basic.nickname, modify_used_count: 0, modify_quota: 2 },
      registered_country: 0,
      customer_type: s.verify.qualification ? 1 : 0,
    })),
  };
};

export const getIcpEntranceInfo: RouteHandler = async (ctx, req) => {
  const appId = await accountCaller(ctx, req, [18, 156]);
  return {
    json: await withAccount(ctx, appId, (s) => ({
      errcode: 0,
      errmsg: "ok",
      info: {
        status: s.icp.status,
        is_canceling: false,
        available: s.icp.available,
        ...(s.icp.auditData.length > 0 && { audit_data: s.icp.auditData }),
      },
    })),
  };
};

// --- control plane: what happens on WeChat's side -------------------------------------------------

/**
 * A code release (the release center's sandbox calls this at `release`; the console has a button): domains set
 * by 方式二 and the component's registry take effect, the dev privacy guideline goes live.
 */
export async function releaseSetup(ctx: SandboxContext, appId: string) {
  const component = await readComponent(ctx);
  return withAccount(ctx, appId, (s) => {
    for (const t of TYPES) {
      // 方式一 domains survive only while the component still registers them (docs/wechat-protocol.md §12.2.1).
      const third = s.third[t].filter((u) => component.serverTesting.includes(checkUrl(t, u).host));
      s.effective[t] = [...new Set([...third, ...s.direct[t]])];
    }
    const thirdWeb = s.webview.third.filter((u) => coveredBy(component.jumpTesting, webviewHost(u) ?? ""));
    s.webview.effective = [...new Set([...thirdWeb, ...s.webview.direct])];
    if (s.privacyDev) s.privacyLive = s.privacyDev;
    return { effective: s.effective, webviewEffective: s.webview.effective };
  });
}

const stateChangeSchema = z.object({
  appId: z.string().min(1),
  verify: z
    .object({
      qualification: z.boolean(),
      naming: z.boolean().default(true),
      expiresInDays: z.number().int().default(365),
    })
    .optional(),
  icpStatus: z.number().int().optional(),
  icpRejectReason: z.string().optional(),
  basic: z
    .object({ nickname: z.string().optional(), headImageUrl: z.string().optional(), signature: z.string().optional() })
    .optional(),
  privacyList: z.array(z.string()).optional(),
  personal: z.boolean().optional(),
  /** Replaces the account's categories (3: approved, 1: under review, 2: rejected), e.g. one approved to be ready. */
  categories: z
    .array(
      z.object({
        first: z.number().int(),
        second: z.number().int(),
        auditStatus: z.union([z.literal(1), z.literal(2), z.literal(3)]).default(3),
        reason: z.string().default(""),
      }),
    )
    .optional(),
});

/** The console and tests change what WeChat knows about an account (no push: see the events below). */
export async function setSetupState(ctx: SandboxContext, input: z.input<typeof stateChangeSchema>) {
  const change = stateChangeSchema.parse(input);
  return withAccount(ctx, change.appId, (s) => {
    if (change.verify) {
      const nowS = Math.floor(ctx.now() / 1000);
      const end = nowS + change.verify.expiresInDays * 86400;
      s.verify = change.verify.qualification
        ? { qualification: true, naming: change.verify.naming, annualReview: true, begin: end - 60 * 86400, end }
        : { qualification: false, naming: false, annualReview: false, begin: 0, end: 0 };
    }
    if (change.icpStatus !== undefined) {
      s.icp.status = change.icpStatus;
      s.icp.auditData = change.icpRejectReason
        ? [{ key_name: "小程序名称", error: change.icpRejectReason, suggest: "请修改后重新提交" }]
        : [];
    }
    if (change.basic)
      s.basic = { ...s.basic, ...Object.fromEntries(Object.entries(change.basic).filter(([, v]) => v !== undefined)) };
    if (change.privacyList) s.privacyList = change.privacyList;
    if (change.personal !== undefined) s.personal = change.personal;
    if (change.categories)
      s.categories = change.categories.map((c) => ({
        first: c.first,
        second: c.second,
        audit_status: c.auditStatus,
        audit_reason: c.reason,
      }));
    return { ok: true };
  });
}

/** The sandbox's view of one account's setup (console, tests). */
export async function getSetupState(ctx: SandboxContext, appId: string): Promise<AccountState> {
  return withAccount(ctx, appId, (s) => s);
}

export async function getComponentSetup(ctx: SandboxContext) {
  return readComponent(ctx);
}

/** The account's original id (`gh_…`), for message-URL pushes. */
export async function userNameOf(ctx: SandboxContext, appId: string): Promise<string> {
  const [row] = await ctx.db
    .select({ profile: sandboxAuthorizers.profile })
    .from(sandboxAuthorizers)
    .where(eq(sandboxAuthorizers.appId, appId));
  const name = row?.profile.user_name;
  return typeof name === "string" ? name : `gh_${appId.slice(2, 14)}`;
}

/** Sets a reviewed category's result (what WeChat's reviewers decide before pushing wxa_category_audit). */
export async function decideCategory(
  ctx: SandboxContext,
  appId: string,
  first: number,
  second: number,
  passed: boolean,
  reason = "",
) {
  return withAccount(ctx, appId, (s) => {
    const c = s.categories.find((x) => x.first === first && x.second === second);
    if (c) Object.assign(c, { audit_status: passed ? 3 : 2, audit_reason: passed ? "" : reason });
    return Boolean(c);
  });
}

export const resetSetupMonth = (ctx: SandboxContext) =>
  ctx.db.execute(sql`update sandbox_setup_accounts set state = state || '{"changes":0,"directChanges":0}'::jsonb`);
