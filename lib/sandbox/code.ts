import { and, asc, desc, eq, inArray, lte, sql } from "drizzle-orm";
import QRCode from "qrcode";
import { z } from "zod";
import type { Db } from "@/db";
import {
  sandboxAuthorizers,
  sandboxCodeAccounts,
  sandboxCodeAudits,
  sandboxCodeDrafts,
  sandboxCodeSettings,
  sandboxCodeTemplates,
  type AuditStatus,
  type SandboxAuditRule,
  type SandboxOnline,
} from "@/db/schema";
import { log } from "@/lib/log";
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
import { pushMessage } from "./pushes";
import { releaseSetup } from "./setup";

/**
 * Code management (docs/wechat-protocol.md §11): the template library (component token), commit / 体验版, the
 * privacy check, quotas, audits with their state machine (§11.7) and error codes (§11.8), release, gray release
 * and rollback. Audits resolve by rule after a configurable delay on this area's clock (the sandbox clock plus an
 * offset tests move forward), or by hand from the control plane; each result is pushed, encrypted, to the portal's
 * per-account message URL as `weapp_audit_success|fail|delay` (§11.6).
 */

const CODE_ERRMSG: Record<number, string> = {
  43001: "require GET method",
  44002: "empty post data",
  61007: "api is unauthorized to component",
  61039: "隐私接口检查任务未完成,请稍等一分钟再重试",
  85009: "already submit a version under auditing",
  85012: "invalid audit id",
  85014: "template not exist",
  85019: "no version is under auditing",
  85020: "status not allowed",
  85023: "item size is not in valid range",
  85048: "parse ext_json fail",
  85052: "app is already released",
  85058: "no valid audit_id exist",
  85064: "template not found",
  85065: "template list is full",
  85079: "miniprogram has no online release",
  85080: "miniprogram commit not approved",
  85081: "invalid gray percentage",
  85082: "gray percentage too low",
  85085: "submit audit reach limit, please try later",
  85086: "must commit before submit audit",
  86001: "component experience version not exists",
  87011: "现网已经在灰度发布，不能进行版本回退",
  87012: "forbid revert this version release",
  87013: "no quota to undo code",
  89402: "该审核单不在待审核队列，请检查是否已提交审核或已审完",
  89404: "本单已加速成功，请勿重复提交",
  89405: "本月加急额度已用完",
  9402203: "标准模板extjson错误",
};

/** A code-area error: WeChat's errmsg for it (serve() adds the `rid:`). */
class CodeError extends SandboxApiError {
  constructor(errcode: number) {
    super(errcode);
    if (CODE_ERRMSG[errcode]) this.message = CODE_ERRMSG[errcode];
  }
}

const ok = (extra: Record<string, unknown> = {}) => ({ json: { errcode: 0, errmsg: "ok", ...extra } });
const TEMPLATE_CAP = 200;
const UNDO_LIMIT = 10;
const DELAY_REASON = "为了更好的服务小程序，您的服务商正在进行提审系统的优化，可能会导致审核时效的增长，请耐心等待";
const SANDBOX_SYSTEM_OPENID = "od1P50M-fNQI5Gcq-trm4a7apsU8";

// --- settings and clock ----------------------------------------------------------------------------

export type CodeSettings = typeof sandboxCodeSettings.$inferSelect;

/** The area's settings (created with the seeded library on first use). */
export async function getCodeSettings(ctx: SandboxContext): Promise<CodeSettings> {
  const [row] = await ctx.db.select().from(sandboxCodeSettings).where(eq(sandboxCodeSettings.id, 1));
  if (row) return row;
  await seedLibrary(ctx);
  await ctx.db.insert(sandboxCodeSettings).values({ id: 1 }).onConflictDoNothing();
  const [created] = await ctx.db.select().from(sandboxCodeSettings).where(eq(sandboxCodeSettings.id, 1));
  return created!;
}

const codeNow = (ctx: SandboxContext, settings: CodeSettings) => ctx.now() + settings.clockOffsetMs;

/** Two drafts from the platform's 开发小程序, and the first of them already a template (the console adds more). */
async function seedLibrary(ctx: SandboxContext) {
  const t = Math.floor(ctx.now() / 1000);
  const source = { sourceAppId: "wx00000000000d5e70", sourceName: "门店小程序模板", developer: "平台开发者" };
  await ctx.db
    .insert(sandboxCodeDrafts)
    .values([
      {
        draftId: 0,
        userVersion: "1.0.0",
        userDesc: "首个版本：门店首页、点单、会员",
        createTime: t - 86_400 * 3,
        ...source,
      },
      { draftId: 1, userVersion: "1.1.0", userDesc: "新增优惠券与订单中心", createTime: t - 86_400, ...source },
    ])
    .onConflictDoNothing();
  await ctx.db
    .insert(sandboxCodeTemplates)
    .values({
      templateId: 1,
      draftId: 0,
      userVersion: "1.0.0",
      userDesc: "首个版本：门店首页、点单、会员",
      createTime: t - 86_400 * 2,
      ...source,
    })
    .onConflictDoNothing();
}

