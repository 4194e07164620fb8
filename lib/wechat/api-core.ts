import { z } from "zod";
import { WechatApiError, WechatTransportError, isRetryableSystemError, isTokenInvalidError } from "./errors";

/**
 * The single request path to WeChat's API (docs/wechat-protocol.md §0.3): every endpoint of every area (component,
 * code management, setup, fast registration) goes through `request`. Plain TypeScript over `fetch`: base URL,
 * fetch, clock and sleep are arguments, so the sandbox and tests plug in without module mocks.
 *
 * Rules it applies for everyone:
 * - the credential travels in the query string only, and no URL ever reaches an error, a log line or an observer;
 * - HTTP status is meaningless for business errors: "errcode absent or 0" is success, anything else a typed
 *   WechatApiError; a non-JSON or wrongly shaped answer a WechatTransportError;
 * - `-1`, timeouts and lost connections are retried with backoff, but only for endpoints marked repeatable;
 * - a binary endpoint (e.g. get_qrcode's JPEG) answers bytes, or the JSON error WeChat sends instead.
 */

export const wechatErrorEnvelopeSchema = z.looseObject({
  errcode: z.number().optional(),
  errmsg: z.string().optional(),
});
export type WechatErrorEnvelope = z.infer<typeof wechatErrorEnvelopeSchema>;

export interface Endpoint {
  /** The name used in errors, logs and metrics (a fixed string, never a URL). */
  name: string;
  path: string;
  /** Default POST. */
  method?: "GET" | "POST";
  /**
   * Whether repeating the call after an ambiguous failure (-1, timeout, lost connection) is harmless. Not so for
   * api_query_auth (a code is exchanged once), message/custom/send (the user would get the message twice), or
   * submit_audit (one audit per submission): those callers decide themselves how to recover a lost answer.
   */
  repeatable: boolean;
  /** The answer is bytes (e.g. an image) unless it is a JSON error. */
  binary?: boolean;
}

/**
 * An endpoint from `"METHOD /path"`, named after its path without `/cgi-bin/component/`, `/wxa/component/`,
 * `/cgi-bin/` or `/` (`api_component_token`, `fastregisterpersonalweapp`, `account/fastregister`, `wxa/commit`).
 */
