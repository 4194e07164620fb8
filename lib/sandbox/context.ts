import { randomBytes, randomInt } from "node:crypto";
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { z } from "zod";
import { rowsOf, type Db } from "@/db";
import { sandboxCalls, sandboxFaults, sandboxTokens } from "@/db/schema";
import { createMessageCrypto, type MessageCrypto } from "@/lib/wechat/crypto";

/**
 * What every sandbox module shares: the database, the clock, the platform's credentials and push crypto, WeChat's
 * error shape, the token checks, and `serve()`, the one path every API call takes (counting, faults, latency).
 */

export interface SandboxComponent {
  appId: string;
  appSecret: string;
  token: string;
  encodingAesKey: string;
}

export interface SandboxOptions {
  db: Db;
  component: SandboxComponent;
  /** Where the portal receives pushes: `${portalUrl}/api/wechat/component/events`. */
  portalUrl: string;
  fetch?: typeof fetch;
  now?: () => number;
}

export interface SandboxContext {
  db: Db;
  component: SandboxComponent;
  portalUrl: string;
  fetch: typeof fetch;
  /** The sandbox clock in milliseconds (tests inject one): every expiry and `CreateTime` is read from it. */
  now: () => number;
  /** The sandbox clock as a Date, `offsetSeconds` from now. */
  at: (offsetSeconds?: number) => Date;
  /** Seals pushes as WeChat does, with the platform's token and EncodingAESKey. */
  crypto: MessageCrypto;
}

export function createSandboxContext(options: SandboxOptions): SandboxContext {
  const { component } = options;
  const now = options.now ?? (() => Date.now());
  return {
    db: options.db,
    component,
    portalUrl: options.portalUrl,
    fetch: options.fetch ?? fetch,
    now,
    at: (offsetSeconds = 0) => new Date(now() + offsetSeconds * 1000),
    crypto: createMessageCrypto({
      token: component.token,
      encodingAesKey: component.encodingAesKey,
      appId: component.appId,
    }),
  };
}

// --- requests and answers ------------------------------------------------------------------------

type Json = Record<string, unknown>;

/** What a handler answers: WeChat's JSON, or bytes (an image such as a QR code). */
export type HandlerResult = { json: Json } | { body: Buffer; contentType: string; headers?: Record<string, string> };

/** A JSON answer as the HTTP layer sends it. Always status 200 for API errors, like WeChat. */
export type SandboxResponse = { status: number; json: Json };
export type SandboxHttpResponse = SandboxResponse | ({ status: number } & Extract<HandlerResult, { body: Buffer }>);

/** What a taken fault does to the call it hit (an errcode fault throws instead). */
export type AppliedFault = { hangMs: number; rotateRefreshToken: boolean };

export interface SandboxRequest {
  method: string;
  /** Below the sandbox base, e.g. `/cgi-bin/component/api_component_token`. */
  path: string;
  query: URLSearchParams;
  /** `json` is undefined when the text is not JSON. */
  body: { text: string; json: unknown };
  /**
   * Applies the endpoint's injected faults for `appId` ('' when the call names no account): may throw an errcode,
   * holds back the answer or asks for a rotated refresh token. Call it once, before the call changes anything.
   */
  faults: (appId: string) => Promise<AppliedFault>;
}

/** One WeChat endpoint: a function of the shared context and the request, listed once in the route table. */
export type RouteHandler = (ctx: SandboxContext, req: SandboxRequest) => Promise<HandlerResult>;

// --- WeChat's errors -----------------------------------------------------------------------------

