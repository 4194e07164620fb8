import { randomBytes, randomInt } from "node:crypto";
import { and, count, eq, gte, lt, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { sandboxAuthCodes, sandboxAuthorizers, sandboxFastRegistrations } from "@/db/schema";
import { isPlausibleWechatId, isValidCreditCode } from "@/lib/wechat/fastregister";
import type { WechatXmlFields } from "@/lib/wechat/xml";
import {
  jsonBody,
  newRefreshToken,
  requireAuthorizerToken,
  requireComponentToken,
  SandboxApiError,
  urlSafe,
  type HandlerResult,
  type RouteHandler,
  type SandboxContext,
  type SandboxRequest,
} from "./context";
import { push } from "./pushes";

/**
 * Fast registration of mini programs (快速注册, /work docs/wechat-protocol.md §13 as summarised in docs/registration.md),
 * in its current shape (after 2026-04-30): `fastregisterenterpriseweapp` and `fastregisterpersonalweapp` take
 * `new_version: true` and answer a `taskid` and an `authorize_url` valid 24 hours; the legacy `fastregisterweapp`
 * answers -1. The confirming person opens the authorize_url (the sandbox page /sandbox/fastregister/authorize) and
 * confirms, refuses or fails the face check; on success the new mini program is authorized to the platform and
 * `authorized` and `notify_third_fasteregister` are pushed to the component URL in random order, sometimes twice.
 * Reuse of an official account's entity (§13.8): the fastregisterauth page gives a ticket, /cgi-bin/account/fastregister
 * exchanges it synchronously for the new appid and an authorization code.
 */

export const TASK_TTL_SECONDS = 24 * 3600;
/** A ticket from the fastregisterauth page (§13.8); its lifetime is not documented. */
const TICKET_TTL_SECONDS = 600;
const AUTH_CODE_TTL_SECONDS = 600;
/** Personal: "每个微信号每天只能调用该接口5次" (91030). */
const PERSONAL_DAILY_LIMIT = 5;
/** Reuse of an official account's entity: 5 per account per month (61055). */
const OA_MONTHLY_LIMIT = 5;
/** Permission sets WeChat grants the platform on a fast-registered mini program (personal doc list, by our ids). */
export const FAST_REGISTER_FUNC_IDS = [17, 18, 25, 30, 40];

/** Task statuses of each API (they are numbered differently: enterprise per Senparc, personal per the API doc). */
export const ENTERPRISE_STATUS = {
  generated: 1,
  timeout: 2,
  refused: 3,
  faceFailed: 6,
  created: 12,
  entityFailed: 14,
} as const;
export const PERSONAL_STATUS = {
  generated: 0,
  timeout: 1,
  refused: 2,
  faceFailed: 5,
  created: 12,
  entityFailed: 14,
} as const;

type Kind = "enterprise" | "personal" | "official_account";
const statusesOf = (kind: Kind) => (kind === "personal" ? PERSONAL_STATUS : ENTERPRISE_STATUS);

const taskId = () => randomBytes(16).toString("hex");

function action(query: URLSearchParams, allowed: string[]): string {
  const a = query.get("action") ?? "";
  // Senparc's enum for the new API: -1 非法ACTION参数.
  if (!allowed.includes(a)) throw new SandboxApiError(-1);
  return a;
}

const str = z.preprocess((v) => (typeof v === "number" ? String(v) : v), z.string().trim().optional());
const enterpriseBody = z.looseObject({
  name: str,
  code: str,
  component_phone: str,
  new_version: z.unknown().optional(),
});
const personalBody = z.looseObject({
  wxuser: str,
  idname: str,
  component_phone: str,
  new_version: z.unknown().optional(),
});
const queryBody = z.looseObject({ taskid: str });

function authorizeUrl(ctx: SandboxContext, token: string) {
  return `${ctx.portalUrl}/sandbox/fastregister/authorize?action=show&create_token=${token}#wechat_redirect`;
}

/** Marks overdue tasks as timed out and pushes their failure (status 100003), like WeChat after 24 hours. */
export async function expireFastRegistrations(ctx: SandboxContext, opts: { deliver?: boolean } = {}) {
  const overdue = await ctx.db
    .select()
    .from(sandboxFastRegistrations)
    .where(and(lt(sandboxFastRegistrations.expiresAt, ctx.at()), sql`${sandboxFastRegistrations.decidedAt} is null`));
  const pushes: WechatXmlFields[] = [];
  for (const task of overdue) {
    const [expired] = await ctx.db
      .update(sandboxFastRegistrations)
      .set({ status: statusesOf(task.kind).timeout, decidedAt: ctx.at() })
      .where(and(eq(sandboxFastRegistrations.taskId, task.taskId), sql`${sandboxFastRegistrations.decidedAt} is null`))
      .returning();
    if (!expired || expired.kind === "official_account") continue;
    pushes.push(notifyFields(ctx, expired, { status: 100003, msg: "已下发的模板消息法人并未确认且已超时（24h）" }));
  }
  if (opts.deliver !== false) for (const p of pushes) await push(ctx, p);
  return pushes;
}

/** WeChat's answer about a task, to a create or a query (§13.5, §13.6). */
function taskAnswer(ctx: SandboxContext, task: { taskId: string; createToken: string; status: number }) {
  return {
    errcode: 0,
    errmsg: "ok",
    taskid: task.taskId,
    authorize_url: authorizeUrl(ctx, task.createToken),
    status: task.status,
  };
}

async function answerTask(ctx: SandboxContext, kind: Kind, id: string | undefined) {
  await expireFastRegistrations(ctx);
  const [task] = await ctx.db
    .select()
    .from(sandboxFastRegistrations)
    .where(eq(sandboxFastRegistrations.taskId, id ?? ""));
  if (!task || task.kind !== kind) throw new SandboxApiError(89250);
  return taskAnswer(ctx, task);
}

async function createTask(ctx: SandboxContext, kind: Kind, entityKey: string, request: Record<string, unknown>) {
  await expireFastRegistrations(ctx);
  // How many of this entity's tasks of this kind match `condition`.
  const countTasks = async (condition: SQL) => {
    const [row] = await ctx.db
      .select({ n: count() })
      .from(sandboxFastRegistrations)
      .where(
        and(eq(sandboxFastRegistrations.kind, kind), eq(sandboxFastRegistrations.entityKey, entityKey), condition),
      );
    return row?.n ?? 0;
  };
  // 创建任务逻辑串行: one task per entity at a time.
  if ((await countTasks(sql`${sandboxFastRegistrations.decidedAt} is null`)) > 0) throw new SandboxApiError(89249);
  if (kind === "personal") {
    const today = await countTasks(gte(sandboxFastRegistrations.createdAt, ctx.at(-86400)));
    if (today >= PERSONAL_DAILY_LIMIT) throw new SandboxApiError(91030);
  }
  const task = {
    taskId: taskId(),
    createToken: urlSafe(48),
    kind,
    entityKey,
    request,
    status: statusesOf(kind).generated,
    expiresAt: ctx.at(TASK_TTL_SECONDS),
    createdAt: ctx.at(),
  };
  await ctx.db.insert(sandboxFastRegistrations).values(task);
  return taskAnswer(ctx, task);
}

/**
 * The steps the new-version task endpoints share: faults, component token, `action`; a query answers the task, a
 * create body that fails `schema` answers 86030 and one without `new_version: true` -1 before `create` sees it.
 */
async function serveTask<T extends { new_version?: unknown }>(
  ctx: SandboxContext,
  req: SandboxRequest,
  kind: "enterprise" | "personal",
  schema: z.ZodType<T>,
  create: (body: T) => Promise<Record<string, unknown>>,
): Promise<HandlerResult> {
  await req.faults("");
  await requireComponentToken(ctx, req.query);
  const act = action(req.query, ["create", "query"]);
  const raw = jsonBody(req);
  if (act === "query") return { json: await answerTask(ctx, kind, queryBody.parse(raw).taskid) };
  const body = schema.safeParse(raw);
  if (!body.success) throw new SandboxApiError(86030);
  // The old version is offline since 2026-04-30; "new_version" must be true (§13.0).
  if (body.data.new_version !== true && body.data.new_version !== "true") throw new SandboxApiError(-1);
  return { json: await create(body.data) };
}

/** POST /wxa/component/fastregisterenterpriseweapp?action=create|query (§13.5). */
export const fastRegisterEnterprise: RouteHandler = (ctx, req) =>
  serveTask(ctx, req, "enterprise", enterpriseBody, async ({ name, code, component_phone: phone }) => {
    if (!name || !code || !phone) throw new SandboxApiError(86030);
    if (!isValidCreditCode(code)) throw new SandboxApiError(89255);
    // A name the sandbox treats as a company that is no longer trading (工商: 非在营).
    if (name.includes("已注销")) throw new SandboxApiError(86021);
    return createTask(ctx, "enterprise", code, { name, code, component_phone: phone });
  });

/** POST /wxa/component/fastregisterpersonalweapp?action=create|query (§13.6). */
export const fastRegisterPersonal: RouteHandler = (ctx, req) =>
  serveTask(ctx, req, "personal", personalBody, async ({ wxuser, component_phone: phone }) => {
    if (!wxuser || !phone) throw new SandboxApiError(86030);
    if (!isPlausibleWechatId(wxuser)) throw new SandboxApiError(86032);
    return createTask(ctx, "personal", wxuser.toLowerCase(), { wxuser, component_phone: phone });
  });

/** POST /cgi-bin/component/fastregisterweapp: offline since 2026-04-30, answers -1 ("接口已经调整了", §13.0). */
export const fastRegisterLegacy: RouteHandler = async (ctx, req) => {
  await req.faults("");
  await requireComponentToken(ctx, req.query);
  throw new SandboxApiError(-1);
};

/**
 * The official account's administrator confirmed on the fastregisterauth page (§13.8 step 1): a ticket for
 * /cgi-bin/account/fastregister. Returns the ticket, or why the page refuses.
 */
export async function issueFastRegisterTicket(
  ctx: SandboxContext,
  input: { officialAccountAppId: string; componentAppId: string },
): Promise<{ ok: true; ticket: string } | { ok: false; errcode: number }> {
  if (input.componentAppId !== ctx.component.appId) return { ok: false, errcode: 61011 };
  const [oa] = await ctx.db
    .select()
    .from(sandboxAuthorizers)
    .where(eq(sandboxAuthorizers.appId, input.officialAccountAppId));
  if (!oa?.authorized || oa.kind !== "official_account") return { ok: false, errcode: 61003 };
  // The 快速注册小程序 permission set (27) must be granted to this platform.
  if (!oa.funcIds.includes(27)) return { ok: false, errcode: 61029 };
  const ticket = randomBytes(16).toString("hex");
  await ctx.db.insert(sandboxFastRegistrations).values({
    taskId: taskId(),
    createToken: ticket,
    kind: "official_account",
    entityKey: oa.appId,
    request: { principal_name: oa.profile.principal_name ?? "" },
    status: 0,
    expiresAt: ctx.at(TICKET_TTL_SECONDS),
    createdAt: ctx.at(),
  });
  return { ok: true, ticket };
}

/** POST /cgi-bin/account/fastregister?access_token=<公众号 token> {ticket} (§13.8 step 3): synchronous result. */
export const accountFastRegister: RouteHandler = async (ctx, req) => {
  const raw = jsonBody(req);
  const oaAppId = await requireAuthorizerToken(ctx, req.query);
  await req.faults(oaAppId);
  const ticket = z.looseObject({ ticket: str }).parse(raw).ticket ?? "";
  const [task] = await ctx.db
    .select()
    .from(sandboxFastRegistrations)
    .where(eq(sandboxFastRegistrations.createToken, ticket));
  if (
    !task ||
    task.kind !== "official_account" ||
    task.entityKey !== oaAppId ||
    task.decidedAt ||
    task.expiresAt.getTime() <= ctx.now()
  ) {
    throw new SandboxApiError(61058);
  }
  const monthStart = ctx.at(-30 * 86400);
  const [created] = await ctx.db
    .select({ n: count() })
    .from(sandboxFastRegistrations)
    .where(
      and(
        eq(sandboxFastRegistrations.kind, "official_account"),
        eq(sandboxFastRegistrations.entityKey, oaAppId),
        eq(sandboxFastRegistrations.status, 12),
        gte(sandboxFastRegistrations.createdAt, monthStart),
      ),
    );
  if ((created?.n ?? 0) >= OA_MONTHLY_LIMIT) throw new SandboxApiError(61055);
  const { appId, authCode } = await createMiniProgram(ctx, String(task.request.principal_name ?? ""));
  await ctx.db
    .update(sandboxFastRegistrations)
    .set({ status: 12, appId, authCode, decidedAt: ctx.at() })
    .where(eq(sandboxFastRegistrations.taskId, task.taskId));
  // The doc's example types the booleans as strings.
  return {
    json: {
      errcode: 0,
      errmsg: "",
      appid: appId,
      authorization_code: authCode,
      is_wx_verify_succ: "true",
      is_link_succ: "true",
    },
  };
};

/** A new, unverified, unnamed mini program, authorized to the platform with FAST_REGISTER_FUNC_IDS. */
async function createMiniProgram(ctx: SandboxContext, principalName: string) {
  const appId = `wx${randomBytes(8).toString("hex")}`;
  const authTime = Math.floor(ctx.now() / 1000);
  await ctx.db.insert(sandboxAuthorizers).values({
    appId,
    kind: "mini_program",
    profile: {
      // A fresh registration has no name, category or avatar yet, and is not verified (§13.9).
      nick_name: "",
      head_img: "",
      verify_type_info: { id: -1 },
      service_type_info: { id: 0 },
      user_name: `gh_${appId.slice(2, 14)}`,
      principal_name: principalName,
      signature: "",
      MiniProgramInfo: { network: {}, categories: [], visit_status: 0 },
      register_type: 2,
      account_status: 1,
    },
    funcIds: FAST_REGISTER_FUNC_IDS,
    authorized: true,
    refreshToken: newRefreshToken(),
    authTime,
  });
  const authCode = `queryauthcode@@@${urlSafe(64)}`;
  await ctx.db
    .insert(sandboxAuthCodes)
    .values({ code: authCode, authorizerAppId: appId, expiresAt: ctx.at(AUTH_CODE_TTL_SECONDS) });
  return { appId, authCode, authTime };
}

type Task = typeof sandboxFastRegistrations.$inferSelect;

function infoOf(task: Task, withTaskId: boolean): WechatXmlFields {
  const r = task.request as Record<string, string>;
  const info: WechatXmlFields =
    task.kind === "personal"
      ? { wxuser: r.wxuser ?? "", idname: r.idname ?? "", component_phone: r.component_phone ?? "" }
      : { name: r.name ?? "", code: r.code ?? "", code_type: 1, component_phone: r.component_phone ?? "" };
  return withTaskId ? { ...info, taskid: task.taskId } : info;
}

function notifyFields(
  ctx: SandboxContext,
  task: Task,
  result: { status: number; msg: string; appId?: string; authCode?: string },
  withTaskId = Math.random() < 0.5,
): WechatXmlFields {
  // Element order differs between the doc sample and real pushes (§13.4): parsers must not rely on it.
  return {
    AppId: ctx.component.appId,
    CreateTime: Math.floor(ctx.now() / 1000),
    InfoType: "notify_third_fasteregister",
    status: result.status,
    msg: result.msg,
    ...(result.appId ? { appid: result.appId } : {}),
    ...(result.authCode ? { auth_code: result.authCode } : {}),
    info: infoOf(task, withTaskId),
  };
}

export const DECISIONS = ["confirm", "refuse", "face_fail", "entity_fail"] as const;
export type Decision = (typeof DECISIONS)[number];

/** What the sandbox's authorize_url page shows. */
export async function inspectFastRegistration(ctx: SandboxContext, createToken: string) {
  await expireFastRegistrations(ctx);
  const [task] = await ctx.db
    .select()
    .from(sandboxFastRegistrations)
    .where(eq(sandboxFastRegistrations.createToken, createToken));
  if (!task || task.kind === "official_account") return undefined;
  const r = task.request as Record<string, string>;
  return {
    kind: task.kind,
    name: r.name ?? null,
    code: r.code ?? null,
    wxuser: r.wxuser ?? null,
    status: task.status,
    open: task.decidedAt === null,
    expiresAt: task.expiresAt.toISOString(),
    appId: task.appId,
  };
}

const decideSchema = z.object({
  createToken: z.string().min(1).optional(),
  taskid: z.string().min(1).optional(),
  decision: z.enum(DECISIONS),
  /** false: answer with the pushes instead of sending them (tests deliver them in the order they choose). */
  deliver: z.boolean().default(true),
  /** Whether the push's `info` carries `taskid` (unconfirmed for the new API): default random. */
  infoTaskId: z.boolean().optional(),
});

/**
 * The confirming person's answer on the authorize_url page. confirm: the mini program is created and authorized,
 * `authorized` and `notify_third_fasteregister` are pushed (random order, sometimes one twice); refuse / face_fail:
 * the task status says so, nothing is pushed; entity_fail (enterprise): the entity check fails, status 1000 pushed.
 */
export async function decideFastRegistration(ctx: SandboxContext, input: z.input<typeof decideSchema>) {
  const d = decideSchema.parse(input);
  await expireFastRegistrations(ctx);
  const where = d.createToken
    ? eq(sandboxFastRegistrations.createToken, d.createToken)
    : eq(sandboxFastRegistrations.taskId, d.taskid ?? "");
  const [task] = await ctx.db.select().from(sandboxFastRegistrations).where(where);
  if (!task || task.kind === "official_account")
    return { ok: false as const, reason: "not_found" as const, pushes: [] };
  if (task.decidedAt) return { ok: false as const, reason: "closed" as const, status: task.status, pushes: [] };
  const statuses = statusesOf(task.kind);
  const withTaskId = d.infoTaskId ?? Math.random() < 0.5;
  let pushes: WechatXmlFields[] = [];
  let status: number;
  let created: { appId: string; authCode: string; authTime: number } | undefined;
  if (d.decision === "confirm") {
    status = statuses.created;
    created = await createMiniProgram(
      ctx,
      task.kind === "personal" ? "" : String((task.request as Record<string, string>).name ?? ""),
    );
    pushes = [
      {
        AppId: ctx.component.appId,
        CreateTime: created.authTime,
        InfoType: "authorized",
        AuthorizerAppid: created.appId,
        AuthorizationCode: created.authCode,
        AuthorizationCodeExpiredTime: created.authTime + AUTH_CODE_TTL_SECONDS,
      },
      notifyFields(ctx, task, { status: 0, msg: "OK", appId: created.appId, authCode: created.authCode }, withTaskId),
    ];
  } else if (d.decision === "entity_fail" && task.kind === "enterprise") {
    status = statuses.entityFailed;
    pushes = [notifyFields(ctx, task, { status: 1000, msg: "企业信息或法定代表人信息不一致" }, withTaskId)];
  } else {
    status =
      d.decision === "refuse"
        ? statuses.refused
        : d.decision === "face_fail"
          ? statuses.faceFailed
          : statuses.entityFailed;
  }
  const [decided] = await ctx.db
    .update(sandboxFastRegistrations)
    .set({ status, decidedAt: ctx.at(), appId: created?.appId ?? null, authCode: created?.authCode ?? null })
    .where(and(eq(sandboxFastRegistrations.taskId, task.taskId), sql`${sandboxFastRegistrations.decidedAt} is null`))
    .returning();
  if (!decided) return { ok: false as const, reason: "closed" as const, status: task.status, pushes: [] };
  if (d.deliver) {
    // WeChat's order is not fixed (authorized was seen first, §13.4), and a slow answer makes it send again.
    const order = randomInt(2) === 0 ? pushes : [...pushes].reverse();
    if (order.length > 0 && randomInt(3) === 0) order.push(order[randomInt(order.length)]!);
    for (const p of order) await push(ctx, p);
  }
  return { ok: true as const, status, appId: created?.appId ?? null, pushes };
}

/** Ages a task by `seconds` on the sandbox clock (tests of the 24-hour expiry, without waiting a day). */
export async function ageFastRegistration(ctx: SandboxContext, input: { taskid: string; seconds: number }) {
  const { taskid, seconds } = z.object({ taskid: z.string(), seconds: z.number().int().min(0) }).parse(input);
  const interval = sql`make_interval(secs => ${seconds})`;
  await ctx.db
    .update(sandboxFastRegistrations)
    .set({
      createdAt: sql`${sandboxFastRegistrations.createdAt} - ${interval}`,
      expiresAt: sql`${sandboxFastRegistrations.expiresAt} - ${interval}`,
    })
    .where(eq(sandboxFastRegistrations.taskId, taskid));
}
