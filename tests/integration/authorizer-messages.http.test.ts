import { randomUUID } from "node:crypto";
import type { Server, ServerResponse } from "node:http";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "@/db";
import { authorizers, merchants, webhookDeliveries, wechatEvents } from "@/db/schema";
import { SANDBOX_COMPONENT } from "@/lib/sandbox/credentials";
import { createSecretBox, sealedAt } from "@/lib/secrets";
import { createMessageCrypto } from "@/lib/wechat/crypto";
import { sealPush } from "@/lib/wechat/push";
import { parseWechatXml } from "@/lib/wechat/xml";
import { generateWebhookSecret, verifyWebhook } from "@/lib/webhooks/signature";
import { freePort, startAppServer, TEST_SECRETS, type AppServer } from "../support/app-server";
import { createTestDatabaseConfig, openConfiguredDatabase, type TestDatabaseConfig } from "../support/database";
import { expectRefusedPush } from "../support/expectations";
import { startReceiver } from "../support/http";

// The per-account message URL over real HTTP against the built app, and forwarding to merchants' webhooks: a real
// HTTP server in this process plays three merchants' endpoints (one failing three times, one not answering until the
// end, one fine).
const crypto = createMessageCrypto({ ...SANDBOX_COMPONENT });
const secretBox = createSecretBox([Buffer.from(TEST_SECRETS.SECRETS_KEY, "base64")]);
// Far longer than answering WeChat or delivering elsewhere takes, even on a loaded machine: the hanging endpoint holds
// its requests until the last test releases them, so this bound is never reached.
const WEBHOOK_TIMEOUT_MS = 30_000;

const accounts = {
  flaky: { appId: "wx1111111111111111", userName: "gh_111111111111", secret: generateWebhookSecret(), path: "/flaky" },
  hanging: { appId: "wx2222222222222222", userName: "gh_222222222222", secret: generateWebhookSecret(), path: "/hang" },
  healthy: { appId: "wx3333333333333333", userName: "gh_333333333333", secret: generateWebhookSecret(), path: "/ok" },
} as const;

interface Received {
  path: string;
  headers: Headers;
  body: string;
  answered: boolean;
}

const now = () => Math.floor(Date.now() / 1000);
let msgIds = 1_000_000;

function textMessage(account: { userName: string }, content: string, msgId = String(msgIds++)) {
  return {
    ToUserName: account.userName,
    FromUserName: "oUser000000000000000000000001",
    CreateTime: now(),
    MsgType: "text",
    Content: content,
    MsgId: msgId,
  };
}

