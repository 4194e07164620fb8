import { z } from "zod";
import { authorizerCredential, endpoint, type ApiCore, type Endpoint } from "./api-core";

/**
 * Fast registration of mini programs (快速注册, docs/registration.md; protocol notes §13). Current flows since
 * 2026-04-30: enterprise and personal tasks take `new_version: true` and answer a `taskid` and an `authorize_url`
 * (valid 24 h) that the platform shows as a QR code; the legacy `fastregisterweapp` answers -1. Reuse of an
 * official account's entity: the fastregisterauth page, then `account/fastregister` with the ticket.
 * Parsing is tolerant: numbers may come as strings and booleans as "true" (§13.8, §13.11.6).
 */

const ENDPOINTS = {
  enterprise: endpoint("POST /wxa/component/fastregisterenterpriseweapp", { repeatable: false }),
  enterpriseQuery: endpoint("POST /wxa/component/fastregisterenterpriseweapp", { repeatable: true }),
  personal: endpoint("POST /wxa/component/fastregisterpersonalweapp", { repeatable: false }),
  personalQuery: endpoint("POST /wxa/component/fastregisterpersonalweapp", { repeatable: true }),
  legacy: endpoint("POST /cgi-bin/component/fastregisterweapp", { repeatable: false }),
  account: endpoint("POST /cgi-bin/account/fastregister", { repeatable: false }),
} satisfies Record<string, Endpoint>;

const looseString = z.preprocess((v) => (typeof v === "number" ? String(v) : v), z.string());
const looseNumber = z.preprocess((v) => (typeof v === "string" && v.trim() !== "" ? Number(v) : v), z.number());
const looseBoolean = z.preprocess(
  (v) => (v === "true" || v === 1 || v === "1" ? true : v === "false" || v === 0 || v === "0" ? false : v),
  z.boolean(),
);

export const fastRegisterTaskResponseSchema = z.looseObject({
  taskid: looseString.optional(),
  authorize_url: z.string().optional(),
  status: looseNumber.optional(),
});

export const accountFastRegisterResponseSchema = z.looseObject({
  appid: z.string().min(1),
  authorization_code: z.string().min(1),
  is_wx_verify_succ: looseBoolean.optional(),
  is_link_succ: looseBoolean.optional(),
});

export interface FastRegisterTask {
  taskId: string;
  authorizeUrl: string | null;
  /** In the numbering of its API: ENTERPRISE_TASK_STATUS or PERSONAL_TASK_STATUS. */
  status: number | null;
}

function toTask(data: z.infer<typeof fastRegisterTaskResponseSchema>, taskId?: string): FastRegisterTask {
  const id = data.taskid ?? taskId;
  if (!id) throw new Error("fast registration answer has no taskid");
  return { taskId: id, authorizeUrl: data.authorize_url ?? null, status: data.status ?? null };
}

/** 18 characters and the GB 32100-2015 check character (checked before calling, so WeChat's quota is not spent). */
export function isValidCreditCode(code: string): boolean {
  const ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += ALPHABET.indexOf(code[i]!) * WEIGHTS[i]!;
  return ALPHABET[(31 - (sum % 31)) % 31] === code[17];
}

/** Appends the check character to 17 characters (tests and the sandbox console make valid codes with it). */
export function withCreditCodeCheck(first17: string): string {
  const ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += ALPHABET.indexOf(first17[i]!) * WEIGHTS[i]!;
  return first17 + ALPHABET[(31 - (sum % 31)) % 31];
}

/** WeChat IDs: 6–20 characters, a letter first, then letters, digits, `_` or `-`. */
export function isPlausibleWechatId(id: string): boolean {
  return /^[a-zA-Z][-_a-zA-Z0-9]{5,19}$/.test(id);
}

/** One new-version task call (§13.5, §13.6): `action` in the query, `new_version: true` in the body, a task back. */
function requestTask(
  core: ApiCore,
  endpoint: Endpoint,
  action: "create" | "query",
  body: Record<string, unknown>,
  taskId?: string,
): Promise<FastRegisterTask> {
  return core
    .requestWithComponentToken(
      endpoint,
      { query: { action }, body: { ...body, new_version: true } },
      fastRegisterTaskResponseSchema,
      "access_token",
    )
    .then((d) => toTask(d, taskId));
}

/** §13.5 create: `{name, code (18-character credit code), component_phone, new_version: true}`. */
export function createEnterpriseTask(
  core: ApiCore,
  input: { name: string; code: string; phone: string },
): Promise<FastRegisterTask> {
  const body = { name: input.name, code: input.code, component_phone: input.phone };
  return requestTask(core, ENDPOINTS.enterprise, "create", body);
}

export function queryEnterpriseTask(core: ApiCore, taskId: string): Promise<FastRegisterTask> {
  return requestTask(core, ENDPOINTS.enterpriseQuery, "query", { taskid: taskId }, taskId);
}

/** §13.6 create (new version): `{wxuser, component_phone, new_version: true}`. */
export function createPersonalTask(core: ApiCore, input: { wxuser: string; phone: string }): Promise<FastRegisterTask> {
  return requestTask(core, ENDPOINTS.personal, "create", { wxuser: input.wxuser, component_phone: input.phone });
}

export function queryPersonalTask(core: ApiCore, taskId: string): Promise<FastRegisterTask> {
  return requestTask(core, ENDPOINTS.personalQuery, "query", { taskid: taskId }, taskId);
}