const settingsSchema = z.object({
  privacyCheckMs: z.number().int().min(0).max(3_600_000).optional(),
  auditDelayMs: z.number().int().min(0).max(86_400_000).optional(),
  defaultRule: z.enum(["approve", "reject", "delay"]).optional(),
  appRules: z
    .record(
      z.string(),
      z.object({ rule: z.enum(["approve", "reject", "delay"]), reason: z.string().max(500).optional() }),
    )
    .optional(),
  rejectReason: z.string().min(1).max(500).optional(),
  pushEvents: z.boolean().optional(),
  quotaRest: z.number().int().min(0).max(100_000).optional(),
  quotaLimit: z.number().int().min(0).max(100_000).optional(),
  speedupRest: z.number().int().min(0).max(1000).optional(),
});

/** Control plane: change the area's knobs (partial). */
export async function setCodeSettings(ctx: SandboxContext, input: unknown): Promise<CodeSettings> {
  const patch = settingsSchema.parse(input);
  await getCodeSettings(ctx);
  if (Object.keys(patch).length > 0)
    await ctx.db.update(sandboxCodeSettings).set(patch).where(eq(sandboxCodeSettings.id, 1));
  return getCodeSettings(ctx);
}

/** Control plane: moves this area's clock forward, then resolves what became due. */
export async function advanceCodeClock(ctx: SandboxContext, ms: number) {
  await getCodeSettings(ctx);
  await ctx.db
    .update(sandboxCodeSettings)
    .set({ clockOffsetMs: sql`${sandboxCodeSettings.clockOffsetMs} + ${z.number().int().min(0).parse(ms)}` })
    .where(eq(sandboxCodeSettings.id, 1));
  return resolveDueAudits(ctx);
}

// --- shared checks ---------------------------------------------------------------------------------

/** A template library call: component token in `access_token=`, then the endpoint's faults. */
async function componentCall(ctx: SandboxContext, req: SandboxRequest) {
  await requireComponentToken(ctx, req.query);
  await req.faults("");
}

/**
 * An authorizer code call: the account's token, its faults, and permission set 18 (or one of `sets`) in its grant
 * (61007 otherwise, docs/wechat-protocol.md §11.1). Returns the appid.
 */
async function authorizerCall(ctx: SandboxContext, req: SandboxRequest, sets: number[] = [18]): Promise<string> {
  const appId = await requireAuthorizerToken(ctx, req.query);
  await req.faults(appId);
  const [account] = await ctx.db
    .select({ funcIds: sandboxAuthorizers.funcIds, authorized: sandboxAuthorizers.authorized })
    .from(sandboxAuthorizers)
    .where(eq(sandboxAuthorizers.appId, appId));
  if (!account?.authorized || !account.funcIds.some((id) => sets.includes(id))) throw new CodeError(61007);
  return appId;
}

async function accountState(db: Db, appId: string) {
  await db.insert(sandboxCodeAccounts).values({ appId }).onConflictDoNothing();
  const [row] = await db.select().from(sandboxCodeAccounts).where(eq(sandboxCodeAccounts.appId, appId)).for("update");
  return row!;
}

/** Takes one from a counter of the settings row (the audit quota, the speed-ups); false when none is left. */
async function takeOneFrom(db: Pick<Db, "update">, counter: "quotaRest" | "speedupRest"): Promise<boolean> {
  const column = sandboxCodeSettings[counter];
  const taken = await db
    .update(sandboxCodeSettings)
    .set({ [counter]: sql`${column} - 1` })
    .where(and(eq(sandboxCodeSettings.id, 1), sql`${column} > 0`))
    .returning({ rest: column });
  return taken.length > 0;
}

async function latestAudit(db: Db, auditId: number | null) {
  if (auditId === null) return undefined;
  const [row] = await db.select().from(sandboxCodeAudits).where(eq(sandboxCodeAudits.auditId, auditId));
  return row;
}

/** An empty-body POST must still carry `{}` (44002 otherwise, docs/wechat-protocol.md §11.0). */
function requireEmptyObjectBody(req: SandboxRequest) {
  if (req.body.text.trim() === "") throw new CodeError(44002);
}

