import { asc, count, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { sandboxAuthCodes, sandboxAuthorizers, sandboxPreAuthCodes, sandboxTickets } from "@/db/schema";
import {
  issueToken,
  jsonBody,
  newRefreshToken,
  parseBody,
  requireComponentToken,
  SandboxApiError,
  TOKEN_TTL_SECONDS,
  urlSafe,
  type AppliedFault,
  type RouteHandler,
  type SandboxContext,
} from "./context";
import { pushTicket } from "./pushes";

/**
 * WeChat's component API, POST /cgi-bin/component/<name> (docs/wechat-protocol.md §3 and §9): real shapes, HTTP 200 for
 * business errors, success bodies without `errcode`, token overlap, single-use codes.
 */

const TICKET_TTL_SECONDS = 12 * 3600;
const PRE_AUTH_CODE_TTL_SECONDS = 1800;

/**
 * The steps every component endpoint shares: a JSON body (else 47001, before any fault), then the faults for the
 * body's `authorizer_appid` (endpoint-wide when it names none).
 */
function componentEndpoint(
  run: (
    ctx: SandboxContext,
    body: unknown,
    query: URLSearchParams,
    fault: AppliedFault,
  ) => Promise<Record<string, unknown>>,
): RouteHandler {
  return async (ctx, req) => {
    const body = jsonBody(req);
    const appId =
      typeof (body as { authorizer_appid?: unknown })?.authorizer_appid === "string"
        ? (body as { authorizer_appid: string }).authorizer_appid
        : "";
    const fault = await req.faults(appId);
    return { json: await run(ctx, body, req.query, fault) };
  };
}

function requireComponent(ctx: SandboxContext, body: { component_appid?: unknown }): void {
  if (body.component_appid !== ctx.component.appId) throw new SandboxApiError(61011);
}

const componentTokenBody = z.object({
  component_appid: z.string().optional(),
  component_appsecret: z.string().optional(),
  component_verify_ticket: z.string().optional(),
});
const appBody = z.object({ component_appid: z.string().optional() }).passthrough();

export const apiComponentToken = componentEndpoint(async (ctx, raw) => {
  const { db, component } = ctx;
  const body = parseBody(componentTokenBody, raw);
  requireComponent(ctx, body);
  if (!body.component_appsecret) throw new SandboxApiError(41004);
  if (body.component_appsecret !== component.appSecret) throw new SandboxApiError(40125);
  const [ticket] = await db
    .select()
    .from(sandboxTickets)
    .where(eq(sandboxTickets.ticket, body.component_verify_ticket ?? ""));
  if (!ticket || ticket.componentAppId !== component.appId) throw new SandboxApiError(61006);
  if (ctx.now() - ticket.issuedAt.getTime() > TICKET_TTL_SECONDS * 1000) throw new SandboxApiError(61005);
  return { component_access_token: await issueToken(ctx, "component", component.appId), expires_in: TOKEN_TTL_SECONDS };
});

export const apiStartPushTicket = componentEndpoint(async (ctx, raw) => {
  const body = parseBody(
    z.object({ component_appid: z.string().optional(), component_secret: z.string().optional() }),
    raw,
  );
  requireComponent(ctx, body);
  if (body.component_secret !== ctx.component.appSecret) throw new SandboxApiError(40125);
  // WeChat answers first and pushes shortly after.
  setTimeout(() => void pushTicket(ctx).catch(() => {}), 50);
  return { errcode: 0, errmsg: "ok" };
});

export const apiCreatePreauthcode = componentEndpoint(async (ctx, raw, query) => {
  requireComponent(ctx, parseBody(appBody, raw));
  await requireComponentToken(ctx, query);
  const code = `preauthcode@@@${urlSafe(86)}`;
  await ctx.db.insert(sandboxPreAuthCodes).values({
    code,
    componentAppId: ctx.component.appId,
    issuedAt: ctx.at(),
    expiresAt: ctx.at(PRE_AUTH_CODE_TTL_SECONDS),
  });
  return { pre_auth_code: code, expires_in: PRE_AUTH_CODE_TTL_SECONDS };
});

export const apiQueryAuth = componentEndpoint(async (ctx, raw, query) => {
  const { db } = ctx;
  const body = parseBody(
    z.object({ component_appid: z.string().optional(), authorization_code: z.string().optional() }),
    raw,
  );
  requireComponent(ctx, body);
  await requireComponentToken(ctx, query);
  const [code] = await db
    .select()
    .from(sandboxAuthCodes)
    .where(eq(sandboxAuthCodes.code, body.authorization_code ?? ""));
  if (!code) throw new SandboxApiError(61009);
  if (ctx.now() >= code.expiresAt.getTime()) throw new SandboxApiError(61010);
  const [account] = await db
    .select()
    .from(sandboxAuthorizers)
    .where(eq(sandboxAuthorizers.appId, code.authorizerAppId));
  if (!account?.authorized || !account.refreshToken) throw new SandboxApiError(61009);
  await db
    .update(sandboxAuthCodes)
    .set({ exchangeCount: sql`${sandboxAuthCodes.exchangeCount} + 1` })
    .where(eq(sandboxAuthCodes.code, code.code));
  return {
    authorization_info: {
      authorizer_appid: account.appId,
      authorizer_access_token: await issueToken(ctx, "authorizer", account.appId),
      expires_in: TOKEN_TTL_SECONDS,
      authorizer_refresh_token: account.refreshToken,
      func_info: funcInfo(account.funcIds),
    },
  };
});

export const apiAuthorizerToken = componentEndpoint(async (ctx, raw, query, fault) => {
  const body = parseBody(
    z.object({
      component_appid: z.string().optional(),
      authorizer_appid: z.string().optional(),
      authorizer_refresh_token: z.string().nullable().optional(),
    }),
    raw,
  );
  requireComponent(ctx, body);
  await requireComponentToken(ctx, query);
  const account = await authorizedAccount(ctx, body.authorizer_appid);
  if (!body.authorizer_refresh_token || body.authorizer_refresh_token !== account.refreshToken)
    throw new SandboxApiError(61023);
  // WeChat normally answers with the same refresh token (docs/wechat-protocol.md §3.5); a fault can make it issue a new one.
  const refreshToken = fault.rotateRefreshToken ? newRefreshToken() : account.refreshToken;
  await ctx.db
    .update(sandboxAuthorizers)
    .set({ refreshToken, tokenRefreshes: sql`${sandboxAuthorizers.tokenRefreshes} + 1` })
    .where(eq(sandboxAuthorizers.appId, account.appId));
  return {
    authorizer_access_token: await issueToken(ctx, "authorizer", account.appId),
    expires_in: TOKEN_TTL_SECONDS,
    authorizer_refresh_token: refreshToken,
  };
});

export const apiGetAuthorizerInfo = componentEndpoint(async (ctx, raw, query) => {
  const body = parseBody(
    z.object({ component_appid: z.string().optional(), authorizer_appid: z.string().optional() }),
    raw,
  );
  requireComponent(ctx, body);
  await requireComponentToken(ctx, query);
  const account = await authorizedAccount(ctx, body.authorizer_appid);
  return {
    authorizer_info: account.profile,
    authorization_info: {
      authorizer_appid: account.appId,
      authorizer_refresh_token: account.refreshToken,
      func_info: funcInfo(account.funcIds),
    },
  };
});

export const apiGetAuthorizerList = componentEndpoint(async (ctx, raw, query) => {
  const { db } = ctx;
  const body = parseBody(
    z.object({
      component_appid: z.string().optional(),
      offset: z.number().int().min(0),
      count: z.number().int().min(1),
    }),
    raw,
  );
  requireComponent(ctx, body);
  await requireComponentToken(ctx, query);
  if (body.count > 500) throw new SandboxApiError(40170);
  const where = eq(sandboxAuthorizers.authorized, true);
  const [total] = await db.select({ n: count() }).from(sandboxAuthorizers).where(where);
  const rows = await db
    .select()
    .from(sandboxAuthorizers)
    .where(where)
    .orderBy(asc(sandboxAuthorizers.authTime), asc(sandboxAuthorizers.appId))
    .offset(body.offset)
    .limit(body.count);
  return {
    total_count: total?.n ?? 0,
    list: rows.map((r) => ({
      authorizer_appid: r.appId,
      refresh_token: r.listHidesRefreshToken ? "" : (r.refreshToken ?? ""),
      auth_time: r.authTime ?? 0,
    })),
  };
});

async function authorizedAccount(ctx: SandboxContext, appId: string | undefined) {
  const [account] = await ctx.db
    .select()
    .from(sandboxAuthorizers)
    .where(eq(sandboxAuthorizers.appId, appId ?? ""));
  if (!account?.authorized) throw new SandboxApiError(61003);
  return account;
}

function funcInfo(ids: number[]) {
  return ids.map((id) => ({ funcscope_category: { id } }));
}

/** How often api_query_auth exchanged a code (the release test checks its code was used). */
export async function authCodeExchanges(ctx: SandboxContext, code: string): Promise<number> {
  const [row] = await ctx.db
    .select({ n: sandboxAuthCodes.exchangeCount })
    .from(sandboxAuthCodes)
    .where(eq(sandboxAuthCodes.code, code));
  return row?.n ?? 0;
}
