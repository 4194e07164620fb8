import { describe, expect, it } from "vitest";
import { wechatErrorMessage, wechatErrorText } from "@/lib/i18n/wechat-errors";
import { createComponentClient, type ComponentClientOptions } from "@/lib/wechat/client";
import { WechatApiError, WechatTransportError } from "@/lib/wechat/errors";

const APP_ID = "wx5f3c8b1a2d4e6f70";
const APP_SECRET = "0123456789abcdef0123456789abcdef";
const TOKEN = "78_Qk2m+RZ/abc=";
const FRESH_TOKEN = "78_FreshToken";

interface RecordedRequest {
  url: URL;
  method: string;
  contentType: string | null;
  body: unknown;
}

type Reply = Response | ((signal: AbortSignal) => Promise<Response>);

/** A fetch that records every request and answers from a queue. */
function fakeFetch(...replies: Reply[]) {
  const requests: RecordedRequest[] = [];
  const impl: typeof fetch = async (input, init) => {
    requests.push({
      url: new URL(String(input)),
      method: init?.method ?? "GET",
      contentType: new Headers(init?.headers).get("content-type"),
      body: typeof init?.body === "string" ? JSON.parse(init.body) : undefined,
    });
    const reply = replies.shift();
    if (!reply) throw new Error("fakeFetch: no reply queued");
    if (typeof reply === "function") {
      if (!init?.signal) throw new Error("fakeFetch: no signal");
      return reply(init.signal);
    }
    return reply;
  };
  return { impl, requests };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

const hangUntilAborted = (signal: AbortSignal) =>
  new Promise<Response>((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)));

function setup(replies: Reply[], overrides: Partial<ComponentClientOptions> = {}) {
  const fake = fakeFetch(...replies);
  const sleeps: number[] = [];
  const tokenCalls: Array<{ staleToken?: string } | undefined> = [];
  const client = createComponentClient({
    baseUrl: "https://api.example.test/",
    componentAppId: APP_ID,
    componentAppSecret: APP_SECRET,
    fetch: fake.impl,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    getComponentToken: async (opts) => {
      tokenCalls.push(opts);
      return opts?.staleToken ? FRESH_TOKEN : TOKEN;
    },
    ...overrides,
  });
  return { client, requests: fake.requests, sleeps, tokenCalls };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error("expected the promise to reject");
}

const OA_INFO = {
  authorizer_info: {
    nick_name: "示例服务号",
    head_img: "http://wx.qlogo.cn/mmopen/xxxx/0",
    service_type_info: { id: 2 },
    verify_type_info: { id: 0 },
    user_name: "gh_1234567890ab",
    principal_name: "示例科技有限公司",
    alias: "example_oa",
    business_info: { open_store: 0, open_scan: 0, open_pay: 1, open_card: 0, open_shake: 0 },
    qrcode_url: "http://mmbiz.qpic.cn/mmbiz_jpg/xxxx/0",
    account_status: 1,
  },
  authorization_info: {
    authorizer_appid: "wxaaaabbbbccccdddd",
    authorizer_refresh_token: "refreshtoken@@@kynV-4SI63OcAuB-CWvxWiaLR6l5clTUuTapIVWib4I",
    func_info: [{ funcscope_category: { id: 1 } }, { funcscope_category: { id: 2 } }],
  },
};

const MP_INFO = {
  authorizer_info: {
    nick_name: "示例小程序",
    head_img: "http://wx.qlogo.cn/mmopen/yyyy/0",
    service_type_info: { id: 0 },
    verify_type_info: { id: 0 },
    user_name: "gh_abcdef123456",
    alias: "",
    qrcode_url: "http://mmbiz.qpic.cn/mmbiz_jpg/yyyy/0",
    business_info: { open_pay: 1, open_shake: 0, open_scan: 0, open_card: 0, open_store: 0 },
    idc: 1,
    principal_name: "示例科技有限公司",
    signature: "小程序简介",
    MiniProgramInfo: {
      network: {
        RequestDomain: ["https://api.example.com"],
        WsRequestDomain: [],
        UploadDomain: [],
        DownloadDomain: [],
        BizDomain: [],
        UDPDomain: [],
        TCPDomain: [],
        PrefetchDNSDomain: [],
        NewRequestDomain: [],
        NewWsRequestDomain: [],
        NewUploadDomain: [],
        NewDownloadDomain: [],
        NewBizDomain: [],
        NewUDPDomain: [],
        NewTCPDomain: [],
        NewPrefetchDNSDomain: [],
      },
      categories: [{ first: "工具", second: "效率" }],
      visit_status: 0,
    },
    register_type: 0,
    account_status: 1,
    basic_config: { is_phone_configured: true, is_email_configured: false },
  },
  authorization_info: {
    authorizer_appid: "wxbbbbccccddddeeee",
    authorizer_refresh_token: "refreshtoken@@@...",
    func_info: [{ funcscope_category: { id: 18 } }],
  },
};