// --- template library (component token) ------------------------------------------------------------

/** What a draft and a template both answer about the code upload they come from (`codeSourceColumns`). */
function wireCodeSource(upload: typeof sandboxCodeDrafts.$inferSelect) {
  return {
    create_time: upload.createTime,
    user_version: upload.userVersion,
    user_desc: upload.userDesc,
    source_miniprogram_appid: upload.sourceAppId,
    source_miniprogram: upload.sourceName,
    developer: upload.developer,
    category_list: [],
  };
}

export const getTemplateDraftList: RouteHandler = async (ctx, req) => {
  await componentCall(ctx, req);
  await getCodeSettings(ctx);
  const drafts = await ctx.db.select().from(sandboxCodeDrafts).orderBy(asc(sandboxCodeDrafts.draftId));
  return ok({
    draft_list: drafts.map((d) => ({ ...wireCodeSource(d), draft_id: d.draftId })),
  });
};

export const addToTemplate: RouteHandler = async (ctx, req) => {
  await componentCall(ctx, req);
  const body = parseBody(
    z.object({
      draft_id: z.coerce.number().int().min(0),
      template_type: z.coerce.number().int().min(0).max(1).default(0),
    }),
    jsonBody(req),
  );
  await getCodeSettings(ctx);
  const [draft] = await ctx.db.select().from(sandboxCodeDrafts).where(eq(sandboxCodeDrafts.draftId, body.draft_id));
  if (!draft) throw new CodeError(85064);
  await ctx.db.transaction(async (tx) => {
    const [{ n, max } = { n: 0, max: 0 }] = await tx
      .select({
        n: sql<number>`count(*)::int`,
        max: sql<number>`coalesce(max(${sandboxCodeTemplates.templateId}), 0)::int`,
      })
      .from(sandboxCodeTemplates);
    if (n >= TEMPLATE_CAP) throw new CodeError(85065);
    const { draftId, ...rest } = draft;
    await tx.insert(sandboxCodeTemplates).values({
      ...rest,
      draftId,
      templateId: max + 1,
      templateType: body.template_type,
      createTime: Math.floor(ctx.now() / 1000),
    });
  });
  return ok();
};

export const getTemplateList: RouteHandler = async (ctx, req) => {
  await componentCall(ctx, req);
  await getCodeSettings(ctx);
  const type = req.query.get("template_type");
  const rows = await ctx.db
    .select()
    .from(sandboxCodeTemplates)
    .where(type === null ? undefined : eq(sandboxCodeTemplates.templateType, Number(type)))
    .orderBy(asc(sandboxCodeTemplates.templateId));
  return ok({
    template_list: rows.map((t) => ({
      ...wireCodeSource(t),
      template_id: t.templateId,
      draft_id: t.draftId,
      template_type: t.templateType,
      ...(t.templateType === 1 ? { audit_scene: 0, audit_status: 3, reason: "" } : {}),
    })),
  });
};

/** gettemplatelist is GET only (docs/wechat-protocol.md §11.0): POST answers 43001. */
export const getTemplateListByPost: RouteHandler = async (ctx, req) => {
  await componentCall(ctx, req);
  throw new CodeError(43001);
};

export const deleteTemplate: RouteHandler = async (ctx, req) => {
  await componentCall(ctx, req);
  const body = parseBody(z.object({ template_id: z.coerce.number().int() }), jsonBody(req));
  const deleted = await ctx.db
    .delete(sandboxCodeTemplates)
    .where(eq(sandboxCodeTemplates.templateId, body.template_id))
    .returning({ id: sandboxCodeTemplates.templateId });
  if (deleted.length === 0) throw new CodeError(85064);
  return ok();
};

// --- commit and inspection (authorizer token, set 18) ----------------------------------------------

const STANDARD_EXT_KEYS = new Set(["extAppid", "ext", "window"]);

