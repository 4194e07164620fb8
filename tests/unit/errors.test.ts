import { describe, expect, it } from "vitest";
import { CATALOGS } from "@/lib/i18n/catalogs";
import { wechatErrorMessage, wechatErrorText } from "@/lib/i18n/wechat-errors";
import { AppError } from "@/lib/errors";
import { RateLimitedError } from "@/lib/rate-limit";
import { SecretBoxError } from "@/lib/secrets";
import { WechatApiError, WechatTransportError, isRetryableSystemError, isTokenInvalidError } from "@/lib/wechat/errors";

// docs/wechat-protocol.md §6, plus the per-API lists of §3.
const PROTOCOL_CODES = [
  -1, 0, 40001, 40013, 40014, 40029, 40125, 40164, 40170, 41001, 41002, 41004, 42001, 42002, 42007, 45009, 45011, 47001,
  48001, 48006, 50001, 50002, 61003, 61004, 61005, 61006, 61007, 61009, 61010, 61011, 61012, 61013, 61014, 61015, 61016,
  61017, 61023, 61024, 61025, 61026, 61027, 61028, 61051, 76003, 76022,
];

describe("WeChat error explanations (catalog area wechatErrors)", () => {
  it.each(PROTOCOL_CODES)("describes %i in Chinese and English", (code) => {
    const zh: Record<string, string> = CATALOGS["zh-CN"].wechatErrors.codes;
    const en: Record<string, string> = CATALOGS.en.wechatErrors.codes;
    expect(zh[String(code)]).toMatch(/[\u4e00-\u9fff]/);
    expect(en[String(code)]?.length).toBeGreaterThan(10);
    expect(wechatErrorMessage(code)).toEqual({ key: `wechatErrors.codes.${code}` });
  });

  it("explains 61023 with its recovery path", () => {
    expect(wechatErrorMessage(61023)).toEqual({ key: "wechatErrors.codes.61023" });
    expect(wechatErrorText(61023, "zh-CN")).toBe("授权方刷新令牌无效，需要重新授权或从授权列表恢复");
    expect(wechatErrorText(61023, "en")).toBe(
      "The authorizer refresh token is invalid; recover it from the authorizer list or ask the merchant to re-authorize",
    );
  });

  it("falls back for unknown codes", () => {
    expect(wechatErrorMessage(99999)).toEqual({ key: "wechatErrors.unknown", values: { errcode: 99999 } });
    expect(wechatErrorText(99999, "zh-CN")).toBe("未知的微信错误码 99999");
    expect(wechatErrorText(99999, "en")).toBe("Unknown WeChat error code 99999");
  });
});

describe("WechatApiError", () => {
  it("names the endpoint and code, keeps the raw errmsg and strips the rid from the message", () => {
    const e = new WechatApiError(
      "api_component_token",
      61005,
      "component ticket is expired rid: 6142cae2-160a288b-589e1ad2",
    );
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("WechatApiError");
    expect(e.message).toBe("WeChat api_component_token failed: 61005 (component ticket is expired)");
    expect(e.errmsg).toBe("component ticket is expired rid: 6142cae2-160a288b-589e1ad2");
    expect(e.endpoint).toBe("api_component_token");
  });

  it("strips the older hint suffix too", () => {
    const e = new WechatApiError("api_query_auth", 61010, "code is expired hint: [Yx0123vr39]");
    expect(e.message).toBe("WeChat api_query_auth failed: 61010 (code is expired)");
  });

  it("names only the code when errmsg is empty (the explanation is the catalog's: wechatErrorText)", () => {
    const e = new WechatApiError("api_query_auth", 61009, "");
    expect(e.message).toBe("WeChat api_query_auth failed: 61009");
    expect(wechatErrorText(61009, "en")).toBe(CATALOGS.en.wechatErrors.codes["61009"]);
  });

  it("redacts credential-shaped text that WeChat might echo", () => {
    const e = new WechatApiError(
      "api_authorizer_token",
      61023,
      "refresh_token refreshtoken@@@kynV-4SI63OcAuB is invalid for 78_Qk2mRZabcdefghijklmnopqrstuvwxyz0123456789 rid: a-b-c",
    );
    expect(e.message).not.toContain("kynV");
    expect(e.message).not.toContain("Qk2mRZ");
    expect(e.message).toContain("[redacted]");
    expect(e.errmsg).toContain("rid: a-b-c");
  });
});

