import type { Server } from "node:http";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMerchantWithUser } from "@/db/queries/users";
import { authorizers, merchants } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";
import { SANDBOX_COMPONENT } from "@/lib/sandbox/credentials";
import { createSecretBox, sealedAt } from "@/lib/secrets";
import { createMessageCrypto } from "@/lib/wechat/crypto";
import { sealPush } from "@/lib/wechat/push";
import { generateWebhookSecret, verifyWebhook } from "@/lib/webhooks/signature";
import { freePort, startAppServer, TEST_SECRETS, type AppServer } from "../support/app-server";
import { createTestDatabaseConfig, openConfiguredDatabase, type TestDatabaseConfig } from "../support/database";
import { startReceiver } from "../support/http";
import { signInOverHttp } from "../support/sign-in";

// Secrets at rest bound to their place, over HTTP against the built app: an account's refresh token copied into a
// merchant's webhook_secret_sealed (what anyone with write access to the database could do) is neither shown to the
// merchant nor used to sign their deliveries; the log says where, never what. Another merchant's secret works.
const secretBox = createSecretBox([Buffer.from(TEST_SECRETS.SECRETS_KEY, "base64")]);
const crypto = createMessageCrypto({ ...SANDBOX_COMPONENT });
const PASSWORD = "sealed-secrets-password";
const REFRESH_TOKEN = "refreshtoken@@@not-for-the-merchant-to-see-0123456789";

const victim = { appId: "wx4444444444444444", userName: "gh_444444444444" };
const moved = { email: "moved@example.com", appId: "wx5555555555555555", userName: "gh_555555555555", path: "/moved" };
const fine = {
  email: "fine@example.com",
  appId: "wx6666666666666666",
  userName: "gh_666666666666",
  path: "/fine",
  secret: generateWebhookSecret(),
};

describe("a sealed value moved to another row or column", () => {
  let app: AppServer;
  let config: TestDatabaseConfig;
  let webhook: Server;
  let movedMerchantId: string;
  const received: { path: string; headers: Headers; body: string }[] = [];

  const page = async (email: string) => {
    const cookie = await signInOverHttp(app.url, email, PASSWORD);
    const response = await fetch(`${app.url}/accounts`, { headers: { cookie } });
    expect(response.status).toBe(200);
    return response.text();
  };
  const push = (account: { appId: string; userName: string }, content: string) => {
    const fields = {
      ToUserName: account.userName,
      FromUserName: "oUser000000000000000000000009",
      CreateTime: Math.floor(Date.now() / 1000),
      MsgType: "text",
      Content: content,
      MsgId: String(Date.now()) + content.length,
    };
    const sealed = sealPush(
      crypto,
      fields,
      { ToUserName: account.userName },
      { extraQuery: { openid: fields.FromUserName } },
    );
    return fetch(`${app.url}/api/wechat/authorizers/${account.appId}/events?${sealed.query}`, {
      method: "POST",
      body: sealed.body,
      headers: { "content-type": "text/xml" },
    });
  };

  beforeAll(async () => {
    const port = await freePort();
    webhook = await startReceiver(port, (request, response) => {
      received.push({ path: request.path, headers: request.headers, body: request.body.toString("utf8") });
      response.writeHead(204).end();
    });

    config = await createTestDatabaseConfig();
    const database = await openConfiguredDatabase(config);
    try {
      const passwordHash = await hashPassword(PASSWORD);
      const a = await createMerchantWithUser(database.db, {
        businessName: "被移动密钥的商家",
        email: moved.email,
        passwordHash,
      });
      const b = await createMerchantWithUser(database.db, {
        businessName: "正常商家",
        email: fine.email,
        passwordHash,
      });
      movedMerchantId = a!.merchantId;
      // Someone else's account, with its refresh token sealed where it belongs.
      const stolen = secretBox.seal(REFRESH_TOKEN, sealedAt.authorizerRefreshToken(victim.appId));
      await database.db.insert(authorizers).values([
        {
          appId: victim.appId,
          kind: "official_account",
          userName: victim.userName,
          status: "authorized",
          refreshTokenSealed: stolen,
        },
        {
          appId: moved.appId,
          merchantId: a!.merchantId,
          kind: "official_account",
          userName: moved.userName,
          status: "authorized",
        },
        {
          appId: fine.appId,
          merchantId: b!.merchantId,
          kind: "official_account",
          userName: fine.userName,
          status: "authorized",
        },
      ]);
      // ... copied into merchant A's webhook secret.
      await database.db
        .update(merchants)
        .set({ webhookUrl: `http://127.0.0.1:${port}${moved.path}`, webhookSecretSealed: stolen })
        .where(eq(merchants.id, a!.merchantId));
      await database.db
        .update(merchants)
        .set({
          webhookUrl: `http://127.0.0.1:${port}${fine.path}`,
          webhookSecretSealed: secretBox.seal(fine.secret, sealedAt.merchantWebhookSecret(b!.merchantId)),
        })
        .where(eq(merchants.id, b!.merchantId));
    } finally {
      await database.close();
    }
    app = await startAppServer({
      database: config,
      env: { WEBHOOK_RETRY_BASE_MS: "200", RECONCILE_INTERVAL_MINUTES: "0", LOG_LEVEL: "info" },
    });
  });
  afterAll(async () => {
    await app?.stop();
    await config?.drop();
    await new Promise((resolve) => webhook?.close(resolve));
  });

  it("is not shown: the merchant's forwarding panel says the secret cannot be read, and the log says where", async () => {
    const html = await page(moved.email);
    expect(html).toContain('data-testid="webhook-secret-unreadable"');
    expect(html).not.toContain('data-testid="webhook-secret"');
    expect(html).not.toContain(REFRESH_TOKEN);
    expect(html).not.toContain("refreshtoken@@@");
    // The merchant can still replace it.
    expect(html).toContain('data-testid="rotate-secret-form"');

    const mismatch = app
      .output()
      .split("\n")
      .find((line) => line.includes("sealed value does not open") && line.includes(movedMerchantId));
    expect(mismatch).toBeDefined();
    expect(JSON.parse(mismatch!)).toMatchObject({
      level: "error",
      table: "merchants",
      column: "webhook_secret_sealed",
      row: movedMerchantId,
    });
    expect(app.output()).not.toContain(REFRESH_TOKEN);
  });

  it("signs nothing: the merchant's messages are not sent with it, while another merchant's are delivered", async () => {
    expect(await (await push(moved, "to the merchant with the moved secret")).text()).toBe("success");
    expect(await (await push(fine, "to the merchant with its own secret")).text()).toBe("success");
    // Drained: the fine merchant's message (stored after the other) was delivered, signed with its own secret ...
    await expect.poll(() => received.filter((r) => r.path === fine.path).length, { timeout: 20_000 }).toBe(1);
    const delivered = received.find((r) => r.path === fine.path)!;
    expect(verifyWebhook(fine.secret, delivered.headers, delivered.body)).toBe(true);
    // ... and the other's attempt was recorded as failed for its secret, with nothing sent.
    await expect
      .poll(async () => (await page(moved.email)).includes("signing secret cannot be read"), { timeout: 20_000 })
      .toBe(true);
    expect(received.filter((r) => r.path === moved.path)).toEqual([]);
    expect(app.output()).not.toContain(REFRESH_TOKEN);
  });

  it("shows a merchant their own secret", async () => {
    const html = await page(fine.email);
    expect(html).toContain('data-testid="webhook-secret"');
    expect(html).toContain(fine.secret);
  });
});