export const commit: RouteHandler = async (ctx, req) => {
  const appId = await authorizerCall(ctx, req);
  const body = parseBody(
    z.object({
      template_id: z.coerce.number().int(),
      ext_json: z.string(),
      user_version: z.string().min(1).max(64),
      user_desc: z.string(),
    }),
    jsonBody(req),
  );
  const settings = await getCodeSettings(ctx);
  const [template] = await ctx.db
    .select()
    .from(sandboxCodeTemplates)
    .where(eq(sandboxCodeTemplates.templateId, body.template_id));
  if (!template) throw new CodeError(85014);
  let ext: unknown;
  try {
    ext = JSON.parse(body.ext_json);
  } catch {
    throw new CodeError(85048);
  }
  if (typeof ext !== "object" || ext === null || Array.isArray(ext)) throw new CodeError(85048);
  if (template.templateType === 1 && Object.keys(ext).some((k) => !STANDARD_EXT_KEYS.has(k)))
    throw new CodeError(9402203);
  const now = codeNow(ctx, settings);
  await ctx.db.transaction(async (tx) => {
    await accountState(tx as unknown as Db, appId);
    // Each commit replaces the 体验版 and restarts the privacy check (docs/wechat-protocol.md §11.3.1).
    await tx
      .update(sandboxCodeAccounts)
      .set({
        exp: {
          templateId: template.templateId,
          version: body.user_version,
          desc: body.user_desc,
          time: Math.floor(now / 1000),
          extJson: body.ext_json,
        },
        privacyReadyAt: now + settings.privacyCheckMs,
      })
      .where(eq(sandboxCodeAccounts.appId, appId));
  });
  return ok();
};

export const getPage: RouteHandler = async (ctx, req) => {
  const appId = await authorizerCall(ctx, req);
  const row = await codeAccount(ctx, appId);
  if (!row?.exp) throw new CodeError(86001);
  return ok({ page_list: ["pages/index/index", "pages/order/index", "pages/member/index"] });
};

export const getCategory: RouteHandler = async (ctx, req) => {
  await authorizerCall(ctx, req);
  return ok({
    category_list: [
      { first_class: "餐饮", second_class: "点餐平台", first_id: 220, second_id: 221 },
      { first_class: "工具", second_class: "效率", first_id: 287, second_id: 616 },
    ],
  });
};

/** The 体验版 QR code: a real image (PNG here; WeChat sends JPEG); no 体验版 yet → 86001 (WeChat's answer unconfirmed). */
export const getQrcode: RouteHandler = async (ctx, req) => {
  const appId = await authorizerCall(ctx, req, [18, 86]);
  const row = await codeAccount(ctx, appId);
  if (!row?.exp) throw new CodeError(86001);
  const path = req.query.get("path") ?? "";
  const text = `https://open.weixin.qq.com/sns/getexpappinfo?appid=${appId}&version=${encodeURIComponent(row.exp.version)}${path ? `&path=${encodeURIComponent(path)}` : ""}`;
  const body = await QRCode.toBuffer(text, { type: "png", width: 280, margin: 2 });
  return {
    body,
    contentType: "image/png",
    headers: {
      "content-disposition": 'attachment; filename="QRCode.png"',
      "cache-control": "no-cache, must-revalidate",
    },
  };
};

export const getCodePrivacyInfo: RouteHandler = async (ctx, req) => {
  const appId = await authorizerCall(ctx, req);
  const settings = await getCodeSettings(ctx);
  const row = await codeAccount(ctx, appId);
  if (!row?.exp) throw new CodeError(86001);
  if ((row.privacyReadyAt ?? 0) > codeNow(ctx, settings)) throw new CodeError(61039);
  return ok({ without_auth_list: [], without_conf_list: [] });
};

// --- audit -----------------------------------------------------------------------------------------

/** Quota is per service provider: every account shares it (docs/wechat-protocol.md §11.4.1). */
export const queryQuota: RouteHandler = async (ctx, req) => {
  await authorizerCall(ctx, req);
  const s = await getCodeSettings(ctx);
  return ok({ rest: s.quotaRest, limit: s.quotaLimit, speedup_rest: s.speedupRest, speedup_limit: s.speedupLimit });
};

const itemSchema = z.looseObject({
  address: z.string().optional(),
  tag: z.string().optional(),
  first_class: z.string().optional(),
  second_class: z.string().optional(),
  first_id: z.coerce.number().optional(),
  second_id: z.coerce.number().optional(),
  title: z.string().optional(),
});

