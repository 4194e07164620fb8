import { describe, expect, it } from "vitest";
import {
  authorizedRedirectUrl,
  firstValues,
  permissionSetsFor,
  preselectedFuncIds,
  resolveAccountChoice,
  selectableAccounts,
  validateAuthorizationRequest,
  type AuthorizationRequestInput,
  type PreAuthCodeState,
} from "@/lib/sandbox/authorization-request";

// The sandbox authorization page's checks (docs/wechat-protocol.md §4.2–4.5) and its account / permission rules (§4.3, §5).
const APP_URL = "https://portal.example.com";
const COMPONENT_APPID = "wx5a4db0c0f1e2d3c4";
const OA = "wx00000000000000a1";
const MP = "wx00000000000000b2";

function input(
  params: Record<string, string | undefined> = {},
  overrides: Partial<AuthorizationRequestInput> = {},
): AuthorizationRequestInput {
  return {
    searchParams: {
      component_appid: COMPONENT_APPID,
      pre_auth_code: "preauthcode@@@abc",
      redirect_uri: `${APP_URL}/api/wechat/authorize/callback?state=s1`,
      ...params,
    },
    referer: `${APP_URL}/accounts/connect`,
    appUrl: APP_URL,
    componentAppId: COMPONENT_APPID,
    mobile: false,
    ...overrides,
  };
}

function validate(
  params: Record<string, string | undefined> = {},
  overrides: Partial<AuthorizationRequestInput> = {},
  state: PreAuthCodeState = "ok",
) {
  return validateAuthorizationRequest(input(params, overrides), state);
}

function errorCode(result: ReturnType<typeof validate>): string | undefined {
  return result.ok ? undefined : result.error.code;
}