const ERRMSG: Record<number, string> = {
  [-1]: "system error",
  40001: "invalid credential, access_token is invalid or not latest",
  40013: "invalid appid",
  40125: "invalid appsecret",
  40170: "args count exceed count limit",
  41001: "access_token missing",
  41004: "appsecret missing",
  42001: "access_token expired",
  45009: "reach max api daily quota limit",
  47001: "data format error",
  61003: "component is not authorized by this account",
  61005: "component ticket is expired",
  61006: "component ticket is invalid",
  61009: "code is invalid",
  61010: "code is expired",
  61011: "invalid component",
  61023: "refresh_token is invalid",
  // Fast registration (docs/registration.md).
  61029: "component lacks the required permission sets",
  61055: "exceeded the monthly fast registration limit of this official account",
  61058: "ticket is invalid",
  86021: "enterprise is not in business",
  86030: "lack of some params",
  86032: "invalid wechat",
  89249: "task running",
  89250: "task not found",
  89255: "enterprise code_invalid invalid",
  91030: "each wechat id can only call this api 5 times per day",
};

/** An API error as WeChat answers it: HTTP 200, `errcode` and `errmsg` with a `rid:` suffix. */
export class SandboxApiError extends Error {
  constructor(readonly errcode: number) {
    super(ERRMSG[errcode] ?? "error");
  }
}

const rid = () =>
  `${randomBytes(4).toString("hex")}-${randomBytes(4).toString("hex")}-${randomBytes(4).toString("hex")}`;
export const urlSafe = (n: number) => randomBytes(n).toString("base64url").slice(0, n);
export const newAccessToken = () => `${randomInt(70, 99)}_${urlSafe(120)}`;
export const newRefreshToken = () => `refreshtoken@@@${urlSafe(43)}`;

export function parseBody<T extends z.ZodType>(schema: T, raw: unknown): z.infer<T> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new SandboxApiError(47001);
  return parsed.data;
}

/** The request's JSON body; 47001 when it is not JSON. */
export function jsonBody(req: SandboxRequest): unknown {
  if (req.body.json === undefined) throw new SandboxApiError(47001);
  return req.body.json;
}

// --- serving a call ------------------------------------------------------------------------------

/**
 * One API call as WeChat answers it: counted; faults applied once `run` asks for them (`faults(appId)`: an
 * errcode instead of the call, a held-back answer, latency); always HTTP 200, an API error as `errcode`.
 */
export async function serve<R extends HandlerResult>(
  ctx: SandboxContext,
  endpoint: string,
  run: (faults: (appId: string) => Promise<AppliedFault>) => Promise<R>,
): Promise<({ status: number } & R) | SandboxResponse> {
  const { db } = ctx;
  const receivedAt = performance.now();
  let latencyMs = 0;
  let hangMs = 0;
  let faultsApplied = false;
  // Injected latency is WeChat's response time: the answer leaves no sooner than latencyMs after the request
  // arrived, whatever the sandbox's own work took meanwhile.
  const answer = async <T>(response: T) => {
    // A loop: a timer may fire a fraction of a millisecond early.
    for (
      let wait = receivedAt + latencyMs - performance.now();
      wait > 0;
      wait = receivedAt + latencyMs - performance.now()
    ) {
      await new Promise((r) => setTimeout(r, Math.ceil(wait)));
    }
    return response;
  };
  await db
    .insert(sandboxCalls)
    .values({ endpoint, count: 1 })
    .onConflictDoUpdate({ target: sandboxCalls.endpoint, set: { count: sql`${sandboxCalls.count} + 1` } });
  try {
    const result = await run(async (appId) => {
      faultsApplied = true;
      const fault = await applyFaults(ctx, endpoint, appId, (ms) => (latencyMs = ms));
      hangMs = fault.hangMs;
      return fault;
    });
    // Every endpoint must be faultable: a handler that answers without asking for its faults is a bug.
    if (!faultsApplied) throw new Error(`sandbox endpoint ${endpoint} answered without applying its faults`);
    // Applied, but the answer is held back: the caller times out and never learns the result.
    if (hangMs > 0) await new Promise((r) => setTimeout(r, hangMs));
    return await answer({ status: 200, ...result });
  } catch (error) {
    if (error instanceof SandboxApiError) {
      return answer({ status: 200, json: { errcode: error.errcode, errmsg: `${error.message} rid: ${rid()}` } });
    }
    throw error;
  }
}

/**
 * Latency applies to every call; an errcode, a held-back answer or a rotated refresh token to the next
 * `remaining` calls. A fault for one authorizer appid takes precedence over the endpoint-wide one.
 */