export const submitAudit: RouteHandler = async (ctx, req) => {
  const appId = await authorizerCall(ctx, req);
  const body = parseBody(
    z.looseObject({
      // 选填 in the current doc (docs/wechat-protocol.md §11.4.2): absent means WeChat uses the account's categories.
      item_list: z.array(itemSchema).optional(),
      version_desc: z.string().max(2000).optional(),
      preview_info: z.looseObject({}).optional(),
      privacy_api_not_use: z.boolean().optional(),
    }),
    jsonBody(req),
  );
  if (body.item_list && (body.item_list.length === 0 || body.item_list.length > 5)) throw new CodeError(85023);
  const settings = await getCodeSettings(ctx);
  const now = codeNow(ctx, settings);
  const audit = await ctx.db.transaction(async (tx) => {
    const db = tx as unknown as Db;
    const account = await accountState(db, appId);
    if (!account.exp) throw new CodeError(85086);
    const latest = await latestAudit(db, account.latestAuditId);
    if (latest && (latest.status === 2 || latest.status === 4)) throw new CodeError(85009);
    if ((account.privacyReadyAt ?? 0) > now) throw new CodeError(61039);
    if (!(await takeOneFrom(tx, "quotaRest"))) throw new CodeError(85085);
    const [created] = await tx
      .insert(sandboxCodeAudits)
      .values({
        appId,
        userVersion: account.exp.version,
        userDesc: account.exp.desc,
        submitTime: Math.floor(now / 1000),
        resolveAt: now + settings.auditDelayMs,
      })
      .returning();
    await tx
      .update(sandboxCodeAccounts)
      .set({ latestAuditId: created!.auditId })
      .where(eq(sandboxCodeAccounts.appId, appId));
    return created!;
  });
  // Audits due at once resolve right after the answer, as WeChat's reviewer would a moment later.
  if (settings.auditDelayMs === 0) {
    setImmediate(() => {
      resolveAudit(ctx, audit.auditId).catch((error: unknown) =>
        log.warn("sandbox: audit resolution failed", { error: String(error) }),
      );
    });
  }
  return ok({ auditid: audit.auditId });
};

/** Resolves due audits of one account before it is read, so a poll sees what the rule decided. */
async function resolveDueFor(ctx: SandboxContext, appId: string) {
  const settings = await getCodeSettings(ctx);
  const due = await ctx.db
    .select({ auditId: sandboxCodeAudits.auditId })
    .from(sandboxCodeAudits)
    .where(
      and(
        eq(sandboxCodeAudits.appId, appId),
        inArray(sandboxCodeAudits.status, [2, 4]),
        lte(sandboxCodeAudits.resolveAt, codeNow(ctx, settings)),
      ),
    );
  for (const a of due) await resolveAudit(ctx, a.auditId);
}

function auditJson(a: typeof sandboxCodeAudits.$inferSelect) {
  return {
    status: a.status,
    ...(a.status === 1 || a.status === 4 ? { reason: a.reason ?? "" } : {}),
    ...(a.status === 1 ? { screenshot: a.screenshot ?? "" } : {}),
  };
}

export const getAuditStatus: RouteHandler = async (ctx, req) => {
  const appId = await authorizerCall(ctx, req);
  const body = parseBody(z.object({ auditid: z.coerce.number().int() }), jsonBody(req));
  await resolveDueFor(ctx, appId);
  const [audit] = await ctx.db.select().from(sandboxCodeAudits).where(eq(sandboxCodeAudits.auditId, body.auditid));
  if (!audit || audit.appId !== appId) throw new CodeError(85012);
  return ok(auditJson(audit));
};

/** The doc's example spells `ScreenShot` here (docs/wechat-protocol.md §11.4.4), and so does the sandbox. */
export const getLatestAuditStatus: RouteHandler = async (ctx, req) => {
  const appId = await authorizerCall(ctx, req);
  await resolveDueFor(ctx, appId);
  const account = await codeAccount(ctx, appId);
  const audit = await latestAudit(ctx.db, account?.latestAuditId ?? null);
  if (!audit) throw new CodeError(85058);
  return ok({
    auditid: audit.auditId,
    status: audit.status,
    reason: audit.reason ?? "",
    ScreenShot: audit.screenshot ?? "",
    user_version: audit.userVersion,
    user_desc: audit.userDesc,
    submit_audit_time: audit.submitTime,
  });
};

/** Undo: only an audit under review (87012 otherwise, the recommended reading of §11.4.5); 10 per month. */
export const undoCodeAudit: RouteHandler = async (ctx, req) => {
  const appId = await authorizerCall(ctx, req);
  await ctx.db.transaction(async (tx) => {
    const db = tx as unknown as Db;
    const account = await accountState(db, appId);
    const latest = await latestAudit(db, account.latestAuditId);
    if (!latest || (latest.status !== 2 && latest.status !== 4)) throw new CodeError(87012);
    if (account.undoCount >= UNDO_LIMIT) throw new CodeError(87013);
    await tx
      .update(sandboxCodeAudits)
      .set({ status: 3, resolveAt: null })
      .where(eq(sandboxCodeAudits.auditId, latest.auditId));
    await tx
      .update(sandboxCodeAccounts)
      .set({ undoCount: account.undoCount + 1 })
      .where(eq(sandboxCodeAccounts.appId, appId));
  });
  return ok();
};

