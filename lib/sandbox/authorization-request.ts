import { PERMISSION_SETS, type AccountKind, type PermissionSet } from "@/lib/wechat/permissions";

/**
 * The sandbox's authorization page (docs/wechat-protocol.md §4): the checks WeChat makes before it shows the page, and the
 * rules for what the merchant may pick on it. Pure: the caller looks up the `pre_auth_code` and the accounts.
 */

export type PreAuthCodeState = "ok" | "unknown" | "used" | "expired";
export type AuthType = 1 | 2 | 3 | 4 | 5 | 6 | 8;

export type AuthorizationErrorCode =
  | "invalid_component_appid"
  | "missing_pre_auth_code"
  | "invalid_pre_auth_code"
  | "used_pre_auth_code"
  | "expired_pre_auth_code"
  | "invalid_redirect_uri"
  | "redirect_uri_domain_mismatch"
  | "referer_domain_mismatch"
  | "invalid_auth_type"
  | "unsupported_auth_type"
  | "invalid_biz_appid"
  | "invalid_category_id_list"
  | "invalid_action";

export interface AuthorizationError {
  code: AuthorizationErrorCode;
  zh: string;
  en: string;
}

export interface AuthorizationRequest {
  preAuthCode: string;
  redirectUri: string;
  authType: AuthType;
  /** The account kinds the merchant may pick. With `bizAppId` the account itself decides. */
  kinds: AccountKind[];
  bizAppId?: string;
  categoryIds?: number[];
}

export type AuthorizationRequestResult =
  { ok: true; request: AuthorizationRequest } | { ok: false; error: AuthorizationError };

export interface AuthorizationRequestInput {
  searchParams: Record<string, string | undefined>;
  referer: string | null;
  /** The portal's APP_URL: its host is the 授权发起页域名 (in the sandbox the portal and WeChat share it). */
  appUrl: string;
  componentAppId: string;
  /** The H5 page (`/wxaopen/safe/bindcomponent`) rather than the PC one (`/cgi-bin/componentloginpage`). */
  mobile: boolean;
}

export const ACCOUNT_KINDS: readonly AccountKind[] = ["official_account", "mini_program"];
const AUTH_TYPES: readonly AuthType[] = [1, 2, 3, 4, 5, 6, 8];
/** What this sandbox can simulate: 公众号 and 小程序 only (no 推客, 视频号 or 带货助手 accounts). */
const SIMULATED_KINDS: Partial<Record<AuthType, AccountKind[]>> = {
  1: ["official_account"],
  2: ["mini_program"],
  3: ["official_account", "mini_program"],
};
const APPID = /^wx[0-9a-f]{16}$/;
const CATEGORY_ID_LIST = /^[1-9][0-9]{0,5}(\|[1-9][0-9]{0,5})*$/;

/** The sets WeChat's page ticks when the platform names none (`category_id_list` absent). */
export const DEFAULT_FUNC_IDS: Readonly<Record<AccountKind, readonly number[]>> = {
  official_account: [1, 2, 3, 4, 7, 11, 15],
  mini_program: [17, 18, 19, 30, 31],
};

function fail(code: AuthorizationErrorCode, zh: string, en: string): AuthorizationRequestResult {
  return { ok: false, error: { code, zh, en } };
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

/**
 * The authorization page's own query parameters: the page echoes them in hidden fields, and its actions check
 * them again as WeChat would (validateAuthorizationRequest).
 */
export const AUTHORIZATION_REQUEST_PARAMS = [
  "component_appid",
  "pre_auth_code",
  "redirect_uri",
  "auth_type",
  "biz_appid",
  "category_id_list",
  "action",
] as const;

/** `Record<string, string | string[] | undefined>` (Next's searchParams) → first value of each key. */
export function firstValues(params: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(params).map(([key, value]) => [key, Array.isArray(value) ? value[0] : value]),
  );
}

/**
 * The checks WeChat makes before it shows the authorization page (docs/wechat-protocol.md §4.2–4.5), in the order it makes them.
 * Security: `redirect_uri` and the Referer must both be on the platform's 授权发起页域名, so a stolen
 * `pre_auth_code` cannot send the merchant's `auth_code` elsewhere, and the entry must be a link on that domain.
 */
