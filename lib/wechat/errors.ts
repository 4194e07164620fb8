export interface WechatErrorMeaning {
  zh: string;
  en: string;
}

/** Human-readable meanings of WeChat errcodes (docs/wechat-protocol.md §6 and the per-API lists of §3). */
export const WECHAT_ERROR_MEANINGS: Record<number, WechatErrorMeaning> = {
  [-1]: {
    zh: "微信系统繁忙，请稍后重试",
    en: "WeChat is busy (system error); retry later with backoff",
  },
  0: { zh: "请求成功", en: "The request succeeded" },
  40001: {
    zh: "access_token 无效或不是最新的；若来自 api_component_token，则可能是 AppSecret 错误",
    en: "The access token is invalid or not the latest; from api_component_token it can also mean a wrong AppSecret",
  },
  40013: {
    zh: "AppID 无效，格式错误或与令牌不匹配",
    en: "The AppID is invalid: malformed or not matching the token",
  },
  40014: { zh: "access_token 不合法", en: "The access token is malformed" },
  40029: {
    zh: "网页授权 code 无效或已被使用，需要重新发起网页授权",
    en: "The OAuth code is invalid or already used; restart the OAuth flow",
  },
  40125: {
    zh: "第三方平台 AppSecret 无效",
    en: "The component AppSecret is invalid",
  },
  40164: {
    zh: "调用方 IP 不在白名单中",
    en: "The calling IP address is not in the whitelist",
  },
  40170: {
    zh: "参数数量超出限制（例如 count 大于 500）",
    en: "An argument exceeds its count limit (for example count above 500)",
  },
  41001: { zh: "缺少 access_token 参数", en: "The access_token parameter is missing" },
  41002: { zh: "缺少 appid 参数", en: "The appid parameter is missing" },
  41004: { zh: "缺少 secret 参数", en: "The secret parameter is missing" },
  42001: { zh: "access_token 已过期", en: "The access token has expired" },
  42002: {
    zh: "网页授权 refresh_token 已过期（不是授权方刷新令牌），需要重新发起网页授权",
    en: "The user OAuth refresh token has expired (not the authorizer refresh token); restart the OAuth flow",
  },
  42007: {
    zh: "用户修改了微信密码，网页授权令牌已失效，需要重新授权",
    en: "The user changed their password, so the OAuth tokens are void; restart the OAuth flow",
  },
  45009: {
    zh: "接口调用已达到每日上限，请停止调用或清零配额",
    en: "The daily API quota is exhausted; stop calling or clear the quota",
  },
  45011: {
    zh: "接口调用过于频繁，请稍后再试",
    en: "The per-minute API rate limit was reached; back off and try again",
  },
  47001: {
    zh: "请求数据格式错误（JSON 不合法）",
    en: "The request data is malformed (invalid JSON)",
  },
  48001: {
    zh: "该账号没有此接口的权限（例如未认证或账号类型不符）",
    en: "The account itself lacks this API (for example it is unverified or of the wrong type)",
  },
  48006: {
    zh: "本月清零次数已用完，请下月再试",
    en: "The monthly quota-clear limit has been reached; wait until next month",
  },
  50001: {
    zh: "该账号未被授权调用此接口",
    en: "The account is not authorized to use this API",
  },
  50002: {
    zh: "该账号受限（可能已被封禁或冻结）",
    en: "The account is restricted (possibly banned or frozen)",
  },
  61003: {
    zh: "该账号未授权给本第三方平台，或已取消授权",
    en: "The account has not authorized this platform, or has revoked the authorization",
  },
  61004: {
    zh: "调用方 IP 未加入第三方平台白名单",
    en: "The calling IP address is not in the platform's IP whitelist",
  },
  61005: {
    zh: "component_verify_ticket 已过期，需要重新启动推送并等待新的 ticket",
    en: "The component verify ticket has expired; restart ticket pushes and wait for a new one",
  },
  61006: {
    zh: "component_verify_ticket 无效，请使用最新收到的 ticket",
    en: "The component verify ticket is invalid; use the newest ticket received",
  },
  61007: {
    zh: "授权方未授予本接口所属的权限集，需要商户更新授权",
    en: "The authorizer has not granted the permission set covering this API; ask the merchant to update the authorization",
  },
  61009: {
    zh: "授权码无效、已被使用或不属于本平台，需要重新授权",
    en: "The authorization code is invalid, already used or foreign; restart the authorization",
  },
  61010: {
    zh: "授权码已过期，需要重新授权",
    en: "The authorization code has expired; restart the authorization",
  },
  61011: {
    zh: "第三方平台无效（AppID 错误、未通过审核或已被封禁）",
    en: "The component is invalid (wrong AppID, not approved or banned)",
  },
  61012: { zh: "选项名称无效", en: "The option name is invalid" },
  61013: { zh: "选项值无效", en: "The option value is invalid" },
  61014: {
    zh: "此接口必须使用第三方平台令牌调用",
    en: "This API must be called with the component access token",
  },
  61015: {
    zh: "此接口必须使用授权方令牌调用",
    en: "This API must be called with an authorizer access token",
  },
  61016: {
    zh: "该权限集需要第三方平台确认",
    en: "The permission set must be confirmed by the component",
  },
  61017: {
    zh: "该权限集未获授权",
    en: "The permission set has not been authorized",
  },
  61023: {
    zh: "授权方刷新令牌无效，需要重新授权或从授权列表恢复",
    en: "The authorizer refresh token is invalid; recover it from the authorizer list or ask the merchant to re-authorize",
  },
  61024: {
    zh: "第三方平台必须通过 api_component_token 获取令牌",
    en: "A component account must obtain its token through api_component_token",
  },
  61025: { zh: "该选项为只读，不能修改", en: "The option is read-only" },
  61026: { zh: "无权使用注册接口", en: "Access to the registration API is denied" },
  61027: { zh: "注册次数已达上限", en: "The registration limit has been exceeded" },
  61028: {
    zh: "第三方平台尚未全网发布，且该账号不在授权测试列表中",
    en: "The platform is not released yet and the account is not on the test list",
  },
  61051: { zh: "实名认证类型无效", en: "The real-name verification type is invalid" },
  76003: {
    zh: "cgi_path 参数错误，须以 / 开头且不含域名",
    en: "The cgi_path is invalid; it must start with / and omit the host",
  },
  76022: { zh: "不支持查询该接口路径", en: "The API path is not supported" },
};