export const speedupAudit: RouteHandler = async (ctx, req) => {
  const appId = await authorizerCall(ctx, req);
  const body = parseBody(z.object({ auditid: z.coerce.number().int() }), jsonBody(req));
  await ctx.db.transaction(async (tx) => {
    const [audit] = await tx.select().from(sandboxCodeAudits).where(eq(sandboxCodeAudits.auditId, body.auditid));
    if (!audit || audit.appId !== appId || audit.status !== 2) throw new CodeError(89402);
    if (audit.speedup) throw new CodeError(89404);
    if (!(await takeOneFrom(tx, "speedupRest"))) throw new CodeError(89405);
    await tx.update(sandboxCodeAudits).set({ speedup: true }).where(eq(sandboxCodeAudits.auditId, audit.auditId));
  });
  return ok();
};

// --- release ---------------------------------------------------------------------------------------

/** Releases the latest audit if it was approved (docs/wechat-protocol.md §11.5.1 and the table of §11.7). */
export const release: RouteHandler = async (ctx, req) => {
  const appId = await authorizerCall(ctx, req);
  requireEmptyObjectBody(req);
  await ctx.db.transaction(async (tx) => {
    const db = tx as unknown as Db;
    const account = await accountState(db, appId);
    const [approved] = await tx
      .select({ id: sandboxCodeAudits.auditId })
      .from(sandboxCodeAudits)
      .where(and(eq(sandboxCodeAudits.appId, appId), eq(sandboxCodeAudits.status, 0)))
      .limit(1);
    if (!approved) throw new CodeError(85019);
    const latest = await latestAudit(db, account.latestAuditId);
    if (!latest || latest.status !== 0) throw new CodeError(85020);
    if (latest.released) throw new CodeError(85052);
    const online: SandboxOnline = {
      version: latest.userVersion,
      desc: latest.userDesc,
      releaseTime: Math.floor(ctx.now() / 1000),
      appVersion: (account.online?.appVersion ?? 0) + 1,
      auditId: latest.auditId,
    };
    await tx.update(sandboxCodeAudits).set({ released: true }).where(eq(sandboxCodeAudits.auditId, latest.auditId));
    await tx
      .update(sandboxCodeAccounts)
      .set({
        online,
        history: account.online ? [account.online, ...account.history].slice(0, 5) : account.history,
        revertedOnce: false,
        gray: null,
      })
      .where(eq(sandboxCodeAccounts.appId, appId));
  });
  // The release makes the domains set by 方式二 effective and the dev privacy guideline live (setup.ts).
  await releaseSetup(ctx, appId);
  return ok();
};

/** Rollback to the previous (or `app_version`) release; `action=get_history_version` only lists (§11.5.2). */
export const revertCodeRelease: RouteHandler = async (ctx, req) => {
  const appId = await authorizerCall(ctx, req);
  const action = req.query.get("action");
  const appVersion = req.query.get("app_version");
  const list = await ctx.db.transaction(async (tx) => {
    const db = tx as unknown as Db;
    const account = await accountState(db, appId);
    if (action === "get_history_version") return account.revertedOnce ? [] : account.history;
    if (action !== null) throw new CodeError(40097);
    if (account.gray && account.gray.status === 1) throw new CodeError(87011);
    if (account.revertedOnce || !account.online || account.history.length === 0) throw new CodeError(87012);
    const target =
      appVersion === null ? account.history[0] : account.history.find((h) => String(h.appVersion) === appVersion);
    if (!target) throw new CodeError(40097);
    await tx
      .update(sandboxCodeAccounts)
      .set({ online: { ...target, releaseTime: Math.floor(ctx.now() / 1000) }, history: [], revertedOnce: true })
      .where(eq(sandboxCodeAccounts.appId, appId));
    return null;
  });
  if (list === null) return ok();
  return ok({
    version_list: list.map((h) => ({
      app_version: h.appVersion,
      user_version: h.version,
      user_desc: h.desc,
      commit_time: h.releaseTime,
    })),
  });
};

