import { like, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { findLatestTicket } from "@/db/queries/tickets";
import { wechatEvents } from "@/db/schema";
import { SANDBOX_COMPONENT } from "@/lib/sandbox/credentials";
import { createMessageCrypto } from "@/lib/wechat/crypto";
import { sealPush } from "@/lib/wechat/push";
import { buildWechatXml } from "@/lib/wechat/xml";
import { openConfiguredDatabase } from "../support/database";
import { expectRefusedPush } from "../support/expectations";
import { sealTicketPush } from "../support/seal-ticket-push";
import { withAppServer } from "../support/with-app-server";

// The authorization event URL over real HTTP against the built app (`next start`), as WeChat reaches it.
const crypto = createMessageCrypto({ ...SANDBOX_COMPONENT });
const otherCrypto = createMessageCrypto({ ...SANDBOX_COMPONENT, appId: "wx0000000000000000" });
const wrongKeyCrypto = createMessageCrypto({ ...SANDBOX_COMPONENT, encodingAesKey: "B".repeat(43) });

describe("POST /api/wechat/component/events over HTTP", () => {
  // No background jobs: the sandbox's own ticket pushes would blur the counts below.
  const app = withAppServer({ env: { BACKGROUND_JOBS: "0" } });
  const post = (query: URLSearchParams | string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${app.url}/api/wechat/component/events?${query}`, {
      method: "POST",
      body,
      headers: { "content-type": "text/xml", ...headers },
    });

  const good = sealTicketPush("ticket@@@GOOD-http-1");

  it("stores a valid ticket push and answers exactly `success` as text/plain", async () => {
    const response = await post(good.query, good.body);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await response.text()).toBe("success");
    const health = (await (await fetch(`${app.url}/api/health`)).json()) as { ticket: { ok: boolean } };
    expect(health.ticket.ok).toBe(true);
  });

  it("answers the same push again with `success` and changes nothing", async () => {
    const response = await post(good.query, good.body);
    expect(await response.text()).toBe("success");
  });

  const bad: Array<[string, () => Promise<Response>, number]> = [
    [
      "tampered msg_signature",
      async () => {
        const p = sealTicketPush("ticket@@@BAD-sig");
        p.query.set("msg_signature", "0".repeat(40));
        return post(p.query, p.body);
      },
      401,
    ],
    [
      "ciphertext swapped after signing",
      async () => {
        const p = sealTicketPush("ticket@@@BAD-swap");
        const other = sealTicketPush("ticket@@@BAD-swap-2");
        return post(p.query, other.body);
      },
      401,
    ],
    [
      "missing msg_signature",
      async () => {
        const p = sealTicketPush("ticket@@@BAD-missing");
        p.query.delete("msg_signature");
        return post(p.query, p.body);
      },
      400,
    ],
    [
      "stale timestamp (replay)",
      async () => {
        const p = sealTicketPush("ticket@@@BAD-stale", { timestamp: Math.floor(Date.now() / 1000) - 3600 });
        return post(p.query, p.body);
      },
      403,
    ],
    ["malformed XML", async () => post(good.query, "<xml><Encrypt><![CDATA[abc]]></Encrypt>"), 400],
    ["empty body", async () => post(good.query, ""), 400],
    [
      "DOCTYPE with an entity",
      async () =>
        post(good.query, `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><xml><Encrypt>&a;</Encrypt></xml>`),
      400,
    ],
    [
      "not base64, correctly signed",
      async () => {
        const { query } = sealTicketPush("ticket@@@BAD-b64");
        const encrypt = "!!!not-base64!!!";
        query.set("msg_signature", crypto.sign(query.get("timestamp")!, query.get("nonce")!, encrypt));
        return post(query, buildWechatXml({ AppId: SANDBOX_COMPONENT.appId, Encrypt: encrypt }));
      },
      400,
    ],
    [
      "encrypted for another platform (wrong appid tail)",
      async () => {
        const p = sealTicketPush("ticket@@@BAD-appid", { sealWith: otherCrypto });
        return post(p.query, p.body);
      },
      403,
    ],
    [
      "encrypted with the wrong key",
      async () => {
        const p = sealTicketPush("ticket@@@BAD-key", { sealWith: wrongKeyCrypto });
        return post(p.query, p.body);
      },
      400,
    ],
    [
      "inner AppId of another platform",
      async () => {
        const p = sealTicketPush("ticket@@@BAD-inner", { innerAppId: "wx0000000000000000" });
        return post(p.query, p.body);
      },
      403,
    ],
    [
      "known InfoType missing its fields",
      async () => {
        const p = sealPush(
          crypto,
          { AppId: SANDBOX_COMPONENT.appId, CreateTime: 1, InfoType: "component_verify_ticket" },
          { AppId: SANDBOX_COMPONENT.appId },
        );
        return post(p.query, p.body);
      },
      400,
    ],
    ["oversized body", async () => post(good.query, `<xml><Encrypt>${"A".repeat(200_000)}</Encrypt></xml>`), 413],
  ];

  it.each(bad)("rejects %s with a 4xx and a short reason", async (_name, send, status) => {
    const text = await expectRefusedPush(await send(), status);
    expect(text).not.toMatch(/at .*\.(js|ts):\d+/);
  });

  it("answers WeChat's GET URL check only with a valid signature", async () => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = crypto.sign(timestamp, "42", "");
    const ok = await fetch(
      `${app.url}/api/wechat/component/events?signature=${signature}&timestamp=${timestamp}&nonce=42&echostr=hello`,
    );
    expect(await ok.text()).toBe("hello");
    const bad = await fetch(
      `${app.url}/api/wechat/component/events?signature=${"0".repeat(40)}&timestamp=${timestamp}&nonce=42&echostr=hello`,
    );
    expect(bad.status).toBe(401);
  });

  it("stored the good push exactly once and nothing from bad input (read after the server stops)", async () => {
    const output = app.output();
    expect(output).not.toContain("ticket@@@");
    await app.stop();
    const database = await openConfiguredDatabase(app.database);
    try {
      const events = await database.db.select().from(wechatEvents);
      expect(events.map((e) => e.dedupeKey)).toEqual(["ticket:ticket@@@GOOD-http-1"]);
      expect((await findLatestTicket(database.db))?.value).toBe("ticket@@@GOOD-http-1");
      const [{ n }] = (await database.db
        .select({ n: sql<number>`count(*)::int` })
        .from(wechatEvents)
        .where(like(wechatEvents.dedupeKey, "%BAD-%"))) as [{ n: number }];
      expect(n).toBe(0);
    } finally {
      await database.close();
    }
  });
});