describe("component client: success bodies", () => {
  it("gets a component token with the secret and ticket in the body and no query credential", async () => {
    const { client, requests } = setup([json({ component_access_token: "78_new", expires_in: 7200 })]);

    await expect(client.getComponentAccessToken("ticket@@@T1")).resolves.toEqual({
      accessToken: "78_new",
      expiresIn: 7200,
    });

    const [req] = requests;
    expect(req?.method).toBe("POST");
    expect(req?.contentType).toBe("application/json");
    expect(req?.url.href).toBe("https://api.example.test/cgi-bin/component/api_component_token");
    expect(req?.body).toEqual({
      component_appid: APP_ID,
      component_appsecret: APP_SECRET,
      component_verify_ticket: "ticket@@@T1",
    });
  });

  it("keeps a base URL path prefix such as the sandbox mount", async () => {
    const { client, requests } = setup([json({ component_access_token: "t", expires_in: 7200 })], {
      baseUrl: "http://127.0.0.1:3000/sandbox",
    });
    await client.getComponentAccessToken("ticket@@@T1");
    expect(requests[0]?.url.href).toBe("http://127.0.0.1:3000/sandbox/cgi-bin/component/api_component_token");
  });

  it("sends startPushTicket with the component_secret key and returns the errmsg", async () => {
    const { client, requests } = setup([json({ errcode: 0, errmsg: "in a normal state" })]);

    await expect(client.startPushTicket()).resolves.toEqual({ message: "in a normal state" });
    expect(requests[0]?.url.pathname).toBe("/cgi-bin/component/api_start_push_ticket");
    expect(requests[0]?.url.search).toBe("");
    expect(requests[0]?.body).toEqual({ component_appid: APP_ID, component_secret: APP_SECRET });
  });

  it("puts the URL-encoded component token in the query, never in the body", async () => {
    const { client, requests } = setup([json({ pre_auth_code: "preauthcode@@@abc", expires_in: 1800 })]);

    await expect(client.createPreAuthCode()).resolves.toEqual({ preAuthCode: "preauthcode@@@abc", expiresIn: 1800 });
    const req = requests[0];
    expect(req?.url.pathname).toBe("/cgi-bin/component/api_create_preauthcode");
    expect(req?.url.search).toBe(`?component_access_token=${encodeURIComponent(TOKEN)}`);
    expect(req?.url.searchParams.get("component_access_token")).toBe(TOKEN);
    expect(req?.body).toEqual({ component_appid: APP_ID });
    expect(JSON.stringify(req?.body)).not.toContain(TOKEN);
  });

  it("maps api_query_auth, including confirm_info", async () => {
    const { client, requests } = setup([
      json({
        authorization_info: {
          authorizer_appid: "wxaaaabbbbccccdddd",
          authorizer_access_token: "78_Ab12CdEf",
          expires_in: 7200,
          authorizer_refresh_token: "refreshtoken@@@R1",
          func_info: [
            { funcscope_category: { id: 1 } },
            { funcscope_category: { id: 15, name: "菜单管理" } },
            { funcscope_category: { id: 4 }, confirm_info: { need_confirm: 1, already_confirm: 0, can_confirm: 1 } },
          ],
        },
      }),
    ]);

    await expect(client.queryAuth("queryauthcode@@@C1")).resolves.toEqual({
      authorizerAppId: "wxaaaabbbbccccdddd",
      accessToken: "78_Ab12CdEf",
      expiresIn: 7200,
      refreshToken: "refreshtoken@@@R1",
      funcInfo: [
        { id: 1 },
        { id: 15 },
        { id: 4, confirmInfo: { needConfirm: true, alreadyConfirm: false, canConfirm: true } },
      ],
    });
    expect(requests[0]?.body).toEqual({ component_appid: APP_ID, authorization_code: "queryauthcode@@@C1" });
  });

  it("accepts api_query_auth for an account without API permissions (no tokens)", async () => {
    const { client } = setup([json({ authorization_info: { authorizer_appid: "wxa", func_info: [] } })]);
    await expect(client.queryAuth("queryauthcode@@@C1")).resolves.toEqual({
      authorizerAppId: "wxa",
      accessToken: undefined,
      expiresIn: undefined,
      refreshToken: undefined,
      funcInfo: [],
    });
  });

  it("maps api_authorizer_token", async () => {
    const { client, requests } = setup([
      json({ authorizer_access_token: "78_Zz", expires_in: 7200, authorizer_refresh_token: "refreshtoken@@@R2" }),
    ]);

    await expect(client.refreshAuthorizerToken("wxaaaabbbbccccdddd", "refreshtoken@@@R1")).resolves.toEqual({
      accessToken: "78_Zz",
      expiresIn: 7200,
      refreshToken: "refreshtoken@@@R2",
    });
    expect(requests[0]?.url.pathname).toBe("/cgi-bin/component/api_authorizer_token");
    expect(requests[0]?.body).toEqual({
      component_appid: APP_ID,
      authorizer_appid: "wxaaaabbbbccccdddd",
      authorizer_refresh_token: "refreshtoken@@@R1",
    });
  });

  it("sends a custom text message with the authorizer token as access_token", async () => {
    const { client, requests, tokenCalls } = setup([json({ errcode: 0, errmsg: "ok" })]);

    await expect(client.sendCustomTextMessage("78_Authorizer", "ozy4qt5Q", "code_from_api")).resolves.toBeUndefined();
    expect(requests[0]?.url.pathname).toBe("/cgi-bin/message/custom/send");
    expect(requests[0]?.url.search).toBe("?access_token=78_Authorizer");
    expect(requests[0]?.body).toEqual({ touser: "ozy4qt5Q", msgtype: "text", text: { content: "code_from_api" } });
    expect(tokenCalls).toEqual([]);
  });
});

