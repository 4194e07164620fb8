import { randomBytes } from "node:crypto";
import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import { sandboxAuthCodes, sandboxAuthorizers, sandboxTokens } from "@/db/schema";
import { newRefreshToken, urlSafe, type SandboxContext } from "./context";
import { push } from "./pushes";

/** The accounts on WeChat's side: granting and revoking authorization (what a merchant does on WeChat's pages). */

const AUTH_CODE_TTL_SECONDS = 600;

const authorizeSchema = z.object({
  appId: z
    .string()
    .regex(/^wx[0-9a-f]{16}$/)
    .optional(),
  kind: z.enum(["official_account", "mini_program"]).default("official_account"),
  funcIds: z.array(z.number().int().positive()).min(1),
  nickName: z.string().min(1).max(30).optional(),
  /** The account's original id (`gh_…`); derived from the appid unless given (the release test's accounts). */
  userName: z
    .string()
    .regex(/^gh_[0-9a-z]{12}$/)
    .optional(),
  preAuthCode: z.string().optional(),
});

/**
 * Grants (or updates) an account's authorization: a new refresh token (re-authorization voids the old one),
 * a fresh authorization code, and the matching `authorized` / `updateauthorized` push to the portal.
 */
export async function authorize(ctx: SandboxContext, input: z.input<typeof authorizeSchema>) {
  const { db, component, now, at } = ctx;
  const a = authorizeSchema.parse(input);
  const appId = a.appId ?? `wx${randomBytes(8).toString("hex")}`;
  const [existing] = await db.select().from(sandboxAuthorizers).where(eq(sandboxAuthorizers.appId, appId));
  const infoType = existing?.authorized ? "updateauthorized" : "authorized";
  const refreshToken = newRefreshToken();
  const authTime = Math.floor(now() / 1000);
  const profile = existing?.profile ?? sandboxProfile(appId, existing?.kind ?? a.kind, a.nickName, a.userName);
  await db
    .insert(sandboxAuthorizers)
    .values({ appId, kind: a.kind, profile, funcIds: a.funcIds, authorized: true, refreshToken, authTime })
    .onConflictDoUpdate({
      target: sandboxAuthorizers.appId,
      set: { funcIds: a.funcIds, authorized: true, refreshToken, authTime, listHidesRefreshToken: false },
    });
  const authCode = `queryauthcode@@@${urlSafe(64)}`;
  await db
    .insert(sandboxAuthCodes)
    .values({ code: authCode, authorizerAppId: appId, expiresAt: at(AUTH_CODE_TTL_SECONDS) });
  const pushed = await push(ctx, {
    AppId: component.appId,
    CreateTime: authTime,
    InfoType: infoType,
    AuthorizerAppid: appId,
    AuthorizationCode: authCode,
    AuthorizationCodeExpiredTime: authTime + AUTH_CODE_TTL_SECONDS,
    ...(a.preAuthCode ? { PreAuthCode: a.preAuthCode } : {}),
  });
  return { appId, infoType, authCode, expiresIn: AUTH_CODE_TTL_SECONDS, delivered: pushed.delivered };
}

/** The account's admin cancels the authorization in WeChat: tokens die, `unauthorized` is pushed. */
export async function revoke(ctx: SandboxContext, appId: string) {
  const { db } = ctx;
  const updated = await db
    .update(sandboxAuthorizers)
    .set({ authorized: false, refreshToken: null })
    .where(and(eq(sandboxAuthorizers.appId, appId), eq(sandboxAuthorizers.authorized, true)))
    .returning({ appId: sandboxAuthorizers.appId });
  if (updated.length === 0) return { revoked: false, delivered: false };
  await db.delete(sandboxTokens).where(and(eq(sandboxTokens.kind, "authorizer"), eq(sandboxTokens.ownerAppId, appId)));
  const pushed = await push(ctx, {
    AppId: ctx.component.appId,
    CreateTime: Math.floor(ctx.now() / 1000),
    InfoType: "unauthorized",
    AuthorizerAppid: appId,
  });
  return { revoked: true, delivered: pushed.delivered };
}

/**
 * WeChat replaces the account's refresh token without the portal hearing of it (a lost `updateauthorized`,
 * a re-authorization through another channel): the stored one now gets 61023. With `hideFromList`,
 * api_get_authorizer_list shows it empty too, so it cannot be recovered (docs/wechat-protocol.md §3.7).
 */
export async function rotateRefreshToken(ctx: SandboxContext, appId: string, opts: { hideFromList?: boolean } = {}) {
  const updated = await ctx.db
    .update(sandboxAuthorizers)
    .set({ refreshToken: newRefreshToken(), listHidesRefreshToken: opts.hideFromList ?? false })
    .where(and(eq(sandboxAuthorizers.appId, appId), eq(sandboxAuthorizers.authorized, true)))
    .returning({ appId: sandboxAuthorizers.appId });
  return { rotated: updated.length > 0 };
}