export function validateAuthorizationRequest(
  input: AuthorizationRequestInput,
  preAuthCodeState: PreAuthCodeState,
): AuthorizationRequestResult {
  const param = (name: string) => {
    const value = input.searchParams[name]?.trim();
    return value === undefined || value === "" ? undefined : value;
  };

  if (param("component_appid") !== input.componentAppId) {
    return fail(
      "invalid_component_appid",
      "component_appid 参数错误，请检查第三方平台的 AppID",
      "Invalid component_appid: it must be the third-party platform's AppID",
    );
  }

  const preAuthCode = param("pre_auth_code");
  if (preAuthCode === undefined) {
    return fail("missing_pre_auth_code", "缺少 pre_auth_code 参数", "The pre_auth_code parameter is missing");
  }
  if (preAuthCodeState === "unknown") {
    return fail(
      "invalid_pre_auth_code",
      "pre_auth_code 无效，请重新发起授权",
      "Invalid pre_auth_code: start the authorization again",
    );
  }
  if (preAuthCodeState === "used") {
    return fail(
      "used_pre_auth_code",
      "该授权链接已被使用（pre_auth_code 只能使用一次），请重新发起授权",
      "This authorization link has already been used (a pre_auth_code is single-use): start again",
    );
  }
  if (preAuthCodeState === "expired") {
    return fail(
      "expired_pre_auth_code",
      "授权链接已过期（pre_auth_code 有效期 30 分钟），请重新发起授权",
      "This authorization link has expired (a pre_auth_code lives 30 minutes): start again",
    );
  }

  const appHost = hostOf(input.appUrl);
  const redirectUri = param("redirect_uri");
  const redirect = redirectUri && /^https?:\/\//i.test(redirectUri) ? hostOf(redirectUri) : undefined;
  if (redirectUri === undefined || redirect === undefined) {
    return fail(
      "invalid_redirect_uri",
      "redirect_uri 参数错误，须为 URL 编码后的完整地址（http:// 或 https:// 开头）",
      "Invalid redirect_uri: it must be an absolute, URL-encoded http(s) address",
    );
  }
  if (redirect !== appHost) {
    return fail(
      "redirect_uri_domain_mismatch",
      `redirect_uri 所在域名（${redirect}）与第三方平台登记的授权发起页域名不一致`,
      `The redirect_uri host (${redirect}) is not the platform's registered authorization domain`,
    );
  }

  const referer = input.referer?.trim() ? input.referer.trim() : null;
  const refererHost = referer ? hostOf(referer) : undefined;
  if (refererHost === undefined || refererHost !== appHost) {
    const shown = refererHost ?? (referer ? referer : "空");
    return fail(
      "referer_domain_mismatch",
      `请确认授权入口页所在域名，与授权后回调页所在域名相同，并且此两者都必须与申请第三方平台时填写的授权发起页域名相同。授权入口页所在域名：${shown}`,
      `Make sure the page linking here is on the same domain as the redirect_uri, and that both match the platform's registered authorization domain. Entry page domain: ${refererHost ?? (referer ? referer : "none")}`,
    );
  }

  const rawAuthType = param("auth_type");
  const authType = (
    rawAuthType === undefined ? 3 : /^[0-9]+$/.test(rawAuthType) ? Number(rawAuthType) : NaN
  ) as AuthType;
  if (!AUTH_TYPES.includes(authType)) {
    return fail(
      "invalid_auth_type",
      `auth_type 参数错误：${rawAuthType}（可选值 1、2、3、4、5、6、8）`,
      `Invalid auth_type "${rawAuthType}" (allowed: 1, 2, 3, 4, 5, 6, 8)`,
    );
  }

  const bizAppId = param("biz_appid");
  if (bizAppId !== undefined && !APPID.test(bizAppId)) {
    return fail("invalid_biz_appid", `biz_appid 参数错误：${bizAppId}`, `Invalid biz_appid "${bizAppId}"`);
  }

  // biz_appid wins over auth_type (docs/wechat-protocol.md §4.3): the named account's own kind decides.
  const kinds = bizAppId !== undefined ? [...ACCOUNT_KINDS] : SIMULATED_KINDS[authType];
  if (kinds === undefined) {
    return fail(
      "unsupported_auth_type",
      `该授权类型暂不支持（沙箱）：auth_type=${authType}。沙箱只模拟公众号（1）、小程序（2）及两者（3）`,
      `This authorization type is not supported in the sandbox: auth_type=${authType}. It simulates Official Accounts (1), Mini Programs (2) and both (3) only`,
    );
  }

  const rawCategories = param("category_id_list");
  if (rawCategories !== undefined && !CATEGORY_ID_LIST.test(rawCategories)) {
    return fail(
      "invalid_category_id_list",
      `category_id_list 参数错误：${rawCategories}（格式如 18|30）`,
      `Invalid category_id_list "${rawCategories}" (expected ids separated by |, e.g. 18|30)`,
    );
  }
  const categoryIds = rawCategories === undefined ? undefined : [...new Set(rawCategories.split("|").map(Number))];

  // The H5 link carries action=bindcomponent (docs/wechat-protocol.md §4.2); a different action is another page of WeChat's.
  const action = param("action");
  if (input.mobile && action !== undefined && action !== "bindcomponent") {
    return fail(
      "invalid_action",
      `action 参数错误：${action}，应为 bindcomponent`,
      `Invalid action "${action}": expected bindcomponent`,
    );
  }

  return {
    ok: true,
    request: {
      preAuthCode,
      redirectUri,
      authType,
      kinds,
      ...(bizAppId !== undefined ? { bizAppId } : {}),
      ...(categoryIds !== undefined ? { categoryIds } : {}),
    },
  };
}

