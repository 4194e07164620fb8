import { describe, expect, it } from "vitest";
import { FAULTABLE_ENDPOINTS } from "@/lib/sandbox/routes";
import { controlFetch } from "../support/http";
import { sandboxCalls, sandboxControl } from "../support/portal";
import { withAppServer } from "../support/with-app-server";

// The sandbox's one catch-all route for WeChat's API (app/sandbox/[...path]) over real HTTP: it serves the route
// table, answers 404 JSON for anything else, and shadows none of the sandbox's pages or its control plane.
describe("sandbox routes over HTTP", () => {
  const app = withAppServer({ env: { BACKGROUND_JOBS: "0" } });

  const api = (path: string, init?: RequestInit) => controlFetch(`${app.url}/sandbox${path}`, init);

  it("serves WeChat's API from the route table: business errors as HTTP 200 + errcode, counted", async () => {
    await sandboxControl(app, "reset-calls");
    const bad = await api("/cgi-bin/component/api_component_token", { method: "POST", body: "not json" });
    expect(bad.status).toBe(200);
    expect(bad.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await bad.json()).toMatchObject({
      errcode: 47001,
      errmsg: expect.stringMatching(/^data format error rid: /),
    });

    const send = await api("/cgi-bin/message/custom/send?access_token=nope", { method: "POST", body: "{}" });
    expect(await send.json()).toMatchObject({ errcode: 40001 });
    const calls = await sandboxCalls(app);
    expect(Object.keys(calls).sort()).toEqual([...FAULTABLE_ENDPOINTS].sort());
    expect(calls).toMatchObject({ api_component_token: 1, "message/custom/send": 1 });
  });

  it("applies a fault set through the control plane to the endpoint it names", async () => {
    await sandboxControl(app, "fault", { endpoint: "api_create_preauthcode", errcode: 45009, times: 1 });
    const body = JSON.stringify({ component_appid: "irrelevant" });
    const faulted = await api("/cgi-bin/component/api_create_preauthcode", { method: "POST", body });
    expect(await faulted.json()).toMatchObject({ errcode: 45009 });
    const next = await api("/cgi-bin/component/api_create_preauthcode", { method: "POST", body });
    expect(await next.json()).toMatchObject({ errcode: 61011 });
    await sandboxControl(app, "clear-faults");
  });

  it.each([
    ["POST", "/cgi-bin/component/api_nope", "api_nope"],
    ["GET", "/cgi-bin/component/api_component_token", "api_component_token"],
    ["GET", "/wxa/no_such_api", "wxa/no_such_api"],
    ["POST", "/wxa/get_qrcode", "wxa/get_qrcode"],
    ["POST", "/cgi-bin/message/custom/send/more", "message/custom/send/more"],
    ["GET", "/no-such-thing", "no-such-thing"],
  ])("answers %s %s with 404 JSON", async (method, path, name) => {
    const response = await api(path, { method, ...(method === "POST" ? { body: "{}" } : {}) });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ errcode: 404, errmsg: `unknown api ${name}` });
  });

  it.each([
    "/sandbox",
    "/sandbox/cgi-bin/componentloginpage",
    "/sandbox/wxaopen/safe/bindcomponent",
    "/sandbox/release-test",
  ])("still serves the page %s", async (page) => {
    const response = await controlFetch(`${app.url}${page}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
  });

  it("still serves the control plane under /sandbox/api", async () => {
    const state = await controlFetch(`${app.url}/sandbox/api/state`);
    expect(state.status).toBe(200);
    expect(await state.json()).toHaveProperty("calls");
    const unknown = await controlFetch(`${app.url}/sandbox/api/nope`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: "unknown action" });
  });
});
