import { and, asc, count, eq, gt, sql } from "drizzle-orm";
import { z } from "zod";
import {
  sandboxAuthCodes,
  sandboxAuthorizers,
  sandboxCalls,
  sandboxCustomMessages,
  sandboxFaults,
  sandboxPreAuthCodes,
  sandboxTickets,
  sandboxTokens,
} from "@/db/schema";
import {
  createSandboxContext,
  issueToken as issueTokenOf,
  newRefreshToken,
  parseBody,
  requireAuthorizerToken,
  requireComponentToken as requireComponentTokenOf,
  SandboxApiError,
  serve,
  TOKEN_TTL_SECONDS,
  urlSafe,
  type SandboxContext,
  type SandboxOptions,
  type SandboxResponse,
} from "./context";
import * as accounts from "./accounts";
import * as authorizationPage from "./authorization-page";
import * as pushes from "./pushes";

export type { SandboxComponent, SandboxOptions, SandboxResponse } from "./context";

/**
 * A faithful stand-in for WeChat's component API (protocol sections 3 and 9): real shapes, HTTP 200 for
 * business errors, success bodies without `errcode`, `rid:` suffixes, token overlap, single-use codes.
 * Its state lives in the database so it survives restarts, like WeChat's would.
 */

export const SANDBOX_ENDPOINTS = [
  "api_component_token",
  "api_start_push_ticket",
  "api_create_preauthcode",
  "api_query_auth",
  "api_authorizer_token",
  "api_get_authorizer_info",
  "api_get_authorizer_list",
] as const;
export type SandboxEndpoint = (typeof SANDBOX_ENDPOINTS)[number];
/** The customer-service message API (protocol 3.11), outside /cgi-bin/component but faultable like the others. */
export const CUSTOM_SEND = "message/custom/send";

const TICKET_TTL_SECONDS = 12 * 3600;
const PRE_AUTH_CODE_TTL_SECONDS = 1800;