/** The legacy §13.2 create: offline since 2026-04-30 (answers -1). Kept only so the portal can say so. */
export function createLegacyEnterpriseTask(core: ApiCore, body: Record<string, unknown>): Promise<void> {
  return core
    .requestWithComponentToken(
      ENDPOINTS.legacy,
      { query: { action: "create" }, body },
      z.looseObject({}),
      "component_access_token",
    )
    .then(() => undefined);
}

/** The fastregisterauth page the official account's administrator opens (§13.8 step 1). */
export function buildFastRegisterAuthUrl(
  mpBase: string,
  input: { officialAccountAppId: string; componentAppId: string; copyWxVerify: boolean; redirectUri: string },
): string {
  const params = new URLSearchParams({
    appid: input.officialAccountAppId,
    component_appid: input.componentAppId,
    copy_wx_verify: input.copyWxVerify ? "1" : "0",
    redirect_uri: input.redirectUri,
  });
  return `${mpBase}/cgi-bin/fastregisterauth?${params}`;
}

export interface AccountFastRegisterResult {
  appId: string;
  authorizationCode: string;
  wxVerified: boolean | null;
  linked: boolean | null;
}

/** §13.8 step 3, with the official account's authorizer_access_token: synchronous, the new appid and a code. */
export async function registerWithTicket(
  core: ApiCore,
  officialAccountToken: string,
  ticket: string,
): Promise<AccountFastRegisterResult> {
  const data = await core.request(
    ENDPOINTS.account,
    { body: { ticket }, credential: authorizerCredential(officialAccountToken) },
    accountFastRegisterResponseSchema,
  );
  return {
    appId: data.appid,
    authorizationCode: data.authorization_code,
    wxVerified: data.is_wx_verify_succ ?? null,
    linked: data.is_link_succ ?? null,
  };
}

// --- the push ------------------------------------------------------------------------------------

const text = z.preprocess((v) => (typeof v === "number" ? String(v) : v), z.string().trim());

/** `notify_third_fasteregister` fields, by element name (order and CDATA vary, §13.4); `info` may be absent. */
export const fastRegisterPushSchema = z.looseObject({
  InfoType: z.literal("notify_third_fasteregister"),
  CreateTime: looseNumber.optional(),
  appid: text.optional(),
  status: looseNumber,
  auth_code: text.optional(),
  msg: text.optional(),
  info: z
    .preprocess(
      (v) => (v === "" || v === undefined ? {} : v),
      z.looseObject({
        taskid: text.optional(),
        name: text.optional(),
        code: text.optional(),
        code_type: looseNumber.optional(),
        legal_persona_wechat: text.optional(),
        legal_persona_name: text.optional(),
        wxuser: text.optional(),
        idname: text.optional(),
        component_phone: text.optional(),
      }),
    )
    .default({}),
});

export interface FastRegisterPush {
  createTime: number | null;
  /** 0 success; otherwise a failure code (pushStatus meanings). */
  status: number;
  msg: string;
  appId: string | null;
  authCode: string | null;
  /** Which flow, from the `info` children present (both share the InfoType). */
  kind: "enterprise" | "personal" | "unknown";
  taskId: string | null;
  name: string | null;
  code: string | null;
  wxuser: string | null;
  info: Record<string, unknown>;
}

/** Reads a decrypted notify_third_fasteregister push; throws (zod) when `status` is missing. */
export function parseFastRegisterPush(fields: Record<string, unknown>): FastRegisterPush {
  const p = fastRegisterPushSchema.parse(fields);
  const info = p.info;
  const kind = info.wxuser ? "personal" : info.code || info.name ? "enterprise" : "unknown";
  return {
    createTime: p.CreateTime ?? null,
    status: p.status,
    msg: p.msg ?? "",
    appId: p.appid || null,
    authCode: p.auth_code || null,
    kind,
    taskId: info.taskid || null,
    name: info.name || null,
    code: info.code ? info.code.toUpperCase() : null,
    wxuser: info.wxuser ? info.wxuser.toLowerCase() : null,
    info,
  };
}

// --- statuses --------------------------------------------------------------------------------------

export type TaskPhase = "waiting" | "succeeded" | "failed" | "expired";

/** Enterprise task statuses (§13.5, Senparc numbering): which are final and how they end. */
export const ENTERPRISE_TASK_STATUS: Record<number, TaskPhase> = {
  0: "waiting",
  1: "waiting",
  2: "expired",
  3: "failed",
  4: "waiting",
  5: "waiting",
  6: "failed",
  7: "waiting",
  8: "waiting",
  9: "failed",
  10: "waiting",
  11: "failed",
  12: "succeeded",
  13: "waiting",
  14: "failed",
};

/** Personal task statuses (§13.6, the API doc's numbering). */
export const PERSONAL_TASK_STATUS: Record<number, TaskPhase> = {
  0: "waiting",
  1: "expired",
  2: "failed",
  3: "waiting",
  4: "waiting",
  5: "failed",
  6: "waiting",
  7: "waiting",
  8: "failed",
  9: "waiting",
  10: "waiting",
  11: "failed",
  12: "succeeded",
  13: "waiting",
  14: "failed",
};

/** 1001–1008 (entity/admin limits and blacklists) end a task in both numberings. */
export function taskPhase(kind: "enterprise" | "personal", status: number): TaskPhase {
  if (status >= 1001 && status <= 1008) return "failed";
  return (kind === "enterprise" ? ENTERPRISE_TASK_STATUS : PERSONAL_TASK_STATUS)[status] ?? "waiting";
}

/** The push's status: 0 success, 100001–100003 the 24 h ran out, anything else a failure. */
export function pushPhase(status: number): Exclude<TaskPhase, "waiting"> {
  if (status === 0) return "succeeded";
  if (status >= 100001 && status <= 100003) return "expired";
  return "failed";
}