export interface AccountOption {
  appId: string;
  kind: AccountKind;
}

/**
 * Which accounts the page lists and which kinds the tester may create. With `biz_appid`, only that account,
 * or (when the sandbox has never seen it) a new account created under that very AppID.
 */
export function selectableAccounts<T extends AccountOption>(
  request: Pick<AuthorizationRequest, "kinds" | "bizAppId">,
  accounts: readonly T[],
): { accounts: T[]; creatableKinds: AccountKind[] } {
  if (request.bizAppId !== undefined) {
    const named = accounts.find((a) => a.appId === request.bizAppId);
    return named ? { accounts: [named], creatableKinds: [] } : { accounts: [], creatableKinds: [...ACCOUNT_KINDS] };
  }
  return { accounts: accounts.filter((a) => request.kinds.includes(a.kind)), creatableKinds: [...request.kinds] };
}

/** The permission sets an account of this kind can grant, in table order. */
export function permissionSetsFor(kind: AccountKind): PermissionSet[] {
  return PERMISSION_SETS.filter((set) => set.accountKinds.includes(kind));
}

/** Ticked on arrival: the requested sets that fit the kind, else the defaults. */
export function preselectedFuncIds(kind: AccountKind, categoryIds: readonly number[] | undefined): number[] {
  const allowed = new Set(permissionSetsFor(kind).map((set) => set.id));
  const requested = (categoryIds ?? []).filter((id) => allowed.has(id));
  return requested.length > 0 ? requested : DEFAULT_FUNC_IDS[kind].filter((id) => allowed.has(id));
}

export type AccountChoice =
  | { ok: true; appId?: string; kind: AccountKind; funcIds: number[]; nickName?: string }
  | { ok: false; zh: string; en: string };

/**
 * Checks what the tester submitted on the page: an account the request allows (`account` = an AppID, or
 * `new:official_account` / `new:mini_program`) and at least one permission set that account kind can hold.
 */
export function resolveAccountChoice(
  request: Pick<AuthorizationRequest, "kinds" | "bizAppId">,
  accounts: readonly AccountOption[],
  /** `funcIds` per kind: the page has one list per account kind and only the chosen kind's list counts. */
  form: {
    account: string | undefined;
    funcIds: Partial<Record<AccountKind, readonly string[]>>;
    nickName: string | undefined;
  },
): AccountChoice {
  const { accounts: allowed, creatableKinds } = selectableAccounts(request, accounts);
  let target: { appId?: string; kind: AccountKind } | undefined;
  if (form.account?.startsWith("new:")) {
    const kind = form.account.slice(4) as AccountKind;
    if (creatableKinds.includes(kind)) target = { kind, ...(request.bizAppId ? { appId: request.bizAppId } : {}) };
  } else {
    const existing = allowed.find((a) => a.appId === form.account);
    if (existing) target = { appId: existing.appId, kind: existing.kind };
  }
  if (!target) return { ok: false, zh: "请选择要授权的账号", en: "Choose the account to authorize" };

  const valid = new Set(permissionSetsFor(target.kind).map((set) => set.id));
  const submitted = form.funcIds[target.kind] ?? [];
  const funcIds = [...new Set(submitted.map(Number))].filter((id) => valid.has(id));
  if (funcIds.length === 0 || funcIds.length !== new Set(submitted).size) {
    return {
      ok: false,
      zh: funcIds.length === 0 ? "请至少选择一项权限" : "所选权限不适用于该账号类型",
      en:
        funcIds.length === 0
          ? "Choose at least one permission set"
          : "A chosen permission set does not apply to this account type",
    };
  }
  const nickName = form.nickName?.trim();
  const isNew = form.account?.startsWith("new:") === true;
  return { ok: true, ...target, funcIds, ...(isNew && nickName ? { nickName: nickName.slice(0, 30) } : {}) };
}

/** WeChat appends `auth_code` and `expires_in` to `redirect_uri`, keeping the platform's own parameters (docs/wechat-protocol.md §4.4). */
export function authorizedRedirectUrl(redirectUri: string, authCode: string, expiresIn: number): string {
  return `${redirectUri}${redirectUri.includes("?") ? "&" : "?"}auth_code=${encodeURIComponent(authCode)}&expires_in=${expiresIn}`;
}
