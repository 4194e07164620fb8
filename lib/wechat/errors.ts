/** Codes that mean "the token you used is dead": refresh it (compare-and-swap) and retry once. */
export const TOKEN_INVALID_ERRCODES: readonly number[] = [40001, 40014, 42001];

export const SYSTEM_BUSY_ERRCODE = -1;

const MAX_SUMMARY_LENGTH = 200;

/**
 * The errmsg as it may appear in an Error message: without the `rid:`/`hint:` suffix, and with anything shaped like
 * a credential removed.
 */
function summarizeErrmsg(errmsg: string): string {
  // Security: errmsg is upstream text we do not control; never let a token or secret reach a message or log line.
  const summary = errmsg
    .replace(/\s*\b(?:rid|hint):.*$/s, "")
    .replace(/\w+@@@\S+/g, "[redacted]")
    .replace(/[\w-]{32,}/g, "[redacted]")
    .trim();
  return summary.length > MAX_SUMMARY_LENGTH ? `${summary.slice(0, MAX_SUMMARY_LENGTH)}…` : summary;
}

/** An error whose `code` picks its message from a fixed table (the crypto and XML layers' failures). */
export class CodedError<C extends string> extends Error {
  readonly code: C;

  constructor(name: string, code: C, messages: Readonly<Record<C, string>>) {
    super(messages[code]);
    this.name = name;
    this.code = code;
  }
}

/**
 * The base of an Error class named `name` that `instanceof` recognises by that name. Next bundles server code more
 * than once (instrumentation, routes, actions), so one error class can exist in several copies; any of them matches.
 * Every such class of the project extends it (here because lib/wechat imports nothing of ours).
 */
export function ErrorRecognisedByName<N extends string>(name: N) {
  return class extends Error {
    static [Symbol.hasInstance](value: unknown): boolean {
      return value instanceof Error && value.name === name;
    }

    override readonly name: N = name;
  };
}

/** A response that carried a non-zero errcode. `errmsg` is kept verbatim (including `rid:`) for support tickets. */
export class WechatApiError extends ErrorRecognisedByName("WechatApiError") {
  readonly errcode: number;
  readonly errmsg: string;
  readonly endpoint: string;

  /** What the errcode means for people is a catalog entry (lib/i18n/wechat-errors.ts), not part of the protocol core. */
  constructor(endpoint: string, errcode: number, errmsg: string) {
    const summary = summarizeErrmsg(errmsg);
    super(`WeChat ${endpoint} failed: ${errcode}${summary ? ` (${summary})` : ""}`);
    this.errcode = errcode;
    this.errmsg = errmsg;
    this.endpoint = endpoint;
  }
}

export type WechatTransportFailure = "timeout" | "network" | "http_status" | "bad_json" | "unexpected_shape";

/** The call did not produce a usable WeChat answer: no response, a non-JSON body, or JSON of the wrong shape. */
export class WechatTransportError extends ErrorRecognisedByName("WechatTransportError") {
  readonly endpoint: string;
  readonly reason: WechatTransportFailure;
  /** HTTP status, when a response arrived. */
  readonly status?: number;

  constructor(
    endpoint: string,
    reason: WechatTransportFailure,
    detail: string,
    options?: { status?: number; cause?: unknown },
  ) {
    super(`WeChat ${endpoint} transport failure (${reason}): ${detail}`, { cause: options?.cause });
    this.endpoint = endpoint;
    this.reason = reason;
    this.status = options?.status;
  }
}

export function isTokenInvalidError(e: unknown): e is WechatApiError {
  return e instanceof WechatApiError && TOKEN_INVALID_ERRCODES.includes(e.errcode);
}

export function isRetryableSystemError(e: unknown): e is WechatApiError {
  return e instanceof WechatApiError && e.errcode === SYSTEM_BUSY_ERRCODE;
}