describe("WechatTransportError", () => {
  it("carries endpoint, reason and status", () => {
    const e = new WechatTransportError("api_get_authorizer_list", "http_status", "HTTP 502 with a non-JSON body", {
      status: 502,
    });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("WechatTransportError");
    expect(e.endpoint).toBe("api_get_authorizer_list");
    expect(e.reason).toBe("http_status");
    expect(e.status).toBe(502);
    expect(e.message).toContain("api_get_authorizer_list");
  });
});

describe("error predicates", () => {
  it.each([40001, 40014, 42001])("treats %i as an invalid token", (code) => {
    expect(isTokenInvalidError(new WechatApiError("x", code, ""))).toBe(true);
  });

  it("does not treat other codes or other errors as invalid tokens", () => {
    expect(isTokenInvalidError(new WechatApiError("x", 61023, ""))).toBe(false);
    expect(isTokenInvalidError(new WechatApiError("x", -1, ""))).toBe(false);
    expect(isTokenInvalidError(new Error("40001"))).toBe(false);
    expect(isTokenInvalidError(undefined)).toBe(false);
  });

  it("treats only -1 as a retryable system error", () => {
    expect(isRetryableSystemError(new WechatApiError("x", -1, "system error"))).toBe(true);
    expect(isRetryableSystemError(new WechatApiError("x", 45009, ""))).toBe(false);
    expect(isRetryableSystemError(new WechatTransportError("x", "timeout", "t"))).toBe(false);
  });
});

describe("AppError", () => {
  it("carries a Message for people, or the code's general explanation for an operator's detail", async () => {
    const { AppError } = await import("@/lib/errors");
    const specific = new AppError("not_found", { key: "authorize.errors.accountNotFound" });
    expect(specific.userMessage).toEqual({ key: "authorize.errors.accountNotFound" });
    expect(specific.status).toBe(404);
    const general = new AppError("conflict", "row changed under us");
    expect(general.message).toBe("row changed under us");
    expect(general.userMessage).toEqual({ key: "errors.conflict" });
    expect(CATALOGS["zh-CN"].errors.conflict).toMatch(/[\u4e00-\u9fff]/);
    expect(CATALOGS.en.errors.conflict.length).toBeGreaterThan(10);
  });
});

describe("appIdSchema", () => {
  it("words its issue as a catalog key, translated in both languages", async () => {
    const { appIdSchema } = await import("@/lib/wechat/app-id");
    expect(appIdSchema.safeParse("wx0123456789abcdef").success).toBe(true);
    const refused = appIdSchema.safeParse("not-an-appid");
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toBe("errors.invalidAppId");
    expect(CATALOGS["zh-CN"].errors.invalidAppId).toMatch(/AppID/);
    expect(CATALOGS.en.errors.invalidAppId).toMatch(/AppID/);
  });
});

describe("error classes recognised by name (ErrorRecognisedByName)", () => {
  // Next bundles server code more than once: an error thrown by another copy of the class is a different class
  // object with the same name. Such a copy is played here by a plain Error carrying the name.
  const classes = [
    ["AppError", AppError, () => new AppError("upstream", "boom")],
    ["SecretBoxError", SecretBoxError, () => new SecretBoxError("boom", "mismatch")],
    ["RateLimitedError", RateLimitedError, () => new RateLimitedError(30)],
    ["WechatApiError", WechatApiError, () => new WechatApiError("api_component_token", 61006, "invalid ticket")],
    [
      "WechatTransportError",
      WechatTransportError,
      () => new WechatTransportError("api_component_token", "timeout", "slow"),
    ],
  ] as const;

  it.each(classes)("%s: its own instances and another copy's match, other errors do not", (name, Class, create) => {
    const own = create();
    expect(own.name).toBe(name);
    expect(own.stack?.startsWith(name)).toBe(true);
    expect(own).toBeInstanceOf(Class);
    expect(own).toBeInstanceOf(Error);
    const copy = Object.assign(new Error("from another bundle"), { name });
    expect(copy instanceof Class).toBe(true);
    expect(new Error("plain") instanceof Class).toBe(false);
    for (const [otherName, , createOther] of classes) {
      if (otherName !== name) expect(createOther() instanceof Class).toBe(false);
    }
  });
});
