import { beforeEach, describe, expect, it } from "vitest";
import { createSandboxContext, serve, type SandboxContext, type SandboxHttpResponse } from "@/lib/sandbox/context";
import { SANDBOX_COMPONENT } from "@/lib/sandbox/credentials";
import { FAULTABLE_ENDPOINTS, ROUTES } from "@/lib/sandbox/routes";
import { createWechatSandbox, CUSTOM_SEND, SANDBOX_ENDPOINTS, type WechatSandbox } from "@/lib/sandbox/wechat-sandbox";
import { withTestDatabase } from "../support/with-test-database";

// The sandbox's route table: every endpoint in it is counted and faultable by its path-derived name, unknown
// paths answer 404 JSON, and serve() passes bytes through (a QR code) as it does JSON.
const COMPONENT = {
  appId: SANDBOX_COMPONENT.appId,
  appSecret: SANDBOX_COMPONENT.appSecret,
  token: SANDBOX_COMPONENT.token,
  encodingAesKey: SANDBOX_COMPONENT.encodingAesKey,
};
const START = Date.UTC(2030, 0, 15, 8, 0, 0);

describe("sandbox route table (in process, real database)", () => {
  const database = withTestDatabase();
  let sandbox: WechatSandbox;
  let ctx: SandboxContext;

  // The portal answers every push with `success`.
  const portal = (async () => new Response("success")) as typeof fetch;
  beforeEach(async () => {
    const options = {
      db: database.db,
      component: COMPONENT,
      portalUrl: "http://portal.test",
      fetch: portal,
      now: () => START,
    };
    sandbox = createWechatSandbox(options);
    ctx = createSandboxContext(options);
  });

  /** A JSON answer's body (fails on bytes). */
  function json(res: SandboxHttpResponse): Record<string, unknown> {
    expect(res).toHaveProperty("json");
    return (res as { json: Record<string, unknown> }).json;
  }

  const post = (path: string, body: unknown, query: Record<string, string> = {}) =>
    sandbox.handleRequest({ method: "POST", path, query: new URLSearchParams(query), bodyText: JSON.stringify(body) });

  /** A component token and an authorized account with its own token: enough for any endpoint to reach its faults. */
  async function credentials() {
    const { ticket } = await sandbox.pushTicket();
    const token = await post("/cgi-bin/component/api_component_token", {
      component_appid: COMPONENT.appId,
      component_appsecret: COMPONENT.appSecret,
      component_verify_ticket: ticket,
    });
    const componentToken = String(json(token).component_access_token);
    const granted = await sandbox.authorize({ kind: "official_account", funcIds: [1] });
    const exchanged = await post(
      "/cgi-bin/component/api_query_auth",
      { component_appid: COMPONENT.appId, authorization_code: granted.authCode },
      { component_access_token: componentToken },
    );
    const info = json(exchanged).authorization_info as { authorizer_access_token: string };
    return { componentToken, appId: granted.appId, accessToken: info.authorizer_access_token };
  }

  it("derives the endpoint names from the paths: today's names, one per path", () => {
    expect(SANDBOX_ENDPOINTS).toEqual([
      "api_component_token",
      "api_start_push_ticket",
      "api_create_preauthcode",
      "api_query_auth",
      "api_authorizer_token",
      "api_get_authorizer_info",
      "api_get_authorizer_list",
      "modify_wxa_server_domain",
      "modify_wxa_jump_domain",
      "get_domain_confirmfile",
      "getprivacysetting",
      "setprivacysetting",
      "fastregisterweapp",
    ]);
    expect(FAULTABLE_ENDPOINTS.slice(0, 8)).toEqual([...SANDBOX_ENDPOINTS.slice(0, 7), CUSTOM_SEND]);
    expect(FAULTABLE_ENDPOINTS).toEqual(
      expect.arrayContaining(["wxa/modify_domain_directly", "account/getaccountbasicinfo"]),
    );
    // Code management (lib/sandbox/code.ts): named after the path below /, one name for GET and POST gettemplatelist.
    expect(FAULTABLE_ENDPOINTS).toEqual(
      expect.arrayContaining([
        "wxa/commit",
        "wxa/submit_audit",
        "wxa/security/get_code_privacy_info",
        "wxa/gettemplatelist",
      ]),
    );
    expect(new Set(FAULTABLE_ENDPOINTS).size).toBe(FAULTABLE_ENDPOINTS.length);
  });

  it.each(Object.keys(ROUTES))("%s: counted and faultable by its name", async (key) => {
    const [method, path] = key.split(" ") as [string, string];
    const name = FAULTABLE_ENDPOINTS.find((e) => path.endsWith(`/${e}`))!;
    expect(name).toBeDefined();
    const { componentToken, appId, accessToken } = await credentials();
    const call = () =>
      sandbox.handleRequest({
        method,
        path,
        query: new URLSearchParams({ component_access_token: componentToken, access_token: accessToken }),
        bodyText: JSON.stringify({ component_appid: COMPONENT.appId, authorizer_appid: appId }),
      });
    await sandbox.resetCalls();

    await sandbox.setFault({ endpoint: name, errcode: 45009, times: 1 });
    const faulted = await call();
    expect(faulted).toMatchObject({ status: 200, json: { errcode: 45009, errmsg: expect.stringMatching(/ rid: /) } });
    expect(json(await call())).not.toMatchObject({ errcode: 45009 });
    expect((await sandbox.getState()).calls[name]).toBe(2);
  });

  it("takes a fault for one account only on that account's calls", async () => {
    const { componentToken, appId } = await credentials();
    const other = await sandbox.authorize({ kind: "mini_program", funcIds: [18] });
    await sandbox.setFault({ endpoint: "api_get_authorizer_info", appId, errcode: 61003, times: 5 });
    const info = (authorizerAppId: string) =>
      post(
        "/cgi-bin/component/api_get_authorizer_info",
        { component_appid: COMPONENT.appId, authorizer_appid: authorizerAppId },
        {
          access_token: componentToken,
        },
      );
    expect(json(await info(other.appId))).toHaveProperty("authorizer_info");
    expect(json(await info(appId))).toMatchObject({ errcode: 61003 });
  });

  it("answers 404 JSON for a path or method not in the table, uncounted", async () => {
    const unknown = [
      { method: "POST", path: "/cgi-bin/component/api_nope", name: "api_nope" },
      { method: "GET", path: "/cgi-bin/component/api_component_token", name: "api_component_token" },
      { method: "POST", path: "/wxa/get_qrcode", name: "wxa/get_qrcode" },
      { method: "POST", path: "/cgi-bin/component/api_component_token/extra", name: "api_component_token/extra" },
    ];
    for (const { method, path, name } of unknown) {
      const res = await sandbox.handleRequest({ method, path, query: new URLSearchParams(), bodyText: "" });
      expect(res).toEqual({ status: 404, json: { errcode: 404, errmsg: `unknown api ${name}` } });
    }
    expect(Object.values((await sandbox.getState()).calls).every((n) => n === 0)).toBe(true);
  });

  it("rejects a fault for a name not in the table", async () => {
    await expect(sandbox.setFault({ endpoint: "wxa/nope", errcode: -1 })).rejects.toThrow();
  });

  it("serves bytes as it serves JSON: counted, delayed by injected latency", async () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0]);
    await sandbox.setFault({ endpoint: "api_component_token", latencyMs: 150 });
    const started = performance.now();
    const res = await serve(ctx, "api_component_token", async (faults) => {
      await faults("");
      return { body: jpeg, contentType: "image/jpeg", headers: { "cache-control": "no-store" } };
    });
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
    expect(res).toEqual({
      status: 200,
      body: jpeg,
      contentType: "image/jpeg",
      headers: { "cache-control": "no-store" },
    });
    expect((await sandbox.getState()).calls.api_component_token).toBe(1);
  });

  it("refuses a handler that answers without applying its faults", async () => {
    await expect(
      serve(ctx, "api_component_token", async () => ({ json: { errcode: 0, errmsg: "ok" } })),
    ).rejects.toThrow(/without applying its faults/);
  });
});