export const grayRelease: RouteHandler = async (ctx, req) => {
  const appId = await authorizerCall(ctx, req);
  const body = parseBody(
    z.object({
      gray_percentage: z.number(),
      support_debuger_first: z.boolean().default(false),
      support_experiencer_first: z.boolean().default(false),
    }),
    jsonBody(req),
  );
  const pct = body.gray_percentage;
  if (!Number.isInteger(pct) || pct < 0 || pct > 100) throw new CodeError(85081);
  if (pct === 0 && !body.support_debuger_first && !body.support_experiencer_first) throw new CodeError(85081);
  const releasedInFull = await ctx.db.transaction(async (tx) => {
    const db = tx as unknown as Db;
    const account = await accountState(db, appId);
    if (!account.online) throw new CodeError(85079);
    const latest = await latestAudit(db, account.latestAuditId);
    if (!latest || latest.status !== 0) throw new CodeError(85080);
    if (account.gray && account.gray.status === 1 && pct <= account.gray.percentage) throw new CodeError(85082);
    // Gray release of the approved audit: at 100 % it is the online version (the plan is then 执行完毕).
    const full = pct === 100;
    const set: Partial<typeof sandboxCodeAccounts.$inferInsert> = {
      gray: {
        status: full ? 3 : 1,
        percentage: pct,
        createTime: account.gray?.createTime ?? Math.floor(ctx.now() / 1000),
        debuger: body.support_debuger_first,
        experiencer: body.support_experiencer_first,
      },
    };
    if (full && !latest.released) {
      set.online = {
        version: latest.userVersion,
        desc: latest.userDesc,
        releaseTime: Math.floor(ctx.now() / 1000),
        appVersion: account.online.appVersion + 1,
        auditId: latest.auditId,
      };
      set.history = [account.online, ...account.history].slice(0, 5);
      await tx.update(sandboxCodeAudits).set({ released: true }).where(eq(sandboxCodeAudits.auditId, latest.auditId));
    }
    await tx.update(sandboxCodeAccounts).set(set).where(eq(sandboxCodeAccounts.appId, appId));
    return full && !latest.released;
  });
  // At 100 % the approved version is the online one: its setup takes effect as at release.
  if (releasedInFull) await releaseSetup(ctx, appId);
  return ok();
};

export const getGrayReleasePlan: RouteHandler = async (ctx, req) => {
  const appId = await authorizerCall(ctx, req);
  const row = await codeAccount(ctx, appId);
  const g = row?.gray;
  // No plan ever: an initial plan (status 0) at 0 % (WeChat's answer unconfirmed, docs/wechat-protocol.md §11.5.3).
  return ok({
    gray_release_plan: {
      status: g?.status ?? 0,
      create_timestamp: g?.createTime ?? 0,
      gray_percentage: g?.percentage ?? 0,
      support_debuger_first: g?.debuger ?? false,
      support_experiencer_first: g?.experiencer ?? false,
    },
  });
};

export const revertGrayRelease: RouteHandler = async (ctx, req) => {
  const appId = await authorizerCall(ctx, req);
  await ctx.db.transaction(async (tx) => {
    const account = await accountState(tx as unknown as Db, appId);
    if (account.gray)
      await tx
        .update(sandboxCodeAccounts)
        .set({ gray: { ...account.gray, status: 4 } })
        .where(eq(sandboxCodeAccounts.appId, appId));
  });
  return ok();
};

export const getVersionInfo: RouteHandler = async (ctx, req) => {
  const appId = await authorizerCall(ctx, req);
  requireEmptyObjectBody(req);
  const row = await codeAccount(ctx, appId);
  return ok({
    ...(row?.exp ? { exp_info: { exp_time: row.exp.time, exp_version: row.exp.version, exp_desc: row.exp.desc } } : {}),
    ...(row?.online
      ? {
          release_info: {
            release_time: row.online.releaseTime,
            release_version: row.online.version,
            release_desc: row.online.desc,
          },
        }
      : {}),
  });
};

// --- the reviewer -----------------------------------------------------------------------------------

export type AuditDecision = { rule: SandboxAuditRule; reason?: string };

/**
 * Resolves one audit under review (2) or delayed (4): by `decision`, or by the account's rule. A delayed audit
 * resolved by rule is approved (the delay rule delays once). Pushes the matching event unless pushes are off; returns
 * the event's fields (tests that deliver pushes themselves use them), or null when the audit was not open.
 */
