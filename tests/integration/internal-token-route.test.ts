import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppServer, type AppServer } from "../support/app-server";
import { controlFetch } from "../support/http";
import { sandboxControl } from "../support/portal";

// GET /api/internal/authorizers/[appid]/token against `next start`, with the app's own sandbox as WeChat.

const KEY = "svc-key-0123456789abcdefghijklmnopqrstuv";
const OTHER_KEY = "svc-key-second-service-zyxwvutsrqponmlk";

let app: AppServer;
let appId: string;

beforeAll(async () => {
  app = await startAppServer({
    env: { INTERNAL_API_KEYS: `${KEY}, ${OTHER_KEY}`, LOG_LEVEL: "info", RECONCILE_INTERVAL_MINUTES: "0" },
  });
  // An account authorized through the sandbox; its `authorized` push reaches the app, which stores the grant.
  ({ appId } = await sandboxControl<{ appId: string }>(app, "authorize", { funcIds: [1, 15] }));
  const deadline = Date.now() + 30_000;
  while ((await tokenRequest(appId, KEY)).status !== 200) {
    if (Date.now() > deadline) throw new Error(`account never became available:\n${app.output()}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}, 120_000);

afterAll(async () => {
  await app?.stop();
});

function tokenRequest(id: string, key?: string, headers: Record<string, string> = {}) {
  return controlFetch(`${app.url}/api/internal/authorizers/${id}/token`, {
    method: "GET",
    headers: { ...(key === undefined ? {} : { authorization: `Bearer ${key}` }), ...headers },
  });
}

type TokenBody = { authorizer_appid: string; authorizer_access_token: string; expires_at: string; expires_in: number };

describe("internal token route", () => {
  it("refuses a missing, wrong, or malformed key with 401 and says how to authenticate", async () => {
    for (const response of [
      await tokenRequest(appId),
      await tokenRequest(appId, "wrong-key"),
      await tokenRequest(appId, `${KEY}x`),
      await tokenRequest(appId, undefined, { authorization: KEY }),
      await tokenRequest(appId, undefined, { authorization: `Basic ${KEY}` }),
    ]) {
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toContain("Bearer");
      const body = (await response.json()) as Record<string, unknown>;
      expect(body.error).toBe("unauthorized");
      expect(JSON.stringify(body)).not.toContain('access_token":');
    }
  });

  it("serves the current token with its expiry to each configured key, uncached", async () => {
    const asked = Date.now();
    const first = await tokenRequest(appId, KEY);
    const answered = Date.now();
    expect(first.status).toBe(200);
    expect(first.headers.get("cache-control")).toBe("no-store");
    const body = (await first.json()) as TokenBody;
    expect(body.authorizer_appid).toBe(appId);
    expect(body.authorizer_access_token).toMatch(/^\d{2}_[\w-]{100,}$/);
    expect(body.expires_in).toBeGreaterThan(7000);
    expect(body.expires_in).toBeLessThanOrEqual(7200);
    // expires_in counts from when the route answered: between our request and its answer (whole seconds, rounded down).
    const answeredAt = Date.parse(body.expires_at) - body.expires_in * 1000;
    expect(answeredAt).toBeGreaterThanOrEqual(asked - 1000);
    expect(answeredAt).toBeLessThanOrEqual(answered + 1000);

    const second = (await (await tokenRequest(appId, OTHER_KEY)).json()) as TokenBody;
    expect(second.authorizer_access_token).toBe(body.authorizer_access_token);
  });

  it("unknown or malformed appid → 404", async () => {
    const unknown = await tokenRequest("wx0123456789abcdef", KEY);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: string }).error).toBe("not_found");
    expect((await tokenRequest("not-an-appid", KEY)).status).toBe(404);
  });

  it("a caller whose token WeChat refused gets a new one, once (compare-and-swap)", async () => {
    const current = ((await (await tokenRequest(appId, KEY)).json()) as TokenBody).authorizer_access_token;
    const renewed = (await (await tokenRequest(appId, KEY, { "x-stale-token": current })).json()) as TokenBody;
    expect(renewed.authorizer_access_token).not.toBe(current);
    // Another caller reporting the same old token gets the renewed one, not a third.
    const again = (await (await tokenRequest(appId, OTHER_KEY, { "x-stale-token": current })).json()) as TokenBody;
    expect(again.authorizer_access_token).toBe(renewed.authorizer_access_token);
  });

  it("a revoked account → 409 not_authorized; every call was logged without the token", async () => {
    const served = ((await (await tokenRequest(appId, KEY)).json()) as TokenBody).authorizer_access_token;
    await sandboxControl(app, "revoke", { appId });
    const deadline = Date.now() + 20_000;
    let response = await tokenRequest(appId, KEY);
    while (response.status === 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      response = await tokenRequest(appId, KEY);
    }
    expect(response.status).toBe(409);
    const body = (await response.json()) as { error: string; message: string };
    expect(body.error).toBe("not_authorized");
    expect(body.message).toContain("已取消授权");

    const lines = app
      .output()
      .split("\n")
      .filter((l) => l.includes("internal token request"));
    expect(lines.length).toBeGreaterThanOrEqual(10);
    expect(lines.some((l) => l.includes('"status":401') && l.includes('"caller":"none"'))).toBe(true);
    expect(lines.some((l) => l.includes('"status":409'))).toBe(true);
    expect(app.output()).not.toContain(served);
    expect(app.output()).not.toContain(KEY);
  });
});