describe("validateAuthorizationRequest", () => {
  it("accepts a well-formed request and defaults auth_type to 3 (OA and MP)", () => {
    const result = validate();
    expect(result).toEqual({
      ok: true,
      request: {
        preAuthCode: "preauthcode@@@abc",
        redirectUri: `${APP_URL}/api/wechat/authorize/callback?state=s1`,
        authType: 3,
        kinds: ["official_account", "mini_program"],
      },
    });
  });

  it("gives every error in both languages", () => {
    const result = validate({ component_appid: "wx0000000000000000" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.zh).toMatch(/[\u4e00-\u9fff]/);
    expect(result.error.en).toMatch(/[A-Za-z]/);
  });

  describe("component_appid", () => {
    it("must be ours", () => {
      expect(errorCode(validate({ component_appid: "wx0000000000000000" }))).toBe("invalid_component_appid");
      expect(errorCode(validate({ component_appid: undefined }))).toBe("invalid_component_appid");
      expect(errorCode(validate({ component_appid: "" }))).toBe("invalid_component_appid");
      expect(validate({ component_appid: COMPONENT_APPID }).ok).toBe(true);
    });
  });

  describe("pre_auth_code", () => {
    it("must be present", () => {
      expect(errorCode(validate({ pre_auth_code: undefined }, {}, "unknown"))).toBe("missing_pre_auth_code");
      expect(errorCode(validate({ pre_auth_code: "  " }, {}, "unknown"))).toBe("missing_pre_auth_code");
    });

    it.each([
      ["unknown", "invalid_pre_auth_code"],
      ["used", "used_pre_auth_code"],
      ["expired", "expired_pre_auth_code"],
    ] as const)("is refused when %s", (state, code) => {
      expect(errorCode(validate({}, {}, state))).toBe(code);
    });

    it("is accepted when ok", () => {
      expect(validate({}, {}, "ok").ok).toBe(true);
    });
  });

  describe("redirect_uri", () => {
    it.each([
      ["missing", undefined],
      ["empty", ""],
      ["relative", "/api/wechat/authorize/callback"],
      ["protocol-relative", "//portal.example.com/cb"],
      ["not http", "ftp://portal.example.com/cb"],
      ["javascript", "javascript:alert(1)"],
      ["garbage", "https://"],
    ])("is refused when %s", (_label, redirectUri) => {
      expect(errorCode(validate({ redirect_uri: redirectUri }))).toBe("invalid_redirect_uri");
    });

    it.each([
      ["another domain", "https://evil.example.net/cb"],
      ["a subdomain", "https://sub.portal.example.com/cb"],
      ["another port", "https://portal.example.com:8443/cb"],
      ["a look-alike", "https://portal.example.com.evil.net/cb"],
      ["userinfo trick", "https://portal.example.com@evil.net/cb"],
    ])("is refused on %s", (_label, redirectUri) => {
      expect(errorCode(validate({ redirect_uri: redirectUri }))).toBe("redirect_uri_domain_mismatch");
    });

    it("accepts http and https on the platform's host, with its own query", () => {
      const http = "http://127.0.0.1:3456/cb?state=x&y=1";
      expect(
        validate({ redirect_uri: http }, { appUrl: "http://127.0.0.1:3456", referer: "http://127.0.0.1:3456/" }),
      ).toMatchObject({
        ok: true,
        request: { redirectUri: http },
      });
      expect(validate({ redirect_uri: "HTTPS://PORTAL.EXAMPLE.COM/cb" }).ok).toBe(true);
    });
  });

  describe("Referer", () => {
    it("must be present (a typed URL or no-referrer policy fails, PC and mobile)", () => {
      for (const mobile of [false, true]) {
        const result = validate({}, { referer: null, mobile });
        expect(errorCode(result)).toBe("referer_domain_mismatch");
        if (!result.ok) {
          expect(result.error.zh).toContain("请确认授权入口页所在域名，与授权后回调页所在域名相同");
          expect(result.error.zh).toContain("授权入口页所在域名：空");
        }
        expect(errorCode(validate({}, { referer: "", mobile }))).toBe("referer_domain_mismatch");
      }
    });

    it("must be on the platform's host", () => {
      const result = validate({}, { referer: "https://evil.example.net/page" });
      expect(errorCode(result)).toBe("referer_domain_mismatch");
      if (!result.ok) expect(result.error.zh).toContain("授权入口页所在域名：evil.example.net");
      expect(errorCode(validate({}, { referer: "https://sub.portal.example.com/" }))).toBe("referer_domain_mismatch");
      expect(errorCode(validate({}, { referer: "not a url" }))).toBe("referer_domain_mismatch");
      expect(errorCode(validate({}, { referer: "https://evil.example.net/", mobile: true }))).toBe(
        "referer_domain_mismatch",
      );
    });

    it("accepts the origin only (strict-origin-when-cross-origin) or a full URL", () => {
      expect(validate({}, { referer: "https://portal.example.com/" }).ok).toBe(true);
      expect(validate({}, { referer: "https://portal.example.com/accounts?x=1" }).ok).toBe(true);
      expect(validate({}, { referer: "https://portal.example.com/", mobile: true }).ok).toBe(true);
    });
  });

  describe("auth_type", () => {
    it.each([
      ["1", ["official_account"]],
      ["2", ["mini_program"]],
      ["3", ["official_account", "mini_program"]],
    ] as const)("%s maps to %j", (authType, kinds) => {
      expect(validate({ auth_type: authType })).toMatchObject({
        ok: true,
        request: { authType: Number(authType), kinds },
      });
    });

    it("defaults to 3 when absent or empty", () => {
      expect(validate({ auth_type: undefined })).toMatchObject({ ok: true, request: { authType: 3 } });
      expect(validate({ auth_type: "" })).toMatchObject({ ok: true, request: { authType: 3 } });
    });

    it.each(["4", "5", "6", "8"])("%s is a valid type the sandbox does not simulate", (authType) => {
      const result = validate({ auth_type: authType });
      expect(errorCode(result)).toBe("unsupported_auth_type");
      if (!result.ok) expect(result.error.zh).toContain("该授权类型暂不支持（沙箱）");
    });

    it.each(["0", "7", "9", "-1", "1.5", "abc", "3,1"])("%s is refused", (authType) => {
      expect(errorCode(validate({ auth_type: authType }))).toBe("invalid_auth_type");
    });
  });

  describe("biz_appid", () => {
    it("must look like an AppID", () => {
      for (const bad of [
        "wx123",
        "gh_0123456789ab",
        "wx00000000000000G1",
        "WX00000000000000a1",
        "wx00000000000000a1x",
      ]) {
        expect(errorCode(validate({ biz_appid: bad }))).toBe("invalid_biz_appid");
      }
    });

    it("is optional and ignored when empty", () => {
      const result = validate({ biz_appid: "" });
      expect(result.ok).toBe(true);
      expect(result.ok && "bizAppId" in result.request).toBe(false);
    });

    it("wins over auth_type: the named account decides the kind", () => {
      expect(validate({ biz_appid: MP, auth_type: "1" })).toMatchObject({
        ok: true,
        request: { bizAppId: MP, authType: 1, kinds: ["official_account", "mini_program"] },
      });
      expect(validate({ biz_appid: OA, auth_type: "5" })).toMatchObject({ ok: true, request: { bizAppId: OA } });
    });

    it("does not rescue an invalid auth_type", () => {
      expect(errorCode(validate({ biz_appid: OA, auth_type: "7" }))).toBe("invalid_auth_type");
    });
  });

  describe("category_id_list", () => {
    it("parses ids separated by |", () => {
      expect(validate({ category_id_list: "18|30" })).toMatchObject({ ok: true, request: { categoryIds: [18, 30] } });
      expect(validate({ category_id_list: "1" })).toMatchObject({ ok: true, request: { categoryIds: [1] } });
      expect(validate({ category_id_list: "1|1|2" })).toMatchObject({ ok: true, request: { categoryIds: [1, 2] } });
    });

    it("is optional", () => {
      const result = validate({ category_id_list: undefined });
      expect(result.ok && "categoryIds" in result.request).toBe(false);
    });

    it.each(["18,30", "18|", "|18", "18||30", "a|b", "0", "-1", "18|3.5", "1234567"])("refuses %s", (list) => {
      expect(errorCode(validate({ category_id_list: list }))).toBe("invalid_category_id_list");
    });
  });

  describe("action (mobile page)", () => {
    it("accepts bindcomponent or nothing", () => {
      expect(validate({ action: "bindcomponent", no_scan: "1" }, { mobile: true }).ok).toBe(true);
      expect(validate({}, { mobile: true }).ok).toBe(true);
    });

    it("refuses another action on the mobile page only", () => {
      expect(errorCode(validate({ action: "other" }, { mobile: true }))).toBe("invalid_action");
      expect(validate({ action: "other" }, { mobile: false }).ok).toBe(true);
    });
  });

  it("checks in WeChat's order: component, code, redirect_uri, Referer, then the rest", () => {
    const everythingWrong = {
      component_appid: "x",
      redirect_uri: "/x",
      auth_type: "9",
      biz_appid: "x",
      category_id_list: "x",
    };
    expect(errorCode(validate(everythingWrong, { referer: null }, "used"))).toBe("invalid_component_appid");
    expect(
      errorCode(validate({ ...everythingWrong, component_appid: COMPONENT_APPID }, { referer: null }, "used")),
    ).toBe("used_pre_auth_code");
    expect(errorCode(validate({ ...everythingWrong, component_appid: COMPONENT_APPID }, { referer: null }))).toBe(
      "invalid_redirect_uri",
    );
    expect(errorCode(validate({ auth_type: "9", biz_appid: "x" }, { referer: null }))).toBe("referer_domain_mismatch");
    expect(errorCode(validate({ auth_type: "9", biz_appid: "x" }))).toBe("invalid_auth_type");
  });
});

describe("firstValues", () => {
  it("keeps the first of repeated parameters", () => {
    expect(firstValues({ a: "1", b: ["2", "3"], c: undefined })).toEqual({ a: "1", b: "2", c: undefined });
  });
});

describe("selectableAccounts", () => {
  const accounts = [
    { appId: OA, kind: "official_account" as const, name: "oa" },
    { appId: MP, kind: "mini_program" as const, name: "mp" },
  ];

  it("lists the accounts of the allowed kinds and lets the tester create those kinds", () => {
    expect(selectableAccounts({ kinds: ["official_account"] }, accounts)).toEqual({
      accounts: [accounts[0]],
      creatableKinds: ["official_account"],
    });
    expect(selectableAccounts({ kinds: ["mini_program"] }, accounts)).toEqual({
      accounts: [accounts[1]],
      creatableKinds: ["mini_program"],
    });
    expect(selectableAccounts({ kinds: ["official_account", "mini_program"] }, accounts).accounts).toHaveLength(2);
  });

  it("restricts to the biz_appid account, whatever its kind", () => {
    expect(selectableAccounts({ kinds: ["official_account"], bizAppId: MP }, accounts)).toEqual({
      accounts: [accounts[1]],
      creatableKinds: [],
    });
  });

  it("offers to create the biz_appid account when the sandbox has never seen it", () => {
    expect(selectableAccounts({ kinds: ["official_account"], bizAppId: "wx00000000000000c3" }, accounts)).toEqual({
      accounts: [],
      creatableKinds: ["official_account", "mini_program"],
    });
  });
});

describe("permission sets on the page", () => {
  it("offers only the sets of the account's kind", () => {
    expect(permissionSetsFor("official_account").every((s) => s.accountKinds.includes("official_account"))).toBe(true);
    expect(permissionSetsFor("official_account").map((s) => s.id)).toContain(1);
    expect(permissionSetsFor("official_account").map((s) => s.id)).not.toContain(18);
    expect(permissionSetsFor("mini_program").map((s) => s.id)).toContain(18);
  });

  it("ticks the defaults without category_id_list", () => {
    expect(preselectedFuncIds("official_account", undefined)).toEqual([1, 2, 3, 4, 7, 11, 15]);
    expect(preselectedFuncIds("mini_program", undefined)).toEqual([17, 18, 19, 30, 31]);
  });

  it("ticks the requested sets that fit the kind, else the defaults", () => {
    expect(preselectedFuncIds("mini_program", [18, 30, 1])).toEqual([18, 30]);
    expect(preselectedFuncIds("official_account", [18, 30, 1])).toEqual([1]);
    expect(preselectedFuncIds("official_account", [18, 30])).toEqual([1, 2, 3, 4, 7, 11, 15]);
    expect(preselectedFuncIds("official_account", [9999])).toEqual([1, 2, 3, 4, 7, 11, 15]);
  });
});

describe("resolveAccountChoice", () => {
  const accounts = [
    { appId: OA, kind: "official_account" as const },
    { appId: MP, kind: "mini_program" as const },
  ];
  const both = { kinds: ["official_account", "mini_program"] as ("official_account" | "mini_program")[] };

  it("takes an existing account of an allowed kind with its sets", () => {
    expect(
      resolveAccountChoice(both, accounts, {
        account: OA,
        funcIds: { official_account: ["1", "15"] },
        nickName: "ignored",
      }),
    ).toEqual({
      ok: true,
      appId: OA,
      kind: "official_account",
      funcIds: [1, 15],
    });
  });

  it("creates a new account of an allowed kind, with an optional name", () => {
    expect(
      resolveAccountChoice(both, accounts, {
        account: "new:mini_program",
        funcIds: { mini_program: ["18"] },
        nickName: " 测试小程序 ",
      }),
    ).toEqual({
      ok: true,
      kind: "mini_program",
      funcIds: [18],
      nickName: "测试小程序",
    });
    expect(
      resolveAccountChoice(both, accounts, {
        account: "new:official_account",
        funcIds: { official_account: ["1"] },
        nickName: "",
      }),
    ).toEqual({
      ok: true,
      kind: "official_account",
      funcIds: [1],
    });
  });

  it("creates the biz_appid account under that AppID", () => {
    const bizAppId = "wx00000000000000c3";
    expect(
      resolveAccountChoice({ ...both, bizAppId }, accounts, {
        account: "new:official_account",
        funcIds: { official_account: ["1"] },
        nickName: undefined,
      }),
    ).toEqual({
      ok: true,
      appId: bizAppId,
      kind: "official_account",
      funcIds: [1],
    });
  });

  it("refuses accounts and kinds the request does not allow", () => {
    const oaOnly = { kinds: ["official_account"] as ("official_account" | "mini_program")[] };
    expect(
      resolveAccountChoice(oaOnly, accounts, { account: MP, funcIds: { mini_program: ["18"] }, nickName: undefined })
        .ok,
    ).toBe(false);
    expect(
      resolveAccountChoice(oaOnly, accounts, {
        account: "new:mini_program",
        funcIds: { mini_program: ["18"] },
        nickName: undefined,
      }).ok,
    ).toBe(false);
    expect(
      resolveAccountChoice(both, accounts, {
        account: "wx00000000000000ff",
        funcIds: { official_account: ["1"] },
        nickName: undefined,
      }).ok,
    ).toBe(false);
    expect(
      resolveAccountChoice(both, accounts, {
        account: undefined,
        funcIds: { official_account: ["1"] },
        nickName: undefined,
      }).ok,
    ).toBe(false);
    expect(
      resolveAccountChoice({ ...both, bizAppId: MP }, accounts, {
        account: OA,
        funcIds: { official_account: ["1"] },
        nickName: undefined,
      }).ok,
    ).toBe(false);
  });

  it("reads only the chosen kind's list (the page ticks defaults for both kinds)", () => {
    const funcIds = { official_account: ["1", "2"], mini_program: ["18"] };
    expect(resolveAccountChoice(both, accounts, { account: MP, funcIds, nickName: undefined })).toEqual({
      ok: true,
      appId: MP,
      kind: "mini_program",
      funcIds: [18],
    });
    expect(
      resolveAccountChoice(both, accounts, { account: OA, funcIds: { mini_program: ["18"] }, nickName: undefined }).ok,
    ).toBe(false);
  });

  it("needs at least one set, all of the account's kind", () => {
    expect(
      resolveAccountChoice(both, accounts, { account: OA, funcIds: { official_account: [] }, nickName: undefined }),
    ).toMatchObject({ ok: false, zh: "请至少选择一项权限" });
    expect(
      resolveAccountChoice(both, accounts, {
        account: OA,
        funcIds: { official_account: ["1", "18"] },
        nickName: undefined,
      }).ok,
    ).toBe(false);
    expect(
      resolveAccountChoice(both, accounts, { account: OA, funcIds: { official_account: ["abc"] }, nickName: undefined })
        .ok,
    ).toBe(false);
  });
});

describe("authorizedRedirectUrl", () => {
  it("appends auth_code and expires_in after the platform's own query", () => {
    expect(authorizedRedirectUrl("https://p.example.com/cb?state=s1", "queryauthcode@@@a+b/c", 600)).toBe(
      "https://p.example.com/cb?state=s1&auth_code=queryauthcode%40%40%40a%2Bb%2Fc&expires_in=600",
    );
    expect(authorizedRedirectUrl("https://p.example.com/cb", "c", 600)).toBe(
      "https://p.example.com/cb?auth_code=c&expires_in=600",
    );
  });
});