/**
 * Many authorized accounts at once, without pushes (tests and benchmarks of the refresher). Returns each
 * account's refresh token, as api_query_auth would have handed it to the platform.
 */
export async function seedAccounts(
  ctx: SandboxContext,
  input: { count: number; kind?: "official_account" | "mini_program"; funcIds?: number[] },
) {
  const {
    count: n,
    kind,
    funcIds,
  } = z
    .object({
      count: z.number().int().min(1).max(100_000),
      kind: z.enum(["official_account", "mini_program"]).default("official_account"),
      funcIds: z.array(z.number().int().positive()).min(1).default([1, 15, 4]),
    })
    .parse(input);
  const authTime = Math.floor(ctx.now() / 1000);
  const rows = Array.from({ length: n }, () => {
    const appId = `wx${randomBytes(8).toString("hex")}`;
    return {
      appId,
      kind,
      profile: sandboxProfile(appId, kind),
      funcIds,
      authorized: true,
      refreshToken: newRefreshToken(),
      authTime,
    };
  });
  for (let i = 0; i < rows.length; i += 1000) await ctx.db.insert(sandboxAuthorizers).values(rows.slice(i, i + 1000));
  return rows.map((r) => ({ appId: r.appId, refreshToken: r.refreshToken }));
}

/** WeChat's side of each account: whether it is authorized, its refresh token, how often it was refreshed. */
export async function accountLedger(ctx: SandboxContext) {
  return ctx.db
    .select({
      appId: sandboxAuthorizers.appId,
      authorized: sandboxAuthorizers.authorized,
      refreshToken: sandboxAuthorizers.refreshToken,
      tokenRefreshes: sandboxAuthorizers.tokenRefreshes,
    })
    .from(sandboxAuthorizers)
    .orderBy(asc(sandboxAuthorizers.appId));
}

/** Every sandbox account, authorized or not, oldest first (the authorization page and the console). */
export async function listAccounts(ctx: SandboxContext) {
  const rows = await ctx.db
    .select()
    .from(sandboxAuthorizers)
    .orderBy(asc(sandboxAuthorizers.createdAt), asc(sandboxAuthorizers.appId));
  return rows.map((r) => ({
    appId: r.appId,
    kind: r.kind,
    nickName: typeof r.profile.nick_name === "string" ? r.profile.nick_name : r.appId,
    headImg: typeof r.profile.head_img === "string" ? r.profile.head_img : "",
    principalName: typeof r.profile.principal_name === "string" ? r.profile.principal_name : "",
    funcIds: r.funcIds,
    authorized: r.authorized,
    authTime: r.authTime,
  }));
}

export type SandboxAccount = Awaited<ReturnType<typeof listAccounts>>[number];

const OA_NAMES = ["晨光咖啡馆", "青禾书店", "云杉健身", "小满花艺", "知行教育", "海盐烘焙"];
const MP_NAMES = ["晨光点单", "青禾借阅", "云杉约课", "小满订花", "知行题库", "海盐商城"];
const PRINCIPALS = [
  "上海晨光餐饮管理有限公司",
  "杭州青禾文化传播有限公司",
  "深圳云杉体育科技有限公司",
  "成都小满花艺工作室",
  "北京知行教育科技有限公司",
  "广州海盐食品有限公司",
];

/** Realistic `authorizer_info` for a sandbox account (docs/wechat-protocol.md §3.6). */
function sandboxProfile(
  appId: string,
  kind: "official_account" | "mini_program",
  nickName?: string,
  userName = `gh_${appId.slice(2, 14)}`,
): Record<string, unknown> {
  const i = Number.parseInt(appId.slice(-4), 16) % OA_NAMES.length;
  const common = {
    nick_name: nickName ?? (kind === "official_account" ? OA_NAMES[i] : MP_NAMES[i]),
    head_img: `https://wx.qlogo.cn/mmopen/sandbox/${appId}/0`,
    verify_type_info: { id: 0 },
    user_name: userName,
    principal_name: PRINCIPALS[i],
    qrcode_url: `https://mmbiz.qpic.cn/mmbiz_jpg/sandbox/${appId}/0`,
    business_info: { open_store: 0, open_scan: 0, open_pay: 1, open_card: 0, open_shake: 0 },
    account_status: 1,
  };
  if (kind === "official_account") {
    return { ...common, service_type_info: { id: 2 }, alias: `sandbox_${appId.slice(-6)}` };
  }
  return {
    ...common,
    service_type_info: { id: 0 },
    alias: "",
    signature: "沙箱小程序，用于联调授权流程",
    MiniProgramInfo: {
      network: {
        RequestDomain: [],
        WsRequestDomain: [],
        UploadDomain: [],
        DownloadDomain: [],
        BizDomain: [],
        UDPDomain: [],
      },
      categories: [{ first: "工具", second: "效率" }],
      visit_status: 0,
    },
    register_type: 0,
    basic_config: { is_phone_configured: true, is_email_configured: false },
  };
}
