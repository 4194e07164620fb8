import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import {
  sandboxAuthCodes,
  sandboxAuthorizers,
  sandboxCalls,
  sandboxFaults,
  sandboxTickets,
  sandboxTokens,
} from "@/db/schema";
import {
  createSandboxContext,
  serve,
  type RouteHandler,
  type SandboxContext,
  type SandboxHttpResponse,
  type SandboxOptions,
  type SandboxResponse,
} from "./context";
import * as accounts from "./accounts";
import * as componentApi from "./component-api";
import * as messageApi from "./message-api";
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

export function createWechatSandbox(options: SandboxOptions) {
  const ctx = createSandboxContext(options);
  const { db, crypto } = ctx;
  const bind = <A extends unknown[], R>(f: (ctx: SandboxContext, ...args: A) => R) => (...args: A): R => f(ctx, ...args);
  const pushTicket = bind(pushes.pushTicket);

  /** Runs one endpoint's handler through serve() (counting, faults, latency). */
  function call(endpoint: string, handler: RouteHandler, method: string, path: string, query: URLSearchParams, text: string) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return serve(ctx, endpoint, (faults) => handler(ctx, { method, path, query, body: { text, json }, faults }));
  }

  const COMPONENT_HANDLERS: Record<SandboxEndpoint, RouteHandler> = {
    api_component_token: componentApi.apiComponentToken,
    api_start_push_ticket: componentApi.apiStartPushTicket,
    api_create_preauthcode: componentApi.apiCreatePreauthcode,
    api_query_auth: componentApi.apiQueryAuth,
    api_authorizer_token: componentApi.apiAuthorizerToken,
    api_get_authorizer_info: componentApi.apiGetAuthorizerInfo,
    api_get_authorizer_list: componentApi.apiGetAuthorizerList,
  };

  /** POST /cgi-bin/component/<endpoint>. Always HTTP 200, like WeChat. */
  async function handleApi(endpoint: string, query: URLSearchParams, bodyText: string): Promise<SandboxResponse> {
    if (!(SANDBOX_ENDPOINTS as readonly string[]).includes(endpoint)) {
      return { status: 404, json: { errcode: 404, errmsg: `unknown api ${endpoint}` } };
    }
    const name = endpoint as SandboxEndpoint;
    return jsonOnly(await call(name, COMPONENT_HANDLERS[name], "POST", `/cgi-bin/component/${name}`, query, bodyText));
  }

  async function handleCustomSend(query: URLSearchParams, bodyText: string): Promise<SandboxResponse> {
    return jsonOnly(await call(CUSTOM_SEND, messageApi.customSend, "POST", "/cgi-bin/message/custom/send", query, bodyText));
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

  return {
    handleApi,
    handleCustomSend,
    customMessagesTo: bind(messageApi.customMessagesTo),
    authCodeExchanges: bind(componentApi.authCodeExchanges),
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

function jsonOnly(response: SandboxHttpResponse): SandboxResponse {
  if (!("json" in response)) throw new Error("a sandbox JSON endpoint answered with bytes");
  return response;
}

export type WechatSandbox = ReturnType<typeof createWechatSandbox>;
export type { SandboxAccount } from "./accounts";

