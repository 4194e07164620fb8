import type { Server } from "node:http";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createMerchantWithUser } from "@/db/queries/users";
import { authorizers, sandboxAuthCodes, sandboxPreAuthCodes, sandboxTickets, sandboxTokens } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";
import { SANDBOX_COMPONENT } from "@/lib/sandbox/credentials";
import { createSecretBox, sealedAt } from "@/lib/secrets";
import { freePort, startAppServer, TEST_SECRETS, type AppServer } from "../support/app-server";
import { describeWithBuild } from "../support/build";
import { sealTicketPush } from "../support/seal-ticket-push";
import { createTestDatabaseConfig, openConfiguredDatabase, type TestDatabaseConfig } from "../support/database";
import { startReceiver } from "../support/http";
import { signInOverHttp } from "../support/sign-in";

// Tracing on (OTEL_EXPORTER_OTLP_ENDPOINT) against a tiny OTLP receiver: a push, a token refresh (component and
// authorizer, whose WeChat calls carry tokens in the query string), the authorization callback with an auth_code
// and a merchant page. Spans arrive, and no secret value appears anywhere in the bytes exported.
const secretBox = createSecretBox([Buffer.from(TEST_SECRETS.SECRETS_KEY, "base64")]);
const PASSWORD = "tracing-test-password";
const EMAIL = "traced@example.com";
const APP_ID = "wx7777777777777777";
const REFRESH_TOKEN = "refreshtoken@@@traced-0123456789abcdef";
const TICKET = "ticket@@@traced-ticket-0123456789";
const AUTH_CODE = "queryauthcode@@@traced-auth-code-0123456789";
const INTERNAL_KEY = "internal-key-for-tracing-test-0123456789abcdef";
const METRICS_TOKEN = "metrics-token-for-tracing-0123456789";
const REQUEST_ID = "req-tracing-test-42";