describe("POST /api/wechat/authorizers/[appid]/events and forwarding", () => {
  let app: AppServer;
  let config: TestDatabaseConfig;
  let webhook: Server;
  const received: Received[] = [];
  const flakyFailures = new Map<string, number>();
  const hanging: ServerResponse[] = [];
  let hangingReleased = false;
  /** The hanging endpoint answers what it holds, and from now on at once (so the app can stop without waiting). */
  const releaseHanging = () => {
    hangingReleased = true;
    for (const response of hanging.splice(0)) response.writeHead(204).end();
  };

  const post = (appId: string, query: URLSearchParams | string, body: string) =>
    fetch(`${app.url}/api/wechat/authorizers/${appId}/events?${query}`, {
      method: "POST",
      body,
      headers: { "content-type": "text/xml" },
    });
  const push = (appId: string, fields: Record<string, string | number>, envelopeTo = String(fields.ToUserName)) => {
    const sealed = sealPush(
      crypto,
      fields,
      { ToUserName: envelopeTo },
      { extraQuery: { openid: String(fields.FromUserName ?? "") } },
    );
    return post(appId, sealed.query, sealed.body);
  };

  beforeAll(async () => {
    const port = await freePort();
    webhook = await startReceiver(port, (request, response) => {
      const entry: Received = {
        path: request.path,
        headers: request.headers,
        body: request.body.toString("utf8"),
        answered: false,
      };
      received.push(entry);
      const id = entry.headers.get("webhook-id") ?? "";
      if (entry.path === "/hang" && !hangingReleased) {
        hanging.push(response); // not answered until releaseHanging()
        return;
      }
      if (entry.path === "/flaky" && (flakyFailures.get(id) ?? 0) < 3) {
        flakyFailures.set(id, (flakyFailures.get(id) ?? 0) + 1);
        entry.answered = true;
        response.writeHead(500).end("try again");
        return;
      }
      entry.answered = true;
      response.writeHead(204).end();
    });

    // The merchants and their accounts exist before the portal starts (PGlite has one owner at a time).
    config = await createTestDatabaseConfig();
    const database = await openConfiguredDatabase(config);
    try {
      for (const account of Object.values(accounts)) {
        const id = randomUUID();
        const [merchant] = await database.db
          .insert(merchants)
          .values({
            id,
            name: `Merchant ${account.path}`,
            webhookUrl: `http://127.0.0.1:${port}${account.path}`,
            webhookSecretSealed: secretBox.seal(account.secret, sealedAt.merchantWebhookSecret(id)),
          })
          .returning({ id: merchants.id });
        await database.db.insert(authorizers).values({
          appId: account.appId,
          merchantId: merchant!.id,
          kind: "official_account",
          userName: account.userName,
          status: "authorized",
        });
      }
    } finally {
      await database.close();
    }
    app = await startAppServer({
      database: config,
      env: {
        WEBHOOK_RETRY_BASE_MS: "200",
        WEBHOOK_TIMEOUT_MS: String(WEBHOOK_TIMEOUT_MS),
        RECONCILE_INTERVAL_MINUTES: "0",
      },
    });
  });
  afterAll(async () => {
    for (const response of hanging) response.destroy();
    await app?.stop();
    await config?.drop();
    await new Promise((resolve) => webhook?.close(resolve));
  });

  async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  describe("bad input, as on the component route: 4xx, short reason, nothing stored", () => {
    const good = () => textMessage(accounts.healthy, "hello");
    const cases: Array<[string, () => Promise<Response>, number]> = [
      [
        "tampered msg_signature",
        async () => {
          const p = sealPush(crypto, { ...good(), Content: "BAD-sig" }, { ToUserName: accounts.healthy.userName });
          p.query.set("msg_signature", "0".repeat(40));
          return post(accounts.healthy.appId, p.query, p.body);
        },
        401,
      ],
      [
        "malformed XML body",
        async () => {
          const p = sealPush(crypto, { ...good(), Content: "BAD-xml" }, { ToUserName: accounts.healthy.userName });
          return post(accounts.healthy.appId, p.query, "<xml><ToUserName>gh_");
        },
        400,
      ],
      [
        "DOCTYPE with an entity",
        async () => {
          const p = sealPush(crypto, { ...good(), Content: "BAD-doctype" }, { ToUserName: accounts.healthy.userName });
          return post(
            accounts.healthy.appId,
            p.query,
            `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><xml><Encrypt>&a;</Encrypt></xml>`,
          );
        },
        400,
      ],
      [
        "stale timestamp (replay)",
        async () => {
          const p = sealPush(
            crypto,
            { ...good(), Content: "BAD-stale" },
            { ToUserName: accounts.healthy.userName },
            { timestamp: now() - 3600 },
          );
          return post(accounts.healthy.appId, p.query, p.body);
        },
        403,
      ],
      [
        "encrypted for another platform",
        async () => {
          const other = createMessageCrypto({ ...SANDBOX_COMPONENT, appId: "wx0000000000000000" });
          const p = sealPush(other, { ...good(), Content: "BAD-appid" }, { ToUserName: accounts.healthy.userName });
          return post(accounts.healthy.appId, p.query, p.body);
        },
        403,
      ],
      [
        "a message missing its fields",
        async () => {
          const p = sealPush(
            crypto,
            { ToUserName: accounts.healthy.userName, Content: "BAD-fields" },
            { ToUserName: accounts.healthy.userName },
          );
          return post(accounts.healthy.appId, p.query, p.body);
        },
        400,
      ],
      [
        "envelope and ciphertext name different accounts",
        async () => push(accounts.healthy.appId, { ...good(), Content: "BAD-envelope" }, "gh_999999999999"),
        400,
      ],
      [
        "a genuine push replayed onto another account's URL",
        async () => push(accounts.flaky.appId, { ...good(), Content: "BAD-replayed" }),
        403,
      ],
      ["a malformed appid in the path", async () => push("not-an-appid", { ...good(), Content: "BAD-path" }), 404],
      [
        "oversized body",
        async () =>
          post(accounts.healthy.appId, "msg_signature=x", `<xml><Encrypt>${"A".repeat(200_000)}</Encrypt></xml>`),
        413,
      ],
    ];
    it.each(cases)("rejects %s", async (_name, send, status) => {
      await expectRefusedPush(await send(), status);
    });
  });

  it("forwards to an endpoint that fails three times, then succeeds: one message, one id, four valid signatures", async () => {
    const message = textMessage(accounts.flaky, "你好，想预约周六的课");
    const answer = await push(accounts.flaky.appId, message);
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe("success");

    const attempts = await waitFor("four attempts", () => {
      const got = received.filter((r) => r.path === "/flaky");
      return got.length >= 4 && got.at(-1)!.answered ? got : undefined;
    });
    expect(attempts).toHaveLength(4);
    const ids = new Set(attempts.map((a) => a.headers.get("webhook-id")));
    expect(ids.size).toBe(1);
    expect(new Set(attempts.map((a) => a.body)).size).toBe(1);
    for (const attempt of attempts) {
      expect(verifyWebhook(accounts.flaky.secret, attempt.headers, attempt.body)).toBe(true);
      expect(verifyWebhook(accounts.healthy.secret, attempt.headers, attempt.body)).toBe(false);
      expect(verifyWebhook(accounts.flaky.secret, attempt.headers, attempt.body.replace("周六", "周日"))).toBe(false);
    }
    const payload = JSON.parse(attempts[0]!.body) as {
      id: string;
      type: string;
      appId: string;
      message: Record<string, string>;
    };
    expect(payload).toMatchObject({ id: [...ids][0], type: "message", appId: accounts.flaky.appId });
    expect(payload.message).toMatchObject({
      MsgType: "text",
      Content: "你好，想预约周六的课",
      MsgId: message.MsgId,
      FromUserName: message.FromUserName,
    });

    // WeChat retries the same message (same MsgId): answered `success`, not forwarded again. Drained by a next message
    // to the same endpoint: a forwarded retry would be queued before it (and due no later), so once the next one is
    // delivered (after its own three failures) a forwarded retry would have arrived too, under a third webhook-id.
    const retry = await push(accounts.flaky.appId, { ...message, CreateTime: now() });
    expect(await retry.text()).toBe("success");
    expect(await (await push(accounts.flaky.appId, textMessage(accounts.flaky, "下一条消息"))).text()).toBe("success");
    const [firstId] = ids;
    const next = await waitFor("the next message's four attempts", () => {
      const got = received.filter((r) => r.path === "/flaky" && r.headers.get("webhook-id") !== firstId);
      return got.length >= 4 && got.at(-1)!.answered ? got : undefined;
    });
    expect(new Set(next.map((r) => r.headers.get("webhook-id"))).size).toBe(1);
    expect(next.map((r) => (JSON.parse(r.body) as { message: { Content: string } }).message.Content)).toEqual(
      Array(4).fill("下一条消息"),
    );
    expect(received.filter((r) => r.path === "/flaky")).toHaveLength(8);
  }, 40_000);

  it("answers WeChat at once while a merchant's endpoint never answers, and other merchants still get theirs", async () => {
    const latencies: number[] = [];
    for (let i = 0; i < 10; i++) {
      const started = performance.now();
      const response = await push(accounts.hanging.appId, textMessage(accounts.hanging, `slow ${i}`));
      expect(response.status).toBe(200);
      expect(await response.text()).toBe("success");
      latencies.push(performance.now() - started);
    }
    expect(Math.max(...latencies)).toBeLessThan(WEBHOOK_TIMEOUT_MS);
    // With a request to the endpoint provably open (it is never answered), one more message is still answered at
    // once: a route that waited for its delivery would take the whole webhook timeout.
    await waitFor("the hanging endpoint to be called", () =>
      received.some((r) => r.path === "/hang") ? true : undefined,
    );
    const started = performance.now();
    const more = await push(accounts.hanging.appId, textMessage(accounts.hanging, "one more"));
    expect(await more.text()).toBe("success");
    expect(performance.now() - started).toBeLessThan(WEBHOOK_TIMEOUT_MS);

    // Meanwhile another merchant's message is delivered (one endpoint's hung requests hold only its own slots).
    const sentAt = performance.now();
    const ok = await push(accounts.healthy.appId, textMessage(accounts.healthy, "fine"));
    expect(await ok.text()).toBe("success");
    const delivered = await waitFor("the healthy merchant's delivery", () => received.find((r) => r.path === "/ok"));
    expect(verifyWebhook(accounts.healthy.secret, delivered.headers, delivered.body)).toBe(true);
    expect(performance.now() - sentAt).toBeLessThan(WEBHOOK_TIMEOUT_MS);
  }, 40_000);

  it("answers the release test's text case with an encrypted passive reply (and never for a merchant's account)", async () => {
    const testAccount = { appId: "wx570bc396a51b8ff8", userName: "gh_3c884a361561" };
    const response = await push(testAccount.appId, textMessage(testAccount, "TESTCOMPONENT_MSG_TYPE_TEXT"));
    const reply = parseWechatXml(await response.text());
    expect(
      crypto.verify(String(reply.MsgSignature), String(reply.TimeStamp), String(reply.Nonce), String(reply.Encrypt)),
    ).toBe(true);
    expect(parseWechatXml(crypto.decrypt(String(reply.Encrypt)).message)).toMatchObject({
      Content: "TESTCOMPONENT_MSG_TYPE_TEXT_callback",
      FromUserName: testAccount.userName,
    });
    // The same words to a merchant's account are the merchant's traffic: `success`, then forwarded.
    const merchantText = await push(
      accounts.healthy.appId,
      textMessage(accounts.healthy, "TESTCOMPONENT_MSG_TYPE_TEXT"),
    );
    expect(await merchantText.text()).toBe("success");
    await waitFor("the forwarded text", () =>
      received.find((r) => r.path === "/ok" && r.body.includes("TESTCOMPONENT_MSG_TYPE_TEXT")),
    );
  });

  it("stored every good message once and nothing from bad input; the log shows the attempts", async () => {
    releaseHanging();
    await app.stop();
    const database = await openConfiguredDatabase(config);
    try {
      const stored = await database.db
        .select({ payload: wechatEvents.payload, appId: wechatEvents.authorizerAppId })
        .from(wechatEvents)
        .where(eq(wechatEvents.source, "authorizer"));
      const contents = stored.map((e) => String(e.payload.Content));
      expect(contents.filter((c) => c.startsWith("BAD-"))).toEqual([]);
      expect(contents.filter((c) => c.startsWith("你好"))).toHaveLength(1);
      expect(stored.filter((e) => e.appId === accounts.hanging.appId)).toHaveLength(11);

      const flaky = await database.db
        .select()
        .from(webhookDeliveries)
        .innerJoin(authorizers, eq(authorizers.appId, webhookDeliveries.appId))
        .where(eq(webhookDeliveries.appId, accounts.flaky.appId));
      // The first message and the next one (the retry of the first was not queued).
      expect(flaky).toHaveLength(2);
      for (const { webhook_deliveries: delivery } of flaky) {
        expect(delivery).toMatchObject({ status: "delivered", attempts: 4, lastStatusCode: 204 });
        expect(delivery.attemptLog.map((a) => a.status)).toEqual([500, 500, 500, 204]);
      }

      const byStatus = rowsOf<{ app_id: string; status: string; n: number }>(
        await database.db.execute(
          sql`select app_id, status, count(*)::int as n from webhook_deliveries group by 1, 2 order by 1, 2`,
        ),
      );
      // The release test account's message was answered, not forwarded; each of the hanging merchant's eleven was queued once.
      expect(byStatus.find((r) => r.app_id === accounts.healthy.appId && r.status === "delivered")?.n).toBe(2);
      expect(byStatus.filter((r) => r.app_id === accounts.hanging.appId).reduce((n, r) => n + r.n, 0)).toBe(11);
      expect(byStatus.some((r) => r.app_id === "wx570bc396a51b8ff8")).toBe(false);
    } finally {
      await database.close();
    }
  });
});