export function describeWechatError(code: number): WechatErrorMeaning {
  return (
    WECHAT_ERROR_MEANINGS[code] ?? {
      zh: `未知的微信错误码 ${code}`,
      en: `Unknown WeChat error code ${code}`,
    }
  );
}

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

/** A response that carried a non-zero errcode. `errmsg` is kept verbatim (including `rid:`) for support tickets. */
export class WechatApiError extends Error {
  /**
   * Next bundles server code more than once (instrumentation, routes, actions), so one error class can exist
   * in several copies; recognise any of them by name.
   */
  static [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof Error && value.name === "WechatApiError";
  }

  override readonly name = "WechatApiError";
  readonly errcode: number;
  readonly errmsg: string;
  readonly endpoint: string;
  readonly meaning: WechatErrorMeaning;

  constructor(endpoint: string, errcode: number, errmsg: string) {
    const meaning = describeWechatError(errcode);
    super(`WeChat ${endpoint} failed: ${errcode} (${summarizeErrmsg(errmsg) || meaning.en})`);
    this.errcode = errcode;
    this.errmsg = errmsg;
    this.endpoint = endpoint;
    this.meaning = meaning;
  }
}

export type WechatTransportFailure = "timeout" | "network" | "http_status" | "bad_json" | "unexpected_shape";

/** The call did not produce a usable WeChat answer: no response, a non-JSON body, or JSON of the wrong shape. */
export class WechatTransportError extends Error {
  /**
   * Next bundles server code more than once (instrumentation, routes, actions), so one error class can exist
   * in several copies; recognise any of them by name.
   */
  static [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof Error && value.name === "WechatTransportError";
  }

  override readonly name = "WechatTransportError";
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