describeWithBuild("traces exported over OTLP", () => {
  let app: AppServer;
  let config: TestDatabaseConfig;
  let receiver: Server;
  const received: Buffer[] = [];
  const exported = () => Buffer.concat(received);

  beforeAll(async () => {
    const port = await freePort();
    receiver = await startReceiver(port, (request, response) => {
      if (request.method === "POST" && request.path === "/v1/traces") received.push(request.body);
      response.writeHead(200, { "content-type": "application/x-protobuf" }).end();
    });

    config = await createTestDatabaseConfig();
    const database = await openConfiguredDatabase(config);
    try {
      const merchant = await createMerchantWithUser(database.db, {
        businessName: "被追踪的商家",
        email: EMAIL,
        passwordHash: await hashPassword(PASSWORD),
      });
      await database.db.insert(authorizers).values({
        appId: APP_ID,
        merchantId: merchant!.merchantId,
        kind: "official_account",
        userName: "gh_777777777777",
        status: "authorized",
        refreshTokenSealed: secretBox.seal(REFRESH_TOKEN, sealedAt.authorizerRefreshToken(APP_ID)),
      });
    } finally {
      await database.close();
    }
    app = await startAppServer({
      database: config,
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
        OTEL_BSP_SCHEDULE_DELAY: "500",
        INTERNAL_API_KEYS: INTERNAL_KEY,
        METRICS_TOKEN,
        RECONCILE_INTERVAL_MINUTES: "0",
        LOG_LEVEL: "info",
      },
    });
  }, 300_000);

  afterAll(async () => {
    await app?.stop();
    await config?.drop();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it("exports spans for a push, token refreshes, the callback and a merchant page, with no secret in them", async () => {
    // A push (WeChat's ticket), and a forged one whose rejection is logged.
    const push = sealTicketPush(TICKET);
    const post = (query: URLSearchParams, headers: Record<string, string> = {}) =>
      fetch(`${app.url}/api/wechat/component/events?${query}`, { method: "POST", body: push.body, headers });
    expect(await (await post(push.query)).text()).toBe("success");
    const forged = new URLSearchParams(push.query);
    forged.set("msg_signature", "0".repeat(40));
    expect((await post(forged, { "x-request-id": REQUEST_ID })).status).toBe(401);

    // Token refreshes: the authorizer's (on demand, through the internal route) needs the component token first,
    // which the platform fetches once the ticket is stored: wait for its span, or a busy machine asks too early and
    // the authorizer's refresh never reaches WeChat.
    await expect
      .poll(() => exported().includes("wechat api_component_token"), {
        timeout: 30_000,
        message: "a span with wechat api_component_token",
      })
      .toBe(true);
    const token = await fetch(`${app.url}/api/internal/authorizers/${APP_ID}/token`, {
      headers: { authorization: `Bearer ${INTERNAL_KEY}` },
    });
    expect([200, 409, 502, 503]).toContain(token.status);
    // The callback with an auth_code in its query (the state is unknown: it is refused, but the request is traced).
    const callback = await fetch(
      `${app.url}/api/wechat/authorize/callback?auth_code=${encodeURIComponent(AUTH_CODE)}&expires_in=3600&state=${"s".repeat(43)}`,
      { redirect: "manual" },
    );
    expect(callback.status).toBeLessThan(500);
    // A merchant page.
    const cookie = await signInOverHttp(app.url, EMAIL, PASSWORD);
    expect((await fetch(`${app.url}/accounts`, { headers: { cookie } })).status).toBe(200);
    expect(
      (await fetch(`${app.url}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status,
    ).toBe(200);

    // Spans arrive (batch delay 500 ms): the push route, our WeChat call spans, the page.
    for (const name of [
      "/api/wechat/component/events",
      "wechat api_component_token",
      "wechat api_authorizer_token",
      "/accounts",
      "wechat.push.outcome",
    ]) {
      await expect
        .poll(() => exported().includes(name), { timeout: 20_000, message: `a span with ${name}` })
        .toBe(true);
    }
    await new Promise((r) => setTimeout(r, 1500)); // whatever was still batched

    // The log line of the rejected push carries its request id and trace id.
    const rejected = app
      .output()
      .split("\n")
      .filter((line) => line.includes("component push rejected"))
      .map((line) => JSON.parse(line) as { requestId?: string; traceId?: string })
      .find((line) => line.requestId === REQUEST_ID);
    expect(rejected?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(exported().includes(Buffer.from(rejected!.traceId!, "hex"))).toBe(true);

    await app.stop();
    const database = await openConfiguredDatabase(config);
    let issued: string[];
    try {
      issued = [
        ...(await database.db.select({ v: sandboxTokens.token }).from(sandboxTokens)),
        ...(await database.db.select({ v: sandboxTickets.ticket }).from(sandboxTickets)),
        ...(await database.db.select({ v: sandboxPreAuthCodes.code }).from(sandboxPreAuthCodes)),
        ...(await database.db.select({ v: sandboxAuthCodes.code }).from(sandboxAuthCodes)),
      ].map((r) => r.v);
    } finally {
      await database.close();
    }
    // The component token was issued (and used in query strings) during the run.
    expect(issued.length).toBeGreaterThanOrEqual(2);
    const secrets = [
      ...issued,
      REFRESH_TOKEN,
      TICKET,
      AUTH_CODE,
      INTERNAL_KEY,
      METRICS_TOKEN,
      SANDBOX_COMPONENT.appSecret,
      SANDBOX_COMPONENT.encodingAesKey,
      SANDBOX_COMPONENT.token,
      TEST_SECRETS.AUTH_SECRET,
      TEST_SECRETS.SECRETS_KEY,
      PASSWORD,
    ];
    const bytes = exported();
    const found = secrets.filter(
      (s) =>
        bytes.includes(s) || bytes.includes(encodeURIComponent(s)) || bytes.includes(Buffer.from(s).toString("base64")),
    );
    expect(found).toEqual([]);
  }, 180_000);
});