async function applyFaults(
  { db }: SandboxContext,
  endpoint: string,
  appId: string,
  setLatency: (ms: number) => void,
): Promise<AppliedFault> {
  const none = { hangMs: 0, rotateRefreshToken: false };
  const faults = await db
    .select()
    .from(sandboxFaults)
    .where(and(eq(sandboxFaults.endpoint, endpoint), inArray(sandboxFaults.appId, appId ? ["", appId] : [""])));
  if (faults.length === 0) return none;
  setLatency(Math.max(...faults.map((f) => f.latencyMs)));
  for (const fault of faults.sort((a, b) => b.appId.length - a.appId.length)) {
    if (fault.remaining <= 0) continue;
    const taken = rowsOf<{ errcode: number | null; hang_ms: number; rotate_refresh_token: boolean }>(
      await db.execute(sql`update sandbox_faults set remaining = remaining - 1
        where endpoint = ${endpoint} and app_id = ${fault.appId} and remaining > 0
        returning errcode, hang_ms, rotate_refresh_token`),
    );
    const [row] = taken;
    if (!row) continue;
    if (row.errcode !== null) throw new SandboxApiError(row.errcode);
    return { hangMs: row.hang_ms, rotateRefreshToken: row.rotate_refresh_token };
  }
  return none;
}

// --- access tokens -------------------------------------------------------------------------------

export const TOKEN_TTL_SECONDS = 7200;
/** A superseded token keeps working this long (WeChat staff: about 5 minutes). */
const TOKEN_OVERLAP_SECONDS = 300;

/** Accepts both `component_access_token=` (SDKs) and `access_token=` (newer docs). */
export async function requireComponentToken(ctx: SandboxContext, query: URLSearchParams): Promise<void> {
  const token = query.get("component_access_token") ?? query.get("access_token");
  if (!token) throw new SandboxApiError(41001);
  await checkToken(ctx, token, "component", ctx.component.appId);
}

/**
 * An authorizer API's `access_token=` (WeChat's authorizer APIs take no other name): live, and the given
 * account's when `appId` is passed. Returns the account the token belongs to.
 */
export async function requireAuthorizerToken(
  ctx: SandboxContext,
  query: URLSearchParams,
  appId?: string,
): Promise<string> {
  const token = query.get("access_token");
  if (!token) throw new SandboxApiError(41001);
  return (await checkToken(ctx, token, "authorizer", appId)).ownerAppId;
}

/** A live token of this kind (and owner, when given); returns it. */
async function checkToken(ctx: SandboxContext, token: string, kind: "component" | "authorizer", ownerAppId?: string) {
  const [row] = await ctx.db.select().from(sandboxTokens).where(eq(sandboxTokens.token, token));
  if (!row || row.kind !== kind || (ownerAppId !== undefined && row.ownerAppId !== ownerAppId))
    throw new SandboxApiError(40001);
  const nowMs = ctx.now();
  if (row.supersededAt && nowMs > row.supersededAt.getTime() + TOKEN_OVERLAP_SECONDS * 1000)
    throw new SandboxApiError(40001);
  if (nowMs >= row.expiresAt.getTime()) throw new SandboxApiError(42001);
  return row;
}

/** Issues a new token; the previous ones of the same owner stay valid for 5 more minutes. */
export async function issueToken(
  ctx: SandboxContext,
  kind: "component" | "authorizer",
  ownerAppId: string,
): Promise<string> {
  const { at } = ctx;
  const token = newAccessToken();
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(sandboxTokens)
      .set({ supersededAt: at() })
      .where(
        and(eq(sandboxTokens.kind, kind), eq(sandboxTokens.ownerAppId, ownerAppId), isNull(sandboxTokens.supersededAt)),
      );
    await tx
      .insert(sandboxTokens)
      .values({ token, kind, ownerAppId, issuedAt: at(), expiresAt: at(TOKEN_TTL_SECONDS) });
  });
  return token;
}