describe("component client: getAuthorizerInfo", () => {
  it("maps the official account example of docs/wechat-protocol.md §3.6", async () => {
    const { client, requests } = setup([json(OA_INFO)]);

    const info = await client.getAuthorizerInfo("wxaaaabbbbccccdddd");

    expect(requests[0]?.body).toEqual({ component_appid: APP_ID, authorizer_appid: "wxaaaabbbbccccdddd" });
    expect(info).toEqual({
      kind: "official_account",
      nickName: "示例服务号",
      headImg: "http://wx.qlogo.cn/mmopen/xxxx/0",
      serviceTypeId: 2,
      verifyTypeId: 0,
      userName: "gh_1234567890ab",
      principalName: "示例科技有限公司",
      alias: "example_oa",
      qrcodeUrl: "http://mmbiz.qpic.cn/mmbiz_jpg/xxxx/0",
      accountStatus: 1,
      businessInfo: { openStore: false, openScan: false, openPay: true, openCard: false, openShake: false },
      signature: undefined,
      registerType: undefined,
      basicConfig: undefined,
      authorization: {
        authorizerAppId: "wxaaaabbbbccccdddd",
        refreshToken: "refreshtoken@@@kynV-4SI63OcAuB-CWvxWiaLR6l5clTUuTapIVWib4I",
        funcInfo: [{ id: 1 }, { id: 2 }],
      },
    });
  });

  it("maps the mini program example of docs/wechat-protocol.md §3.6", async () => {
    const { client } = setup([json(MP_INFO)]);

    const info = await client.getAuthorizerInfo("wxbbbbccccddddeeee");

    expect(info).toMatchObject({
      kind: "mini_program",
      nickName: "示例小程序",
      serviceTypeId: 0,
      verifyTypeId: 0,
      userName: "gh_abcdef123456",
      alias: "",
      signature: "小程序简介",
      registerType: 0,
      accountStatus: 1,
      businessInfo: { openPay: true, openShake: false },
      basicConfig: { isPhoneConfigured: true, isEmailConfigured: false },
      authorization: {
        authorizerAppId: "wxbbbbccccddddeeee",
        refreshToken: "refreshtoken@@@...",
        funcInfo: [{ id: 18 }],
      },
    });
  });

  it("accepts the legacy appid key, camelCase basic_config, a missing refresh token and unknown fields", async () => {
    const { client } = setup([
      json({
        authorizer_info: {
          ...MP_INFO.authorizer_info,
          basic_config: { isPhoneConfigured: false, isEmailConfigured: true },
          channels_info: { nickname: "video" },
        },
        authorization_info: { appid: "wxlegacy", func_info: [{ funcscope_category: { id: 19, type: 1 } }] },
        something_new: true,
      }),
    ]);

    const info = await client.getAuthorizerInfo("wxlegacy");

    expect(info.basicConfig).toEqual({ isPhoneConfigured: false, isEmailConfigured: true });
    expect(info.authorization).toEqual({
      authorizerAppId: "wxlegacy",
      refreshToken: undefined,
      funcInfo: [{ id: 19 }],
    });
  });

  it("reads an empty nick_name (a mini program made by fast registration, not named yet) as no name", async () => {
    const { client } = setup([json({ ...MP_INFO, authorizer_info: { ...MP_INFO.authorizer_info, nick_name: "" } })]);

    const info = await client.getAuthorizerInfo("wxbbbbccccddddeeee");

    expect(info.nickName).toBeUndefined();
    expect(info.userName).toBe("gh_abcdef123456");
  });

  it("rejects authorization_info without any appid as unexpected_shape", async () => {
    const { client } = setup([json({ ...OA_INFO, authorization_info: { func_info: [] } })]);
    const e = await rejection(client.getAuthorizerInfo("wxa"));
    expect(e).toBeInstanceOf(WechatTransportError);
    expect((e as WechatTransportError).message).toContain("authorization_info.authorizer_appid");
  });
});