export function endpoint(
  route: `${"GET" | "POST"} /${string}`,
  options: Pick<Endpoint, "repeatable" | "binary">,
): Endpoint {
  const [method, path] = route.split(" ") as ["GET" | "POST", string];
  const name = path
    .replace(/^\/(cgi-bin|wxa)\/component\//, "")
    .replace(/^\/cgi-bin\//, "")
    .replace(/^\//, "");
  return { name, path, method, ...options };
}

export interface Credential {
  param: "component_access_token" | "access_token";
  value: string;
}

/** What one attempt of one call looked like, for metrics and traces: never a URL, a token or a body. */
export interface CallObservation {
  endpoint: string;
  /** 1 for the first attempt. */
  attempt: number;
  outcome: "ok" | "errcode" | "timeout" | "network" | "http_status" | "bad_json" | "unexpected_shape";
  /** The errcode WeChat answered (0 for success), or null without an answer. */
  errcode: number | null;
  durationMs: number;
}

export interface ApiCoreOptions {
  /** e.g. https://api.weixin.qq.com or http://127.0.0.1:3000/sandbox */
  baseUrl: string;
  fetch?: typeof fetch;
  /** Per attempt. Default 10 000. */
  timeoutMs?: number;
  /** Retries on errcode -1, network errors and timeouts, for calls that are safe to repeat. Default 3. */
  maxSystemErrorRetries?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Called after every attempt (metrics, traces). Must not throw. */
  observe?: (observation: CallObservation) => void;
  /**
   * Returns a valid component_access_token. When `staleToken` is given, the caller saw 40001/40014/42001 with it:
   * refresh only if the stored token is still that one (compare-and-swap), then return the fresh one.
   */
  getComponentToken?: (opts?: { staleToken?: string }) => Promise<string>;
}

export interface BinaryAnswer {
  contentType: string;
  bytes: Buffer;
}

export interface RequestInput {
  /** JSON body (POST). WeChat requires `{}` rather than no body on some endpoints, so pass `{}` there. */
  body?: object;
  /** Extra query parameters (never credentials: use `credential`). */
  query?: Record<string, string | number | undefined>;
  credential?: Credential;
}

export interface ApiCore {
  /** One call with retries for repeatable endpoints; parsed with `schema` after the errcode check. */
  request<S extends z.ZodType>(endpoint: Endpoint, input: RequestInput, schema: S): Promise<z.output<S>>;
  /** A binary endpoint: the bytes, or a WechatApiError when WeChat answered JSON with an errcode. */
  requestBinary(endpoint: Endpoint, input: RequestInput): Promise<BinaryAnswer>;
  /**
   * With the component token (docs/wechat-protocol.md §6): on 40001/40014/42001 the token that failed is refreshed
   * (compare-and-swap) and the call retried exactly once. `param` names the query parameter: the authorization APIs
   * take `component_access_token=`, the template and fast-registration APIs `access_token=`.
   */
  requestWithComponentToken<S extends z.ZodType>(
    endpoint: Endpoint,
    input: Omit<RequestInput, "credential">,
    schema: S,
    param?: Credential["param"],
  ): Promise<z.output<S>>;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_SYSTEM_ERROR_RETRIES = 3;
const BACKOFF_BASE_MS = 200;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function isTransient(e: unknown): boolean {
  if (isRetryableSystemError(e)) return true;
  if (!(e instanceof WechatTransportError)) return false;
  return e.reason === "timeout" || e.reason === "network" || (e.reason === "http_status" && (e.status ?? 0) >= 500);
}

export function describeIssues(error: z.ZodError): string {
  // Paths and issue codes only: the values may be tokens.
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.map(String).join(".") : "(root)"} (${issue.code})`)
    .join(", ");
}

export function createApiCore(options: ApiCoreOptions): ApiCore {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxRetries = options.maxSystemErrorRetries ?? DEFAULT_MAX_SYSTEM_ERROR_RETRIES;
  const sleep = options.sleep ?? defaultSleep;
  const observe = options.observe ?? (() => {});

  function urlFor(endpoint: Endpoint, input: RequestInput): string {
    const params = new URLSearchParams();
    // Security: the credential travels in the query only, and the URL never appears in an error.
    if (input.credential) params.set(input.credential.param, input.credential.value);
    for (const [key, value] of Object.entries(input.query ?? {})) {
      if (value !== undefined) params.set(key, String(value));
    }
    const query = params.toString();
    return query ? `${baseUrl}${endpoint.path}?${query}` : `${baseUrl}${endpoint.path}`;
  }

  /** One HTTP exchange: the raw answer, or a WechatTransportError. */
  async function exchange(endpoint: Endpoint, input: RequestInput): Promise<{ response: Response; bytes: Buffer }> {
    const method = endpoint.method ?? "POST";
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const response = await fetchImpl(urlFor(endpoint, input), {
        method,
        ...(method === "POST" && {
          headers: { "content-type": "application/json" },
          body: JSON.stringify(input.body ?? {}),
        }),
        signal,
      });
      return { response, bytes: Buffer.from(await response.arrayBuffer()) };
    } catch (cause) {
      if (signal.aborted) {
        throw new WechatTransportError(endpoint.name, "timeout", `no response within ${timeoutMs} ms`, { cause });
      }
      throw new WechatTransportError(endpoint.name, "network", "the request failed before a response was read", {
        cause,
      });
    }
  }

  /** JSON answer → errcode check → schema. */
  function readJson<S extends z.ZodType>(
    endpoint: Endpoint,
    status: number,
    ok: boolean,
    text: string,
    schema: S,
  ): z.output<S> {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      // WeChat answers business errors with HTTP 200, so the status only matters when there is no JSON to read.
      if (!ok)
        throw new WechatTransportError(endpoint.name, "http_status", `HTTP ${status} with a non-JSON body`, { status });
      throw new WechatTransportError(endpoint.name, "bad_json", `HTTP ${status} body is not JSON`, { status });
    }
    const envelope = wechatErrorEnvelopeSchema.safeParse(json);
    if (!envelope.success) {
      throw new WechatTransportError(endpoint.name, "unexpected_shape", describeIssues(envelope.error), { status });
    }
    const { errcode, errmsg } = envelope.data;
    if (errcode !== undefined && errcode !== 0) throw new WechatApiError(endpoint.name, errcode, errmsg ?? "");
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new WechatTransportError(endpoint.name, "unexpected_shape", describeIssues(parsed.error), { status });
    }
    return parsed.data;
  }

  async function observed<T>(endpoint: Endpoint, attempt: number, run: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const result = await run();
      observe({ endpoint: endpoint.name, attempt, outcome: "ok", errcode: 0, durationMs: performance.now() - started });
      return result;
    } catch (error) {
      const durationMs = performance.now() - started;
      if (error instanceof WechatApiError) {
        observe({ endpoint: endpoint.name, attempt, outcome: "errcode", errcode: error.errcode, durationMs });
      } else if (error instanceof WechatTransportError) {
        observe({ endpoint: endpoint.name, attempt, outcome: error.reason, errcode: null, durationMs });
      }
      throw error;
    }
  }

  async function withRetries<T>(endpoint: Endpoint, once: () => Promise<T>): Promise<T> {
    for (let retry = 0; ; retry++) {
      try {
        return await observed(endpoint, retry + 1, once);
      } catch (e) {
        if (!endpoint.repeatable || retry >= maxRetries || !isTransient(e)) throw e;
        // Exponential backoff (200 ms · 2^n, ±25 % jitter).
        await sleep(Math.round(BACKOFF_BASE_MS * 2 ** retry * (0.75 + Math.random() * 0.5)));
      }
    }
  }

  const core: ApiCore = {
    request(endpoint, input, schema) {
      return withRetries(endpoint, async () => {
        const { response, bytes } = await exchange(endpoint, input);
        return readJson(endpoint, response.status, response.ok, bytes.toString("utf8"), schema);
      });
    },

    requestBinary(endpoint, input) {
      return withRetries(endpoint, async () => {
        const { response, bytes } = await exchange(endpoint, input);
        const contentType = response.headers.get("content-type") ?? "";
        // WeChat sends the error as JSON (its content type is not documented), the image with an image/* type.
        if (/^(image|application\/octet-stream)/i.test(contentType) && response.ok) return { contentType, bytes };
        readJson(endpoint, response.status, response.ok, bytes.toString("utf8"), wechatErrorEnvelopeSchema);
        throw new WechatTransportError(
          endpoint.name,
          "unexpected_shape",
          `expected binary content, got ${contentType || "none"}`,
          {
            status: response.status,
          },
        );
      });
    },

    async requestWithComponentToken(endpoint, input, schema, param = "component_access_token") {
      const getToken = options.getComponentToken;
      if (!getToken) throw new Error(`createApiCore: getComponentToken is required to call ${endpoint.name}`);
      const token = await getToken();
      try {
        return await core.request(endpoint, { ...input, credential: { param, value: token } }, schema);
      } catch (e) {
        if (!isTokenInvalidError(e)) throw e;
        const fresh = await getToken({ staleToken: token });
        return await core.request(endpoint, { ...input, credential: { param, value: fresh } }, schema);
      }
    },
  };
  return core;
}

/** A call with an authorizer's token (the caller refreshes it on 40001 through AuthorizerTokenService.withToken). */
export function authorizerCredential(accessToken: string): Credential {
  return { param: "access_token", value: accessToken };
}
