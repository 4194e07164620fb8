import { beforeEach, describe, expect, it, vi } from "vitest";
import { sandboxTickets } from "@/db/schema";
import { SANDBOX_COMPONENT } from "@/lib/sandbox/credentials";
import {
  createWechatSandbox,
  CUSTOM_SEND,
  FAULTABLE_ENDPOINTS,
  type SandboxResponse,
  type WechatSandbox,
} from "@/lib/sandbox/wechat-sandbox";
import { createMessageCrypto } from "@/lib/wechat/crypto";
import { parseEncryptedEnvelope, parseWechatXml } from "@/lib/wechat/xml";
import { withTestDatabase } from "../support/with-test-database";

// The WeChat simulator in process, against a real migrated database: it must answer like WeChat (docs/wechat-protocol.md §3, §6, §9).
const COMPONENT = {
  appId: SANDBOX_COMPONENT.appId,
  appSecret: SANDBOX_COMPONENT.appSecret,
  token: SANDBOX_COMPONENT.token,
  encodingAesKey: SANDBOX_COMPONENT.encodingAesKey,
};
const crypto = createMessageCrypto({
  token: COMPONENT.token,
  encodingAesKey: COMPONENT.encodingAesKey,
  appId: COMPONENT.appId,
});
const PORTAL_URL = "http://portal.test";
const START = Date.UTC(2030, 0, 15, 8, 0, 0);
const RID = / rid: [0-9a-f]+-[0-9a-f]+-[0-9a-f]+$/;

type Json = Record<string, unknown>;

interface Push {
  url: URL;
  method: string;
  /** The decrypted plaintext fields. */
  fields: Record<string, unknown>;
  envelopeAppId: string | undefined;
}

const seconds = (n: number) => n * 1000;
const minutes = (n: number) => n * 60_000;
const hours = (n: number) => n * 3_600_000;

function str(value: unknown): string {
  expect(typeof value).toBe("string");
  return value as string;
}

function obj(value: unknown): Json {
  expect(value).toBeTypeOf("object");
  expect(value).not.toBeNull();
  return value as Json;
}

function expectOk(res: SandboxResponse): Json {
  expect(res.status).toBe(200);
  expect(res.json).not.toHaveProperty("errcode");
  return res.json;
}

function expectError(res: SandboxResponse, errcode: number): void {
  expect(res.status).toBe(200);
  expect(res.json.errcode).toBe(errcode);
  expect(str(res.json.errmsg)).toMatch(RID);
  expect(Object.keys(res.json).sort()).toEqual(["errcode", "errmsg"]);
}

/** Opens a push as the portal would: verify both signatures on the URL, then decrypt and parse. */
function openPush(url: URL, method: string, body: string): Push {
  const q = url.searchParams;
  const timestamp = q.get("timestamp") ?? "";
  const nonce = q.get("nonce") ?? "";
  expect(q.get("encrypt_type")).toBe("aes");
  const envelope = parseEncryptedEnvelope(body);
  expect(crypto.verify(q.get("msg_signature") ?? "", timestamp, nonce, envelope.encrypt)).toBe(true);
  expect(crypto.verifyUrlSignature(q.get("signature") ?? "", timestamp, nonce)).toBe(true);
  const fields = parseWechatXml(crypto.decrypt(envelope.encrypt).message);
  return { url, method, fields, envelopeAppId: envelope.appId };
}