describe("component client: authorizer list", () => {
  it("rejects count above 500 before calling WeChat", async () => {
    const { client, requests, tokenCalls } = setup([]);
    await expect(client.getAuthorizerList(0, 501)).rejects.toBeInstanceOf(RangeError);
    await expect(client.getAuthorizerList(-1, 10)).rejects.toBeInstanceOf(RangeError);
    expect(requests).toHaveLength(0);
    expect(tokenCalls).toHaveLength(0);
  });

  it("maps a page, keeping an empty refresh token as empty", async () => {
    const { client, requests } = setup([
      json({
        total_count: 2,
        list: [
          { authorizer_appid: "wxa", refresh_token: "refreshtoken@@@A", auth_time: 1700000600 },
          { authorizer_appid: "wxb", refresh_token: "", auth_time: 1700000700 },
        ],
      }),
    ]);

    await expect(client.getAuthorizerList(0, 500)).resolves.toEqual({
      totalCount: 2,
      list: [
        { authorizerAppId: "wxa", refreshToken: "refreshtoken@@@A", authTime: 1700000600 },
        { authorizerAppId: "wxb", refreshToken: "", authTime: 1700000700 },
      ],
    });
    expect(requests[0]?.body).toEqual({ component_appid: APP_ID, offset: 0, count: 500 });
  });

  it("listAllAuthorizers pages with offset += count until offset >= total_count", async () => {
    const item = (n: number) => ({ authorizer_appid: `wx${n}`, refresh_token: `rt${n}`, auth_time: n });
    const { client, requests } = setup([
      json({ total_count: 5, list: [item(1), item(2)] }),
      json({ total_count: 5, list: [item(3), item(4)] }),
      json({ total_count: 5, list: [item(5)] }),
    ]);

    const ids: string[] = [];
    for await (const authorizer of client.listAllAuthorizers(2)) ids.push(authorizer.authorizerAppId);

    expect(ids).toEqual(["wx1", "wx2", "wx3", "wx4", "wx5"]);
    expect(requests.map((r) => r.body)).toEqual([
      { component_appid: APP_ID, offset: 0, count: 2 },
      { component_appid: APP_ID, offset: 2, count: 2 },
      { component_appid: APP_ID, offset: 4, count: 2 },
    ]);
  });

  it("listAllAuthorizers asks for 500 at a time by default and stops on an empty platform", async () => {
    const { client, requests } = setup([json({ total_count: 0, list: [] })]);
    const all = [];
    for await (const authorizer of client.listAllAuthorizers()) all.push(authorizer);
    expect(all).toEqual([]);
    expect(requests.map((r) => r.body)).toEqual([{ component_appid: APP_ID, offset: 0, count: 500 }]);
  });
});