export async function resolveAudit(ctx: SandboxContext, auditId: number, decision?: AuditDecision) {
  const settings = await getCodeSettings(ctx);
  const [audit] = await ctx.db.select().from(sandboxCodeAudits).where(eq(sandboxCodeAudits.auditId, auditId));
  if (!audit || (audit.status !== 2 && audit.status !== 4)) return null;
  const byRule = settings.appRules[audit.appId] ?? { rule: settings.defaultRule };
  let d: AuditDecision = decision ?? byRule;
  if (!decision && audit.status === 4 && d.rule === "delay") d = { rule: "approve" };
  const now = codeNow(ctx, settings);
  const status: AuditStatus = d.rule === "approve" ? 0 : d.rule === "reject" ? 1 : 4;
  const reason =
    d.rule === "reject" ? (d.reason ?? settings.rejectReason) : d.rule === "delay" ? (d.reason ?? DELAY_REASON) : null;
  const screenshot = d.rule === "reject" ? `sandbox_media_${auditId}_1|sandbox_media_${auditId}_2` : null;
  const updated = await ctx.db
    .update(sandboxCodeAudits)
    .set({ status, reason, screenshot, resolveAt: status === 4 ? now + Math.max(settings.auditDelayMs, 1000) : null })
    .where(and(eq(sandboxCodeAudits.auditId, auditId), eq(sandboxCodeAudits.status, audit.status)))
    .returning({ auditId: sandboxCodeAudits.auditId });
  if (updated.length === 0) return null; // someone else resolved it meanwhile
  const [account] = await ctx.db
    .select({ profile: sandboxAuthorizers.profile })
    .from(sandboxAuthorizers)
    .where(eq(sandboxAuthorizers.appId, audit.appId));
  const userName =
    typeof account?.profile.user_name === "string" ? account.profile.user_name : `gh_${audit.appId.slice(2, 14)}`;
  const t = Math.floor(ctx.now() / 1000);
  const event =
    d.rule === "approve" ? "weapp_audit_success" : d.rule === "reject" ? "weapp_audit_fail" : "weapp_audit_delay";
  const fields: Record<string, string | number> & { ToUserName: string; FromUserName: string } = {
    ToUserName: userName,
    FromUserName: SANDBOX_SYSTEM_OPENID,
    CreateTime: t,
    MsgType: "event",
    Event: event,
    ...(status === 0
      ? { SuccTime: t }
      : status === 1
        ? { Reason: reason!, FailTime: t, ScreenShot: screenshot! }
        : { Reason: reason!, DelayTime: t }),
  };
  if (settings.pushEvents) {
    const answer = await pushMessage(ctx, audit.appId, fields);
    await ctx.db
      .update(sandboxCodeAudits)
      .set({ pushStatus: answer.status })
      .where(eq(sandboxCodeAudits.auditId, auditId));
    if (answer.status !== 200)
      log.warn("sandbox: audit event not acknowledged", { appId: audit.appId, status: answer.status });
  }
  return { appId: audit.appId, auditId, status, fields };
}

/** Every audit whose rule time has come (the background tick and the control plane). */
export async function resolveDueAudits(ctx: SandboxContext) {
  const settings = await getCodeSettings(ctx);
  const due = await ctx.db
    .select({ auditId: sandboxCodeAudits.auditId })
    .from(sandboxCodeAudits)
    .where(and(inArray(sandboxCodeAudits.status, [2, 4]), lte(sandboxCodeAudits.resolveAt, codeNow(ctx, settings))))
    .orderBy(asc(sandboxCodeAudits.auditId))
    .limit(500);
  const resolved = [];
  for (const a of due) {
    const r = await resolveAudit(ctx, a.auditId);
    if (r) resolved.push(r);
  }
  return resolved;
}

/** The audit ledger: every audit created, newest first (tests count submissions per account). */
export async function listAudits(ctx: SandboxContext, appId?: string) {
  return ctx.db
    .select()
    .from(sandboxCodeAudits)
    .where(appId ? eq(sandboxCodeAudits.appId, appId) : undefined)
    .orderBy(desc(sandboxCodeAudits.auditId));
}

/** One account's code state at WeChat (the console and tests). */
export async function codeAccount(ctx: SandboxContext, appId: string) {
  const [row] = await ctx.db.select().from(sandboxCodeAccounts).where(eq(sandboxCodeAccounts.appId, appId));
  return row ?? null;
}

/** The console uploads a new draft (what the developer's DevTools upload does). */
export async function addDraft(ctx: SandboxContext, input: unknown) {
  const d = z
    .object({ userVersion: z.string().min(1).max(64), userDesc: z.string().max(200).default("") })
    .parse(input);
  await getCodeSettings(ctx);
  const [{ max } = { max: -1 }] = await ctx.db
    .select({ max: sql<number>`coalesce(max(${sandboxCodeDrafts.draftId}), -1)::int` })
    .from(sandboxCodeDrafts);
  const draftId = max + 1;
  await ctx.db.insert(sandboxCodeDrafts).values({
    draftId,
    userVersion: d.userVersion,
    userDesc: d.userDesc,
    createTime: Math.floor(ctx.now() / 1000),
    sourceAppId: "wx00000000000d5e70",
    sourceName: "门店小程序模板",
    developer: "平台开发者",
  });
  return { draftId };
}