describe("WeChat sandbox (in process, real database)", () => {
  const database = withTestDatabase();
  let sandbox: WechatSandbox;
  let clock: number;
  let pushes: Push[];
  let portalAnswer: { status: number; body: string };

  const fakeFetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    pushes.push(openPush(url, init?.method ?? "GET", String(init?.body)));
    return new Response(portalAnswer.body, { status: portalAnswer.status });
  }) as typeof fetch;
  beforeEach(async () => {
    clock = START;
    pushes = [];
    portalAnswer = { status: 200, body: "success" };
    sandbox = createWechatSandbox({
      db: database.db,
      component: COMPONENT,
      portalUrl: PORTAL_URL,
      fetch: fakeFetch,
      now: () => clock,
    });
  });

  const api = (endpoint: string, body: unknown, query: Record<string, string> = {}) =>
    sandbox.handleApi(endpoint, new URLSearchParams(query), typeof body === "string" ? body : JSON.stringify(body));

  const tokenBody = (ticket: string, overrides: Json = {}) => ({
    component_appid: COMPONENT.appId,
    component_appsecret: COMPONENT.appSecret,
    component_verify_ticket: ticket,
    ...overrides,
  });

  async function freshTicket(): Promise<string> {
    const { ticket, delivered } = await sandbox.pushTicket();
    expect(delivered).toBe(true);
    return ticket;
  }

  async function componentToken(ticket?: string): Promise<string> {
    const res = await api("api_component_token", tokenBody(ticket ?? (await freshTicket())));
    return str(expectOk(res).component_access_token);
  }

  const createPreAuthCode = (query: Record<string, string>) =>
    api("api_create_preauthcode", { component_appid: COMPONENT.appId }, query);

  async function queryAuth(token: string, code: string) {
    return api(
      "api_query_auth",
      { component_appid: COMPONENT.appId, authorization_code: code },
      { component_access_token: token },
    );
  }

  async function authorizerToken(token: string, appId: string, refreshToken: string | null) {
    return api(
      "api_authorizer_token",
      { component_appid: COMPONENT.appId, authorizer_appid: appId, authorizer_refresh_token: refreshToken },
      { component_access_token: token },
    );
  }

  /** authorize() followed by api_query_auth, as the portal does on the `authorized` push. */
  async function authorizeAndExchange(token: string, input: Parameters<WechatSandbox["authorize"]>[0]) {
    const granted = await sandbox.authorize(input);
    const info = obj(expectOk(await queryAuth(token, granted.authCode)).authorization_info);
    return {
      appId: granted.appId,
      refreshToken: str(info.authorizer_refresh_token),
      accessToken: str(info.authorizer_access_token),
    };
  }

  describe("api_component_token", () => {
    it("issues a token with WeChat's success shape and no errcode", async () => {
      const res = await api("api_component_token", tokenBody(await freshTicket()));
      const json = expectOk(res);
      expect(Object.keys(json).sort()).toEqual(["component_access_token", "expires_in"]);
      expect(json.expires_in).toBe(7200);
      expect(str(json.component_access_token)).toMatch(/^\d{2}_[A-Za-z0-9_-]{100,}$/);
    });

    it("issues a new token on every call", async () => {
      const ticket = await freshTicket();
      const first = await componentToken(ticket);
      const second = await componentToken(ticket);
      expect(second).not.toBe(first);
    });

    it.each([
      ["a wrong secret", { component_appsecret: "0".repeat(32) }, 40125],
      ["a missing secret", { component_appsecret: undefined }, 41004],
      ["an empty secret", { component_appsecret: "" }, 41004],
      ["a wrong component_appid", { component_appid: "wx0000000000000000" }, 61011],
      ["a missing component_appid", { component_appid: undefined }, 61011],
      ["an unknown ticket", { component_verify_ticket: "ticket@@@NotIssuedBySandbox" }, 61006],
      ["a missing ticket", { component_verify_ticket: undefined }, 61006],
      ["a non-string field", { component_appsecret: 42 }, 47001],
    ])("rejects %s", async (_name, overrides, errcode) => {
      const ticket = await freshTicket();
      expectError(await api("api_component_token", tokenBody(ticket, overrides)), errcode);
    });

    it("rejects malformed JSON with 47001", async () => {
      await freshTicket();
      expectError(await api("api_component_token", "{ component_appid: "), 47001);
      expectError(await api("api_component_token", ""), 47001);
      expectError(await api("api_component_token", "[]"), 47001);
      expectError(await api("api_component_token", "null"), 47001);
    });

    it("accepts a ticket up to 12 hours old and answers 61005 after that", async () => {
      const ticket = await freshTicket();
      clock = START + hours(12) - seconds(1);
      expectOk(await api("api_component_token", tokenBody(ticket)));
      clock = START + hours(12) + seconds(1);
      expectError(await api("api_component_token", tokenBody(ticket)), 61005);
      // A newer ticket works again.
      expectOk(await api("api_component_token", tokenBody(await freshTicket())));
    });

    it("gives every error a different rid", async () => {
      const ticket = await freshTicket();
      const a = await api("api_component_token", tokenBody(ticket, { component_appsecret: "x" }));
      const b = await api("api_component_token", tokenBody(ticket, { component_appsecret: "x" }));
      expect(a.json.errmsg).toMatch(/^invalid appsecret rid: /);
      expect(a.json.errmsg).not.toBe(b.json.errmsg);
    });
  });

  describe("component token lifetime", () => {
    it("keeps a superseded token working for 5 minutes, then answers 40001", async () => {
      const ticket = await freshTicket();
      const first = await componentToken(ticket);
      clock += minutes(30);
      const second = await componentToken(ticket);

      clock += minutes(4) + seconds(59);
      expectOk(await createPreAuthCode({ component_access_token: first }));
      expectOk(await createPreAuthCode({ component_access_token: second }));

      clock += seconds(2);
      expectError(await createPreAuthCode({ component_access_token: first }), 40001);
      expectOk(await createPreAuthCode({ component_access_token: second }));
    });

    it("keeps measuring the overlap from the first supersession when more tokens follow", async () => {
      const ticket = await freshTicket();
      const first = await componentToken(ticket);
      await componentToken(ticket);
      clock += minutes(3);
      const third = await componentToken(ticket);
      clock += minutes(2) + seconds(1);
      expectError(await createPreAuthCode({ component_access_token: first }), 40001);
      expectOk(await createPreAuthCode({ component_access_token: third }));
    });

    it("answers 42001 once a token is past its 7200 s", async () => {
      const token = await componentToken();
      clock += seconds(7199);
      expectOk(await createPreAuthCode({ component_access_token: token }));
      clock += seconds(1);
      expectError(await createPreAuthCode({ component_access_token: token }), 42001);
    });

    it("answers 41001 without a token and 40001 for one it never issued", async () => {
      await componentToken();
      expectError(await createPreAuthCode({}), 41001);
      expectError(await createPreAuthCode({ component_access_token: "" }), 41001);
      expectError(await createPreAuthCode({ component_access_token: "78_not-a-real-token" }), 40001);
    });

    it("accepts both `component_access_token=` and `access_token=`", async () => {
      const token = await componentToken();
      expectOk(await createPreAuthCode({ component_access_token: token }));
      expectOk(await createPreAuthCode({ access_token: token }));
    });

    it("does not accept an authorizer token as a component token", async () => {
      const token = await componentToken();
      const { accessToken } = await authorizeAndExchange(token, { kind: "official_account", funcIds: [1] });
      expectError(await createPreAuthCode({ component_access_token: accessToken }), 40001);
    });
  });

  describe("api_create_preauthcode", () => {
    it("returns a preauthcode@@@ code valid 1800 s, a new one each call", async () => {
      const token = await componentToken();
      const codes = new Set<string>();
      for (let i = 0; i < 3; i++) {
        const json = expectOk(await createPreAuthCode({ component_access_token: token }));
        expect(Object.keys(json).sort()).toEqual(["expires_in", "pre_auth_code"]);
        expect(json.expires_in).toBe(1800);
        codes.add(str(json.pre_auth_code));
      }
      expect(codes.size).toBe(3);
      for (const code of codes) expect(code).toMatch(/^preauthcode@@@[A-Za-z0-9_-]{64,86}$/);
    });

    it("checks component_appid", async () => {
      const token = await componentToken();
      expectError(
        await api(
          "api_create_preauthcode",
          { component_appid: "wx0000000000000000" },
          { component_access_token: token },
        ),
        61011,
      );
    });
  });

  describe("authorize()", () => {
    it("pushes a signed, encrypted `authorized` event to the portal", async () => {
      const appId = "wx00000000000000a1";
      const result = await sandbox.authorize({
        kind: "official_account",
        funcIds: [1, 15],
        appId,
        preAuthCode: "preauthcode@@@abc",
      });
      expect(result).toMatchObject({ appId, infoType: "authorized", expiresIn: 600, delivered: true });
      expect(result.authCode).toMatch(/^queryauthcode@@@[A-Za-z0-9_-]+$/);

      expect(pushes).toHaveLength(1);
      const push = pushes[0]!;
      expect(push.method).toBe("POST");
      expect(`${push.url.origin}${push.url.pathname}`).toBe(`${PORTAL_URL}/api/wechat/component/events`);
      expect(push.url.searchParams.get("timestamp")).toBe(String(START / 1000));
      expect(push.envelopeAppId).toBe(COMPONENT.appId);
      expect(push.fields).toEqual({
        AppId: COMPONENT.appId,
        CreateTime: String(START / 1000),
        InfoType: "authorized",
        AuthorizerAppid: appId,
        AuthorizationCode: result.authCode,
        AuthorizationCodeExpiredTime: String(START / 1000 + 600),
        PreAuthCode: "preauthcode@@@abc",
      });
    });

    it("leaves PreAuthCode out when none was given and invents an appid", async () => {
      const result = await sandbox.authorize({ kind: "mini_program", funcIds: [18] });
      expect(result.appId).toMatch(/^wx[0-9a-f]{16}$/);
      expect(pushes[0]?.fields).not.toHaveProperty("PreAuthCode");
      expect(pushes[0]?.fields.AuthorizerAppid).toBe(result.appId);
    });

    it("pushes `updateauthorized` on re-authorization and voids the previous refresh token", async () => {
      const token = await componentToken();
      const appId = "wx00000000000000a2";
      const first = await authorizeAndExchange(token, { kind: "official_account", funcIds: [1], appId });

      clock += minutes(1);
      const again = await sandbox.authorize({ kind: "official_account", funcIds: [1, 2], appId });
      expect(again.infoType).toBe("updateauthorized");
      expect(again.authCode).not.toBe(pushes[0]?.fields.AuthorizationCode);
      const update = pushes.at(-1)!;
      expect(update.fields).toMatchObject({
        InfoType: "updateauthorized",
        AuthorizerAppid: appId,
        AuthorizationCode: again.authCode,
        AuthorizationCodeExpiredTime: String((START + minutes(1)) / 1000 + 600),
      });

      expectError(await authorizerToken(token, appId, first.refreshToken), 61023);
      const info = obj(expectOk(await queryAuth(token, again.authCode)).authorization_info);
      const newRefresh = str(info.authorizer_refresh_token);
      expect(newRefresh).not.toBe(first.refreshToken);
      expect(info.func_info).toEqual([{ funcscope_category: { id: 1 } }, { funcscope_category: { id: 2 } }]);
      expectOk(await authorizerToken(token, appId, newRefresh));
    });

    it("pushes `authorized` (not `updateauthorized`) when a revoked account authorizes again", async () => {
      const appId = "wx00000000000000a3";
      await sandbox.authorize({ kind: "official_account", funcIds: [1], appId });
      await sandbox.revoke(appId);
      const again = await sandbox.authorize({ kind: "official_account", funcIds: [1], appId });
      expect(again.infoType).toBe("authorized");
      expect(pushes.map((p) => p.fields.InfoType)).toEqual(["authorized", "unauthorized", "authorized"]);
    });

    it("reports delivered: false when the portal does not answer exactly `success`", async () => {
      portalAnswer = { status: 200, body: "ok" };
      expect((await sandbox.authorize({ kind: "official_account", funcIds: [1] })).delivered).toBe(false);
      portalAnswer = { status: 500, body: "success" };
      expect((await sandbox.pushTicket()).delivered).toBe(false);
    });
  });

  describe("api_query_auth", () => {
    it("exchanges the code for authorization_info", async () => {
      const token = await componentToken();
      const appId = "wx00000000000000b1";
      const { authCode } = await sandbox.authorize({ kind: "official_account", funcIds: [1, 15, 4], appId });
      const json = expectOk(await queryAuth(token, authCode));
      expect(Object.keys(json)).toEqual(["authorization_info"]);
      const info = obj(json.authorization_info);
      expect(info).toEqual({
        authorizer_appid: appId,
        authorizer_access_token: expect.stringMatching(/^\d{2}_[A-Za-z0-9_-]{100,}$/),
        expires_in: 7200,
        authorizer_refresh_token: expect.stringMatching(/^refreshtoken@@@[A-Za-z0-9_-]+$/),
        func_info: [
          { funcscope_category: { id: 1 } },
          { funcscope_category: { id: 15 } },
          { funcscope_category: { id: 4 } },
        ],
      });
    });

    it("answers 61009 for an unknown code", async () => {
      const token = await componentToken();
      expectError(await queryAuth(token, "queryauthcode@@@unknown"), 61009);
      expectError(
        await api("api_query_auth", { component_appid: COMPONENT.appId }, { component_access_token: token }),
        61009,
      );
    });

    it("accepts a code for 600 s and answers 61010 after that", async () => {
      const token = await componentToken();
      const { authCode } = await sandbox.authorize({ kind: "official_account", funcIds: [1] });
      clock += seconds(599);
      expectOk(await queryAuth(token, authCode));
      clock += seconds(2);
      expectError(await queryAuth(token, authCode), 61010);
    });

    it("needs a valid component token", async () => {
      const { authCode } = await sandbox.authorize({ kind: "official_account", funcIds: [1] });
      expectError(
        await api("api_query_auth", { component_appid: COMPONENT.appId, authorization_code: authCode }),
        41001,
      );
    });
  });

  describe("api_authorizer_token", () => {
    it("issues a new access token and returns the same refresh token", async () => {
      const token = await componentToken();
      const granted = await authorizeAndExchange(token, { kind: "official_account", funcIds: [1] });
      const json = expectOk(await authorizerToken(token, granted.appId, granted.refreshToken));
      expect(Object.keys(json).sort()).toEqual(["authorizer_access_token", "authorizer_refresh_token", "expires_in"]);
      expect(json.expires_in).toBe(7200);
      expect(json.authorizer_refresh_token).toBe(granted.refreshToken);
      expect(str(json.authorizer_access_token)).not.toBe(granted.accessToken);
      const again = expectOk(await authorizerToken(token, granted.appId, granted.refreshToken));
      expect(again.authorizer_access_token).not.toBe(json.authorizer_access_token);
      expect(again.authorizer_refresh_token).toBe(granted.refreshToken);
    });

    it("answers 61023 for a wrong or null refresh token", async () => {
      const token = await componentToken();
      const granted = await authorizeAndExchange(token, { kind: "official_account", funcIds: [1] });
      expectError(await authorizerToken(token, granted.appId, "refreshtoken@@@wrong"), 61023);
      expectError(await authorizerToken(token, granted.appId, null), 61023);
    });

    it("answers 61003 after revocation, which pushes `unauthorized`", async () => {
      const token = await componentToken();
      const granted = await authorizeAndExchange(token, { kind: "official_account", funcIds: [1] });
      clock += minutes(5);
      expect(await sandbox.revoke(granted.appId)).toEqual({ revoked: true, delivered: true });

      const push = pushes.at(-1)!;
      expect(push.envelopeAppId).toBe(COMPONENT.appId);
      expect(push.fields).toEqual({
        AppId: COMPONENT.appId,
        CreateTime: String((START + minutes(5)) / 1000),
        InfoType: "unauthorized",
        AuthorizerAppid: granted.appId,
      });
      expectError(await authorizerToken(token, granted.appId, granted.refreshToken), 61003);
      expectError(
        await api(
          "api_get_authorizer_info",
          { component_appid: COMPONENT.appId, authorizer_appid: granted.appId },
          { access_token: token },
        ),
        61003,
      );

      // Revoking twice changes nothing and pushes nothing.
      const before = pushes.length;
      expect(await sandbox.revoke(granted.appId)).toEqual({ revoked: false, delivered: false });
      expect(pushes).toHaveLength(before);
    });

    it("answers 61003 for an account that never authorized", async () => {
      const token = await componentToken();
      expectError(await authorizerToken(token, "wx00000000000000ff", "refreshtoken@@@x"), 61003);
    });
  });

  describe("api_get_authorizer_info", () => {
    const getInfo = (token: string, appId: string) =>
      api(
        "api_get_authorizer_info",
        { component_appid: COMPONENT.appId, authorizer_appid: appId },
        { component_access_token: token },
      );

    it("describes an Official Account", async () => {
      const token = await componentToken();
      const granted = await authorizeAndExchange(token, {
        kind: "official_account",
        funcIds: [1, 2],
        nickName: "测试服务号",
      });
      const json = expectOk(await getInfo(token, granted.appId));
      const profile = obj(json.authorizer_info);
      expect(profile).toMatchObject({
        nick_name: "测试服务号",
        service_type_info: { id: 2 },
        verify_type_info: { id: 0 },
        user_name: expect.stringMatching(/^gh_[0-9a-f]{12}$/),
        principal_name: expect.stringMatching(/有限公司|工作室/),
        head_img: expect.stringMatching(/^https:\/\//),
        qrcode_url: expect.stringMatching(/^https:\/\//),
        business_info: { open_store: 0, open_scan: 0, open_pay: 1, open_card: 0, open_shake: 0 },
        account_status: 1,
      });
      expect(profile).not.toHaveProperty("MiniProgramInfo");
      expect(json.authorization_info).toEqual({
        authorizer_appid: granted.appId,
        authorizer_refresh_token: granted.refreshToken,
        func_info: [{ funcscope_category: { id: 1 } }, { funcscope_category: { id: 2 } }],
      });
    });

    it("describes a Mini Program", async () => {
      const token = await componentToken();
      const granted = await authorizeAndExchange(token, { kind: "mini_program", funcIds: [18, 19] });
      const json = expectOk(await getInfo(token, granted.appId));
      const profile = obj(json.authorizer_info);
      expect(profile).toMatchObject({
        service_type_info: { id: 0 },
        verify_type_info: { id: 0 },
        user_name: expect.stringMatching(/^gh_/),
        principal_name: expect.any(String),
        MiniProgramInfo: {
          network: { RequestDomain: [] },
          categories: [{ first: "工具", second: "效率" }],
          visit_status: 0,
        },
        basic_config: { is_phone_configured: true, is_email_configured: false },
      });
      expect(str(profile.nick_name).length).toBeGreaterThan(0);
      expect(obj(json.authorization_info).func_info).toEqual([
        { funcscope_category: { id: 18 } },
        { funcscope_category: { id: 19 } },
      ]);
    });
  });

  describe("api_get_authorizer_list", () => {
    const listPage = (token: string, offset: number, count: number) =>
      api(
        "api_get_authorizer_list",
        { component_appid: COMPONENT.appId, offset, count },
        { component_access_token: token },
      );

    it("answers 40170 when count exceeds 500", async () => {
      const token = await componentToken();
      expectError(await listPage(token, 0, 501), 40170);
      expect(expectOk(await listPage(token, 0, 500))).toEqual({ total_count: 0, list: [] });
    });

    it("rejects a body without offset/count with 47001", async () => {
      const token = await componentToken();
      expectError(
        await api("api_get_authorizer_list", { component_appid: COMPONENT.appId }, { component_access_token: token }),
        47001,
      );
    });

    it("pages through every authorized account, leaving out revoked ones", async () => {
      const token = await componentToken();
      const current = new Map<string, { refreshToken: string; authTime: number }>();
      for (let i = 0; i < 9; i++) {
        clock += seconds(10);
        const appId = `wx00000000000001${i.toString(16).padStart(2, "0")}`;
        const granted = await authorizeAndExchange(token, {
          kind: i % 2 ? "mini_program" : "official_account",
          funcIds: [1],
          appId,
        });
        current.set(appId, { refreshToken: granted.refreshToken, authTime: Math.floor(clock / 1000) });
      }
      const revoked = ["wx0000000000000102", "wx0000000000000105"];
      for (const appId of revoked) {
        await sandbox.revoke(appId);
        current.delete(appId);
      }

      const seen: Json[] = [];
      const pageSizes: number[] = [];
      for (let offset = 0; ; offset += 3) {
        const json = expectOk(await listPage(token, offset, 3));
        expect(json.total_count).toBe(7);
        const list = json.list as Json[];
        pageSizes.push(list.length);
        seen.push(...list);
        if (offset + 3 >= (json.total_count as number)) break;
      }
      expect(pageSizes).toEqual([3, 3, 1]);
      expect(seen).toEqual(
        [...current].map(([appId, a]) => ({
          authorizer_appid: appId,
          refresh_token: a.refreshToken,
          auth_time: a.authTime,
        })),
      );
      for (const appId of revoked) expect(seen.map((a) => a.authorizer_appid)).not.toContain(appId);
    });
  });

  describe("api_start_push_ticket", () => {
    it("answers 40125 for a wrong secret and pushes nothing", async () => {
      // The push is scheduled on a timer: with the timers held, a refused call must leave none behind (nothing to
      // drain), where an accepted one leaves its push; running the held timers then delivers exactly that push.
      vi.useFakeTimers({ toFake: ["setTimeout"] });
      try {
        expectError(
          await api("api_start_push_ticket", { component_appid: COMPONENT.appId, component_secret: "nope" }),
          40125,
        );
        expectError(
          await api("api_start_push_ticket", {
            component_appid: "wx0000000000000000",
            component_secret: COMPONENT.appSecret,
          }),
          61011,
        );
        expect(vi.getTimerCount()).toBe(0);
        expect(
          (
            await api("api_start_push_ticket", {
              component_appid: COMPONENT.appId,
              component_secret: COMPONENT.appSecret,
            })
          ).json,
        ).toEqual({ errcode: 0, errmsg: "ok" });
        expect(vi.getTimerCount()).toBe(1);
        vi.runOnlyPendingTimers();
      } finally {
        vi.useRealTimers();
      }
      await vi.waitFor(() => expect(pushes).toHaveLength(1), { timeout: 5000, interval: 10 });
      const tickets = await database.db.select().from(sandboxTickets);
      expect(tickets).toHaveLength(1);
      expect(pushes[0]!.fields.ComponentVerifyTicket).toBe(tickets[0]!.ticket);
    });

    it("answers {errcode: 0, errmsg: ok} and pushes a usable ticket shortly after", async () => {
      const res = await api("api_start_push_ticket", {
        component_appid: COMPONENT.appId,
        component_secret: COMPONENT.appSecret,
      });
      expect(res).toEqual({ status: 200, json: { errcode: 0, errmsg: "ok" } });
      await vi.waitFor(() => expect(pushes).toHaveLength(1), { timeout: 1000, interval: 10 });

      const push = pushes[0]!;
      expect(push.envelopeAppId).toBe(COMPONENT.appId);
      expect(push.fields).toEqual({
        AppId: COMPONENT.appId,
        CreateTime: String(START / 1000),
        InfoType: "component_verify_ticket",
        ComponentVerifyTicket: expect.stringMatching(/^ticket@@@[A-Za-z0-9_-]+$/),
      });
      const ticket = str(push.fields.ComponentVerifyTicket);
      expectOk(await api("api_component_token", tokenBody(ticket)));
      expect((await sandbox.getState()).latestTicketIssuedAt?.getTime()).toBe(START);
    });
  });

  describe("call counting", () => {
    it("counts every call per endpoint, failed ones included, and resetCalls() zeroes", async () => {
      const zero = Object.fromEntries(FAULTABLE_ENDPOINTS.map((e) => [e, 0]));
      expect((await sandbox.getState()).calls).toEqual(zero);

      const token = await componentToken(); // 1 × api_component_token
      await api("api_component_token", "not json"); // 47001
      await api("api_component_token", tokenBody("ticket@@@unknown")); // 61006
      await createPreAuthCode({ component_access_token: token });
      await createPreAuthCode({}); // 41001
      await api(
        "api_get_authorizer_list",
        { component_appid: COMPONENT.appId, offset: 0, count: 501 },
        { access_token: token },
      ); // 40170
      await api("api_not_a_thing", {}); // 404, not counted
      await sandbox.handleCustomSend(new URLSearchParams(), "{}"); // 41001

      expect((await sandbox.getState()).calls).toEqual({
        ...zero,
        api_component_token: 3,
        api_create_preauthcode: 2,
        api_get_authorizer_list: 1,
        [CUSTOM_SEND]: 1,
      });

      await sandbox.resetCalls();
      expect((await sandbox.getState()).calls).toEqual(zero);
      await createPreAuthCode({ component_access_token: token });
      expect((await sandbox.getState()).calls).toEqual({ ...zero, api_create_preauthcode: 1 });
    });

    it("counts concurrent calls exactly", async () => {
      const token = await componentToken();
      await sandbox.resetCalls();
      await Promise.all(Array.from({ length: 10 }, () => createPreAuthCode({ component_access_token: token })));
      expect((await sandbox.getState()).calls.api_create_preauthcode).toBe(10);
    });
  });

  describe("faults", () => {
    it("fails the next `times` calls with the given errcode, then succeeds", async () => {
      const token = await componentToken();
      const granted = await authorizeAndExchange(token, { kind: "official_account", funcIds: [1] });
      await sandbox.resetCalls();
      await sandbox.setFault({ endpoint: "api_authorizer_token", errcode: -1, times: 2 });

      const first = await authorizerToken(token, granted.appId, granted.refreshToken);
      expectError(first, -1);
      expect(first.json.errmsg).toMatch(/^system error rid: /);
      expectError(await authorizerToken(token, granted.appId, granted.refreshToken), -1);
      expectOk(await authorizerToken(token, granted.appId, granted.refreshToken));
      expectOk(await authorizerToken(token, granted.appId, granted.refreshToken));
      // Other endpoints are unaffected; faulted calls are counted.
      expectOk(await createPreAuthCode({ component_access_token: token }));
      expect((await sandbox.getState()).calls).toMatchObject({ api_authorizer_token: 4, api_create_preauthcode: 1 });
    });

    it("a fault for one authorizer appid leaves the other accounts alone", async () => {
      const token = await componentToken();
      const a = await authorizeAndExchange(token, { kind: "official_account", funcIds: [1] });
      const b = await authorizeAndExchange(token, { kind: "official_account", funcIds: [1] });
      await sandbox.setFault({ endpoint: "api_authorizer_token", appId: a.appId, errcode: 45009, times: 1 });
      expectOk(await authorizerToken(token, b.appId, b.refreshToken));
      expectError(await authorizerToken(token, a.appId, a.refreshToken), 45009);
      expectOk(await authorizerToken(token, a.appId, a.refreshToken));
    });

    it("applies a call but holds its answer back (a lost response), and can rotate the refresh token", async () => {
      const token = await componentToken();
      const granted = await authorizeAndExchange(token, { kind: "official_account", funcIds: [1] });
      await sandbox.setFault({ endpoint: "api_authorizer_token", hangMs: 300, rotateRefreshToken: true, times: 1 });
      const started = performance.now();
      const answer = expectOk(await authorizerToken(token, granted.appId, granted.refreshToken));
      expect(performance.now() - started).toBeGreaterThanOrEqual(300);
      const rotated = str(answer.authorizer_refresh_token);
      expect(rotated).not.toBe(granted.refreshToken);
      // It was applied: the old refresh token is void, the new one works and is listed; refreshes are counted.
      expectError(await authorizerToken(token, granted.appId, granted.refreshToken), 61023);
      expect(str(expectOk(await authorizerToken(token, granted.appId, rotated)).authorizer_refresh_token)).toBe(
        rotated,
      );
      const ledger = await sandbox.accountLedger();
      expect(ledger.find((e) => e.appId === granted.appId)).toMatchObject({ refreshToken: rotated, tokenRefreshes: 2 });
    });

    it("rotateRefreshToken with hideFromList: 61023 and an empty refresh_token in the authorizer list", async () => {
      const token = await componentToken();
      const granted = await authorizeAndExchange(token, { kind: "official_account", funcIds: [1] });
      expect(await sandbox.rotateRefreshToken(granted.appId, { hideFromList: true })).toEqual({ rotated: true });
      expectError(await authorizerToken(token, granted.appId, granted.refreshToken), 61023);
      const list = expectOk(
        await api(
          "api_get_authorizer_list",
          { component_appid: COMPONENT.appId, offset: 0, count: 500 },
          { access_token: token },
        ),
      );
      const item = (list.list as Json[]).find((i) => i.authorizer_appid === granted.appId);
      expect(item?.refresh_token).toBe("");
      // Authorizing again clears it.
      await sandbox.authorize({ appId: granted.appId, funcIds: [1] });
      const again = expectOk(
        await api(
          "api_get_authorizer_list",
          { component_appid: COMPONENT.appId, offset: 0, count: 500 },
          { access_token: token },
        ),
      );
      expect(str((again.list as Json[]).find((i) => i.authorizer_appid === granted.appId)?.refresh_token)).toMatch(
        /^refreshtoken@@@/,
      );
    });

    it("seeds many authorized accounts at once, listed with their refresh tokens", async () => {
      const token = await componentToken();
      const seeded = await sandbox.seedAccounts({ count: 30 });
      expect(new Set(seeded.map((a) => a.appId)).size).toBe(30);
      const list = expectOk(
        await api(
          "api_get_authorizer_list",
          { component_appid: COMPONENT.appId, offset: 0, count: 500 },
          { access_token: token },
        ),
      );
      const listed = new Map((list.list as Json[]).map((i) => [str(i.authorizer_appid), str(i.refresh_token)]));
      for (const a of seeded) expect(listed.get(a.appId)).toBe(a.refreshToken);
      expectOk(await authorizerToken(token, seeded[0]!.appId, seeded[0]!.refreshToken));
    });

    it("delays calls by latencyMs", async () => {
      const token = await componentToken();
      // Long enough that "not delayed" below has a wide margin on a loaded machine.
      const latencyMs = 2500;
      await sandbox.setFault({ endpoint: "api_create_preauthcode", latencyMs });
      expect((await sandbox.getState()).faults).toEqual([
        {
          endpoint: "api_create_preauthcode",
          appId: "",
          latencyMs,
          errcode: null,
          hangMs: 0,
          rotateRefreshToken: false,
          remaining: 0,
        },
      ]);
      const timedCall = async () => {
        const started = performance.now();
        expectOk(await createPreAuthCode({ component_access_token: token }));
        return performance.now() - started;
      };

      // Every call is delayed, not only the next one: two at once, each answered no sooner than latencyMs after it.
      for (const ms of await Promise.all([timedCall(), timedCall()])) expect(ms).toBeGreaterThanOrEqual(latencyMs);

      await sandbox.clearFaults();
      expect((await sandbox.getState()).faults).toEqual([]);
      expect(await timedCall()).toBeLessThan(latencyMs);
    });

    it("delays and holds back message/custom/send like the component API (the call is still applied)", async () => {
      const token = await componentToken();
      const { appId, accessToken } = await authorizeAndExchange(token, { kind: "official_account", funcIds: [1] });
      const send = (content: string) =>
        sandbox.handleCustomSend(
          new URLSearchParams({ access_token: accessToken }),
          JSON.stringify({ touser: "oUser1", msgtype: "text", text: { content } }),
        );
      const ok = { errcode: 0, errmsg: "ok" };

      await sandbox.setFault({ endpoint: CUSTOM_SEND, latencyMs: 250 });
      let started = performance.now();
      expect((await send("slow")).json).toEqual(ok);
      expect(performance.now() - started).toBeGreaterThanOrEqual(250);
      await sandbox.clearFaults();

      await sandbox.setFault({ endpoint: CUSTOM_SEND, hangMs: 2500, times: 1 });
      started = performance.now();
      const heldBack = send("held back").then((res) => ({ json: res.json, at: performance.now() }));
      // Once it is applied (recorded, its answer held), the next message is not held: it is answered first.
      await vi.waitFor(
        async () =>
          expect((await sandbox.customMessagesTo(appId, "oUser1", new Date(0))).map((m) => m.content)).toContain(
            "held back",
          ),
        {
          timeout: 10_000,
          interval: 20,
        },
      );
      expect((await send("prompt")).json).toEqual(ok);
      const promptAnsweredAt = performance.now();
      const held = await heldBack;
      expect(held.json).toEqual(ok);
      expect(held.at - started).toBeGreaterThanOrEqual(2500);
      expect(promptAnsweredAt).toBeLessThan(held.at);

      const sent = await sandbox.customMessagesTo(appId, "oUser1", new Date(0));
      expect(sent.map((m) => m.content)).toEqual(["slow", "held back", "prompt"]);
      expect((await sandbox.getState()).calls[CUSTOM_SEND]).toBe(3);
    });

    it("clearFaults() removes pending error faults", async () => {
      const token = await componentToken();
      await sandbox.setFault({ endpoint: "api_create_preauthcode", errcode: 45009, times: 5 });
      expectError(await createPreAuthCode({ component_access_token: token }), 45009);
      await sandbox.clearFaults();
      expectOk(await createPreAuthCode({ component_access_token: token }));
    });

    it("rejects a fault for an unknown endpoint", async () => {
      await expect(sandbox.setFault({ endpoint: "api_nope", errcode: -1 })).rejects.toThrow();
    });
  });

  it("answers 404 for an unknown endpoint", async () => {
    const res = await api("api_get_authorizer_option", { component_appid: COMPONENT.appId });
    expect(res.status).toBe(404);
    expect(res.json.errcode).toBe(404);
  });
});