describe("component client: WeChat errors", () => {
  it("turns an errcode into a WechatApiError with the code and its meaning", async () => {
    const errmsg = "component ticket is expired rid: 6142cae2-160a288b-589e1ad2";
    const { client } = setup([json({ errcode: 61005, errmsg })]);

    const e = await rejection(client.getComponentAccessToken("ticket@@@T1"));

    expect(e).toBeInstanceOf(WechatApiError);
    const err = e as WechatApiError;
    expect(err.errcode).toBe(61005);
    expect(err.errmsg).toBe(errmsg);
    expect(err.endpoint).toBe("api_component_token");
    expect(wechatErrorMessage(err.errcode)).toEqual({ key: "wechatErrors.codes.61005" });
    expect(wechatErrorText(err.errcode, "zh-CN")).toContain("ticket");
    expect(wechatErrorText(err.errcode, "en")).toContain("ticket");
    expect(err.message).toBe("WeChat api_component_token failed: 61005 (component ticket is expired)");
    expect(err.message).not.toContain(APP_SECRET);
    expect(err.message).not.toContain("ticket@@@T1");
  });

  it("treats HTTP status as meaningless when the body carries an errcode", async () => {
    const { client } = setup([
      json({ errcode: 61023, errmsg: "refresh_token is invalid rid: a-b-c" }, 200),
      json({ errcode: 61003, errmsg: "component is not authorized by this account" }, 500),
    ]);

    const first = await rejection(client.refreshAuthorizerToken("wxa", "refreshtoken@@@old"));
    expect(first).toBeInstanceOf(WechatApiError);
    expect((first as WechatApiError).errcode).toBe(61023);
    expect(wechatErrorText((first as WechatApiError).errcode, "zh-CN")).toBe(
      "授权方刷新令牌无效，需要重新授权或从授权列表恢复",
    );

    const second = await rejection(client.refreshAuthorizerToken("wxa", "refreshtoken@@@old"));
    expect((second as WechatApiError).errcode).toBe(61003);
  });

  it("retries -1 with exponential backoff, then succeeds", async () => {
    const busy = () => json({ errcode: -1, errmsg: "system error" });
    const { client, requests, sleeps } = setup([
      busy(),
      busy(),
      json({ authorizer_access_token: "78_Zz", expires_in: 7200, authorizer_refresh_token: "rt" }),
    ]);

    await expect(client.refreshAuthorizerToken("wxa", "rt")).resolves.toMatchObject({ accessToken: "78_Zz" });
    expect(requests).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeGreaterThanOrEqual(150);
    expect(sleeps[0]).toBeLessThanOrEqual(250);
    expect(sleeps[1]).toBeGreaterThanOrEqual(300);
    expect(sleeps[1]).toBeLessThanOrEqual(500);
  });

  it("gives up after maxSystemErrorRetries and throws the -1 error", async () => {
    const busy = () => json({ errcode: -1, errmsg: "system error" });
    const { client, requests, sleeps } = setup([busy(), busy(), busy()], { maxSystemErrorRetries: 2 });

    const e = await rejection(client.getAuthorizerInfo("wxa"));

    expect(e).toBeInstanceOf(WechatApiError);
    expect((e as WechatApiError).errcode).toBe(-1);
    expect(requests).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
  });

  it("uses 3 retries by default", async () => {
    const busy = () => json({ errcode: -1, errmsg: "system error" });
    const { client, requests, sleeps } = setup([busy(), busy(), busy(), busy()]);
    await expect(client.createPreAuthCode()).rejects.toBeInstanceOf(WechatApiError);
    expect(requests).toHaveLength(4);
    expect(sleeps).toHaveLength(3);
    expect(sleeps[2]).toBeGreaterThanOrEqual(600);
    expect(sleeps[2]).toBeLessThanOrEqual(1000);
  });

  it("does not repeat calls that are unsafe to repeat (code exchange, custom message)", async () => {
    const busy = () => json({ errcode: -1, errmsg: "system error" });
    const { client, requests, sleeps } = setup([busy(), busy()]);

    await expect(client.queryAuth("queryauthcode@@@C1")).rejects.toMatchObject({ errcode: -1 });
    await expect(client.sendCustomTextMessage("78_A", "openid", "hi")).rejects.toMatchObject({ errcode: -1 });
    expect(requests).toHaveLength(2);
    expect(sleeps).toEqual([]);
  });

  it("on 40001 refreshes the stale token once and retries with the new one", async () => {
    const { client, requests, tokenCalls } = setup([
      json({ errcode: 40001, errmsg: "invalid credential, access_token is invalid or not latest rid: x-y-z" }),
      json({ pre_auth_code: "preauthcode@@@abc", expires_in: 1800 }),
    ]);

    await expect(client.createPreAuthCode()).resolves.toMatchObject({ preAuthCode: "preauthcode@@@abc" });
    expect(tokenCalls).toEqual([undefined, { staleToken: TOKEN }]);
    expect(requests.map((r) => r.url.searchParams.get("component_access_token"))).toEqual([TOKEN, FRESH_TOKEN]);
  });

  it("throws when the refreshed token fails again", async () => {
    const { client, requests, tokenCalls } = setup([
      json({ errcode: 42001, errmsg: "access_token expired" }),
      json({ errcode: 40001, errmsg: "invalid credential" }),
    ]);

    const e = await rejection(client.getAuthorizerList(0, 100));

    expect(e).toBeInstanceOf(WechatApiError);
    expect((e as WechatApiError).errcode).toBe(40001);
    expect(requests).toHaveLength(2);
    expect(tokenCalls).toHaveLength(2);
    expect((e as Error).message).not.toContain(TOKEN);
    expect((e as Error).message).not.toContain(FRESH_TOKEN);
  });

  it("does not try a token refresh for api_component_token (40001 there means a wrong secret)", async () => {
    const { client, requests, tokenCalls } = setup([json({ errcode: 40001, errmsg: "invalid credential" })]);
    await expect(client.getComponentAccessToken("ticket@@@T1")).rejects.toMatchObject({ errcode: 40001 });
    expect(requests).toHaveLength(1);
    expect(tokenCalls).toEqual([]);
  });

  it("does not retry business errors", async () => {
    const { client, requests, sleeps } = setup([json({ errcode: 45009, errmsg: "reach max api daily quota limit" })]);
    await expect(client.getAuthorizerInfo("wxa")).rejects.toMatchObject({ errcode: 45009 });
    expect(requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });
});

describe("component client: transport failures", () => {
  it("times out an attempt that never answers", async () => {
    const { client } = setup([hangUntilAborted], { timeoutMs: 20, maxSystemErrorRetries: 0 });

    const e = await rejection(client.getAuthorizerInfo("wxa"));

    expect(e).toBeInstanceOf(WechatTransportError);
    expect((e as WechatTransportError).reason).toBe("timeout");
    expect((e as WechatTransportError).endpoint).toBe("api_get_authorizer_info");
  });

  it("retries a timed-out read, then succeeds", async () => {
    const { client, requests, sleeps } = setup([hangUntilAborted, json(OA_INFO)], { timeoutMs: 20 });
    await expect(client.getAuthorizerInfo("wxa")).resolves.toMatchObject({ kind: "official_account" });
    expect(requests).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
  });

  it("reports a network failure", async () => {
    const { client } = setup(
      [
        async () => {
          throw new TypeError("fetch failed");
        },
      ],
      { maxSystemErrorRetries: 0 },
    );
    await expect(client.startPushTicket()).rejects.toMatchObject({ name: "WechatTransportError", reason: "network" });
  });

  it("reports a 200 with a non-JSON body as bad_json", async () => {
    const { client } = setup([new Response("<html>oops</html>", { status: 200 })]);
    await expect(client.getComponentAccessToken("ticket@@@T1")).rejects.toMatchObject({
      name: "WechatTransportError",
      reason: "bad_json",
    });
  });

  it("reports a non-2xx with a non-JSON body as http_status, retrying 5xx", async () => {
    const { client, requests } = setup(
      [new Response("Bad Gateway", { status: 502 }), new Response("Bad Gateway", { status: 502 })],
      { maxSystemErrorRetries: 1 },
    );
    const e = await rejection(client.getAuthorizerInfo("wxa"));
    expect(e).toMatchObject({ name: "WechatTransportError", reason: "http_status", status: 502 });
    expect(requests).toHaveLength(2);
  });

  it("reports a schema mismatch as unexpected_shape, naming the paths but not the values", async () => {
    const { client } = setup([json({ component_access_token: 12345678, expires_in: "7200" })]);

    const e = await rejection(client.getComponentAccessToken("ticket@@@T1"));

    expect(e).toBeInstanceOf(WechatTransportError);
    const err = e as WechatTransportError;
    expect(err.reason).toBe("unexpected_shape");
    expect(err.message).toContain("component_access_token");
    expect(err.message).toContain("expires_in");
    expect(err.message).not.toContain("12345678");
    expect(err.message).not.toContain("7200");
  });

  it("reports JSON that is not an object as unexpected_shape", async () => {
    const { client } = setup([json(["not", "an", "object"])]);
    await expect(client.createPreAuthCode()).rejects.toMatchObject({ reason: "unexpected_shape" });
  });

  it("requires getComponentToken for token-bearing calls", async () => {
    const { client, requests } = setup([], { getComponentToken: undefined });
    await expect(client.createPreAuthCode()).rejects.toThrow(/getComponentToken/);
    expect(requests).toHaveLength(0);
  });
});