export function createWechatSandbox(options: SandboxOptions) {
  const ctx = createSandboxContext(options);
  const { db, component, now, at, crypto } = ctx;
  const bind = <A extends unknown[], R>(f: (ctx: SandboxContext, ...args: A) => R) => (...args: A): R => f(ctx, ...args);
  const pushTicket = bind(pushes.pushTicket);
  const requireComponentToken = (query: URLSearchParams) => requireComponentTokenOf(ctx, query);
  const issueToken = (kind: "component" | "authorizer", ownerAppId: string) => issueTokenOf(ctx, kind, ownerAppId);

  // --- the component API -------------------------------------------------------------------------

  /** POST /cgi-bin/component/<endpoint>. Always HTTP 200, like WeChat. */
  async function handleApi(endpoint: string, query: URLSearchParams, bodyText: string): Promise<SandboxResponse> {
    if (!(SANDBOX_ENDPOINTS as readonly string[]).includes(endpoint)) {
      return { status: 404, json: { errcode: 404, errmsg: `unknown api ${endpoint}` } };
    }
    const name = endpoint as SandboxEndpoint;
    return serve(ctx, name, async (faults) => {
      let body: unknown;
      try {
        body = JSON.parse(bodyText);
      } catch {
        throw new SandboxApiError(47001);
      }
      const appId = typeof (body as { authorizer_appid?: unknown })?.authorizer_appid === "string"
        ? (body as { authorizer_appid: string }).authorizer_appid
        : "";
      const fault = await faults(appId);
      return { json: await HANDLERS[name](body, query, { rotateRefreshToken: fault.rotateRefreshToken }) };
    });
  }

  function requireComponent(body: { component_appid?: unknown }): void {
    if (body.component_appid !== component.appId) throw new SandboxApiError(61011);
  }

  const componentTokenBody = z.object({
    component_appid: z.string().optional(),
    component_appsecret: z.string().optional(),
    component_verify_ticket: z.string().optional(),
  });
  const appBody = z.object({ component_appid: z.string().optional() }).passthrough();

  type HandlerOptions = { rotateRefreshToken: boolean };
  const HANDLERS: Record<
    SandboxEndpoint,
    (body: unknown, query: URLSearchParams, options: HandlerOptions) => Promise<Record<string, unknown>>
  > = {
    async api_component_token(raw) {
      const body = parseBody(componentTokenBody, raw);
      requireComponent(body);
      if (!body.component_appsecret) throw new SandboxApiError(41004);
      if (body.component_appsecret !== component.appSecret) throw new SandboxApiError(40125);
      const [ticket] = await db.select().from(sandboxTickets).where(eq(sandboxTickets.ticket, body.component_verify_ticket ?? ""));
      if (!ticket || ticket.componentAppId !== component.appId) throw new SandboxApiError(61006);
      if (now() - ticket.issuedAt.getTime() > TICKET_TTL_SECONDS * 1000) throw new SandboxApiError(61005);
      return { component_access_token: await issueToken("component", component.appId), expires_in: TOKEN_TTL_SECONDS };
    },

    async api_start_push_ticket(raw) {
      const body = parseBody(z.object({ component_appid: z.string().optional(), component_secret: z.string().optional() }), raw);
      requireComponent(body);
      if (body.component_secret !== component.appSecret) throw new SandboxApiError(40125);
      // WeChat answers first and pushes shortly after.
      setTimeout(() => void pushTicket().catch(() => {}), 50);
      return { errcode: 0, errmsg: "ok" };
    },

    async api_create_preauthcode(raw, query) {
      requireComponent(parseBody(appBody, raw));
      await requireComponentToken(query);
      const code = `preauthcode@@@${urlSafe(86)}`;
      await db.insert(sandboxPreAuthCodes).values({
        code,
        componentAppId: component.appId,
        issuedAt: at(),
        expiresAt: at(PRE_AUTH_CODE_TTL_SECONDS),
      });
      return { pre_auth_code: code, expires_in: PRE_AUTH_CODE_TTL_SECONDS };
    },

    async api_query_auth(raw, query) {
      const body = parseBody(z.object({ component_appid: z.string().optional(), authorization_code: z.string().optional() }), raw);
      requireComponent(body);
      await requireComponentToken(query);
      const [code] = await db.select().from(sandboxAuthCodes).where(eq(sandboxAuthCodes.code, body.authorization_code ?? ""));
      if (!code) throw new SandboxApiError(61009);
      if (now() >= code.expiresAt.getTime()) throw new SandboxApiError(61010);
      const [account] = await db.select().from(sandboxAuthorizers).where(eq(sandboxAuthorizers.appId, code.authorizerAppId));
      if (!account?.authorized || !account.refreshToken) throw new SandboxApiError(61009);
      await db
        .update(sandboxAuthCodes)
        .set({ exchangeCount: sql`${sandboxAuthCodes.exchangeCount} + 1` })
        .where(eq(sandboxAuthCodes.code, code.code));
      return {
        authorization_info: {
          authorizer_appid: account.appId,
          authorizer_access_token: await issueToken("authorizer", account.appId),
          expires_in: TOKEN_TTL_SECONDS,
          authorizer_refresh_token: account.refreshToken,
          func_info: funcInfo(account.funcIds),
        },
      };
    },

    async api_authorizer_token(raw, query, handlerOptions) {
      const body = parseBody(
        z.object({
          component_appid: z.string().optional(),
          authorizer_appid: z.string().optional(),
          authorizer_refresh_token: z.string().nullable().optional(),
        }),
        raw,
      );
      requireComponent(body);
      await requireComponentToken(query);
      const account = await authorizedAccount(body.authorizer_appid);
      if (!body.authorizer_refresh_token || body.authorizer_refresh_token !== account.refreshToken) throw new SandboxApiError(61023);
      // WeChat normally answers with the same refresh token (protocol 3.5); a fault can make it issue a new one.
      const refreshToken = handlerOptions.rotateRefreshToken ? newRefreshToken() : account.refreshToken;
      await db
        .update(sandboxAuthorizers)
        .set({ refreshToken, tokenRefreshes: sql`${sandboxAuthorizers.tokenRefreshes} + 1` })
        .where(eq(sandboxAuthorizers.appId, account.appId));
      return {
        authorizer_access_token: await issueToken("authorizer", account.appId),
        expires_in: TOKEN_TTL_SECONDS,
        authorizer_refresh_token: refreshToken,
      };
    },

    async api_get_authorizer_info(raw, query) {
      const body = parseBody(z.object({ component_appid: z.string().optional(), authorizer_appid: z.string().optional() }), raw);
      requireComponent(body);
      await requireComponentToken(query);
      const account = await authorizedAccount(body.authorizer_appid);
      return {
        authorizer_info: account.profile,
        authorization_info: {
          authorizer_appid: account.appId,
          authorizer_refresh_token: account.refreshToken,
          func_info: funcInfo(account.funcIds),
        },
      };
    },

    async api_get_authorizer_list(raw, query) {
      const body = parseBody(
        z.object({ component_appid: z.string().optional(), offset: z.number().int().min(0), count: z.number().int().min(1) }),
        raw,
      );
      requireComponent(body);
      await requireComponentToken(query);
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
    },
  };

  async function authorizedAccount(appId: string | undefined) {
    const [account] = await db.select().from(sandboxAuthorizers).where(eq(sandboxAuthorizers.appId, appId ?? ""));
    if (!account?.authorized) throw new SandboxApiError(61003);
    return account;
  }

  /**
   * POST /cgi-bin/message/custom/send?access_token=AUTHORIZER_ACCESS_TOKEN (protocol 3.11): the account sends a
   * customer-service message. Recorded for the release test, which waits for it.
   */
  async function handleCustomSend(query: URLSearchParams, bodyText: string): Promise<SandboxResponse> {
    return serve(ctx, CUSTOM_SEND, async (faults) => {
      await faults("");
      const ownerAppId = await requireAuthorizerToken(ctx, query);
      let raw: unknown;
      try {
        raw = JSON.parse(bodyText);
      } catch {
        throw new SandboxApiError(47001);
      }
      const body = parseBody(
        z.object({
          touser: z.string().min(1),
          msgtype: z.string().min(1),
          text: z.object({ content: z.string().min(1).max(2048) }).optional(),
        }),
        raw,
      );
      if (body.msgtype === "text" && !body.text) throw new SandboxApiError(47001);
      await db.insert(sandboxCustomMessages).values({
        authorizerAppId: ownerAppId,
        toUser: body.touser,
        msgType: body.msgtype,
        content: body.text?.content ?? null,
      });
      return { json: { errcode: 0, errmsg: "ok" } };
    });
  }

  // --- control plane (tests, the sandbox console) -------------------------------------------------

  async function getState() {
    const calls = await db.select().from(sandboxCalls);
    const faults = await db.select().from(sandboxFaults);
    const [latestTicket] = await db.select().from(sandboxTickets).orderBy(sql`${sandboxTickets.issuedAt} desc`).limit(1);
    return {
      calls: Object.fromEntries(
        [...SANDBOX_ENDPOINTS, CUSTOM_SEND].map((e) => [e, calls.find((c) => c.endpoint === e)?.count ?? 0]),
      ),
      faults,
      latestTicketIssuedAt: latestTicket?.issuedAt ?? null,
    };
  }

  /** Forgets every account (tests that compare the whole authorizer list start from none). */
  async function clearAccounts(): Promise<void> {
    await db.transaction(async (tx) => {
      await tx.delete(sandboxAuthCodes);
      await tx.delete(sandboxTokens).where(eq(sandboxTokens.kind, "authorizer"));
      await tx.delete(sandboxAuthorizers);
    });
  }

  async function resetCalls(): Promise<void> {
    await db.delete(sandboxCalls);
  }

  const faultSchema = z.object({
    endpoint: z.enum([...SANDBOX_ENDPOINTS, CUSTOM_SEND]),
    /** Only calls for this authorizer appid; empty: every call. */
    appId: z.string().max(64).default(""),
    latencyMs: z.coerce.number().int().min(0).max(60_000).default(0),
    errcode: z.coerce.number().int().nullable().default(null),
    hangMs: z.coerce.number().int().min(0).max(60_000).default(0),
    rotateRefreshToken: z.boolean().default(false),
    times: z.coerce.number().int().min(0).max(100_000).default(1),
  });

  async function setFault(input: unknown): Promise<void> {
    const f = faultSchema.parse(input);
    const once = f.errcode !== null || f.hangMs > 0 || f.rotateRefreshToken;
    const values = {
      latencyMs: f.latencyMs,
      errcode: f.errcode,
      hangMs: f.hangMs,
      rotateRefreshToken: f.rotateRefreshToken,
      remaining: once ? f.times : 0,
    };
    await db
      .insert(sandboxFaults)
      .values({ endpoint: f.endpoint, appId: f.appId, ...values })
      .onConflictDoUpdate({ target: [sandboxFaults.endpoint, sandboxFaults.appId], set: values });
  }

  async function clearFaults(): Promise<void> {
    await db.delete(sandboxFaults);
  }

  /** Customer-service messages an account sent since `since` (the release test's API case). */
  async function customMessagesTo(appId: string, toUser: string, since: Date) {
    return db
      .select()
      .from(sandboxCustomMessages)
      .where(and(eq(sandboxCustomMessages.authorizerAppId, appId), eq(sandboxCustomMessages.toUser, toUser), gt(sandboxCustomMessages.createdAt, since)))
      .orderBy(asc(sandboxCustomMessages.id));
  }

  /** How often api_query_auth exchanged a code (the release test checks its code was used). */
  async function authCodeExchanges(code: string): Promise<number> {
    const [row] = await db.select({ n: sandboxAuthCodes.exchangeCount }).from(sandboxAuthCodes).where(eq(sandboxAuthCodes.code, code));
    return row?.n ?? 0;
  }

  return {
    handleApi,
    handleCustomSend,
    customMessagesTo,
    authCodeExchanges,
    pushMessage: bind(pushes.pushMessage),
    push: bind(pushes.push),
    pushTicket,
    authorize: bind(accounts.authorize),
    revoke: bind(accounts.revoke),
    rotateRefreshToken: bind(accounts.rotateRefreshToken),
    seedAccounts: bind(accounts.seedAccounts),
    accountLedger: bind(accounts.accountLedger),
    inspectPreAuthCode: bind(authorizationPage.inspectPreAuthCode),
    consumePreAuthCode: bind(authorizationPage.consumePreAuthCode),
    listAccounts: bind(accounts.listAccounts),
    getState,
    resetCalls,
    clearAccounts,
    setFault,
    clearFaults,
    crypto,
  };
}

export type WechatSandbox = ReturnType<typeof createWechatSandbox>;
export type { SandboxAccount } from "./accounts";

function funcInfo(ids: number[]) {
  return ids.map((id) => ({ funcscope_category: { id } }));
}
