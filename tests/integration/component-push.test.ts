import { beforeEach, describe, expect, it } from "vitest";
import { findLatestTicket } from "@/db/queries/tickets";
import { wechatEvents } from "@/db/schema";
import { createComponentPushReceiver } from "@/lib/events/receive-component-push";
import { createMessageCrypto } from "@/lib/wechat/crypto";
import { sealPush } from "@/lib/wechat/push";
import { openTestDatabase } from "../support/database";
import { withTestDatabase } from "../support/with-test-database";

const component = {
  appId: "wx5f3c8b1a2d4e6f70",
  token: "PortalToken2024",
  encodingAesKey: "Xy7Kp2Lm9Qw4Er8Ty1Ui5Op3As6Df0Gh2Jk4Lz7Xc9V",
};
const crypto = createMessageCrypto({ ...component });
const NOW = 1_800_000_000_000;

function ticketPush(ticket: string, createTime: number) {
  return sealPush(
    crypto,
    {
      AppId: component.appId,
      CreateTime: createTime,
      InfoType: "component_verify_ticket",
      ComponentVerifyTicket: ticket,
    },
    { AppId: component.appId },
    { timestamp: NOW / 1000 },
  );
}

describe("component push receiver (in process, real database)", () => {
  const database = withTestDatabase();
  let receiver: ReturnType<typeof createComponentPushReceiver>;
  beforeEach(async () => {
    receiver = createComponentPushReceiver({
      db: database.db,
      crypto,
      componentAppId: component.appId,
      timestampToleranceSeconds: 600,
      now: () => NOW,
    });
  });

  const storedTicket = () => findLatestTicket(database.db);

  it("stores a ticket and answers exactly `success`; a retry changes nothing", async () => {
    const push = ticketPush("ticket@@@first", 1_799_999_990);
    const first = await receiver.receive(push.query, push.body);
    expect(first).toMatchObject({ status: 200, body: "success", stored: true, followUp: false });
    const row = await storedTicket();
    expect(row?.value).toBe("ticket@@@first");
    expect(row?.createTime).toBe(1_799_999_990);

    const retry = await receiver.receive(push.query, push.body);
    expect(retry).toMatchObject({ status: 200, body: "success", stored: false, followUp: false });
    expect(await database.db.select().from(wechatEvents)).toHaveLength(1);
    expect((await storedTicket())?.receivedAt.getTime()).toBe(row?.receivedAt.getTime());
  });

  it("stores concurrent pushes (batched into shared INSERTs) each exactly once, duplicates included", async () => {
    const pushes = Array.from({ length: 60 }, (_, i) => ticketPush(`ticket@@@concurrent-${i % 40}`, 1_799_999_000 + i));
    const results = await Promise.all(pushes.map((p) => receiver.receive(p.query, p.body)));
    expect(results.every((r) => r.status === 200 && r.body === "success")).toBe(true);
    // 40 distinct tickets: 40 new, the 20 repeats (same ticket value) stored nothing.
    expect(results.filter((r) => r.stored)).toHaveLength(40);
    expect(await database.db.select().from(wechatEvents)).toHaveLength(40);
    expect((await storedTicket())?.value).toBe("ticket@@@concurrent-39");
  });

  it("never lets a late, older ticket replace a newer one", async () => {
    const newer = ticketPush("ticket@@@newer", 1_799_999_000);
    const older = ticketPush("ticket@@@older", 1_799_998_400);
    expect((await receiver.receive(newer.query, newer.body)).status).toBe(200);
    expect((await receiver.receive(older.query, older.body)).status).toBe(200);
    expect((await storedTicket())?.value).toBe("ticket@@@newer");
    expect(await database.db.select().from(wechatEvents)).toHaveLength(2);
  });

  it("stores authorization events once, keyed by InfoType, appid and CreateTime", async () => {
    const fields = {
      AppId: component.appId,
      CreateTime: 1_799_999_999,
      InfoType: "authorized",
      AuthorizerAppid: "wxaaaabbbbccccdddd",
      AuthorizationCode: "queryauthcode@@@x",
      AuthorizationCodeExpiredTime: 1_800_003_599,
      PreAuthCode: "preauthcode@@@y",
    };
    for (let i = 0; i < 3; i++) {
      // WeChat's retries re-encrypt with fresh randomness: only the content is the same.
      const push = sealPush(crypto, fields, { AppId: component.appId }, { timestamp: NOW / 1000 });
      // Only the first needs the follow-up (api_query_auth after the answer).
      expect(await receiver.receive(push.query, push.body)).toMatchObject({
        status: 200,
        body: "success",
        followUp: i === 0,
      });
    }
    const rows = await database.db.select().from(wechatEvents);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      infoType: "authorized",
      authorizerAppId: "wxaaaabbbbccccdddd",
      createTime: 1_799_999_999,
    });
  });

  it("answers unknown InfoTypes with success and keeps them", async () => {
    const push = sealPush(
      crypto,
      { AppId: component.appId, CreateTime: 1_799_999_999, InfoType: "notify_third_fasteregister", status: "0" },
      { AppId: component.appId },
      { timestamp: NOW / 1000 },
    );
    expect(await receiver.receive(push.query, push.body)).toMatchObject({ status: 200, body: "success" });
    expect((await database.db.select().from(wechatEvents))[0]?.infoType).toBe("notify_third_fasteregister");

    const withoutTime = sealPush(
      crypto,
      { AppId: component.appId, InfoType: "notify_new_kind" },
      { AppId: component.appId },
      { timestamp: NOW / 1000 },
    );
    expect(await receiver.receive(withoutTime.query, withoutTime.body)).toMatchObject({
      status: 200,
      body: "success",
      stored: true,
    });
  });

  it("rejects a push for another platform even when it is correctly signed", async () => {
    const push = sealPush(
      crypto,
      { AppId: "wx0000000000000000", CreateTime: 1, InfoType: "component_verify_ticket", ComponentVerifyTicket: "t" },
      { AppId: component.appId },
      { timestamp: NOW / 1000 },
    );
    expect((await receiver.receive(push.query, push.body)).status).toBe(403);
    expect(await database.db.select().from(wechatEvents)).toHaveLength(0);
  });

  it("rejects stale and future timestamps (replays)", async () => {
    for (const offset of [-601, 601]) {
      const push = sealPush(
        crypto,
        {
          AppId: component.appId,
          CreateTime: 1,
          InfoType: "component_verify_ticket",
          ComponentVerifyTicket: `t${offset}`,
        },
        { AppId: component.appId },
        { timestamp: NOW / 1000 + offset },
      );
      expect(await receiver.receive(push.query, push.body)).toMatchObject({ status: 403 });
    }
    expect(await database.db.select().from(wechatEvents)).toHaveLength(0);
  });

  it("does not answer success when the database is down, so WeChat retries", async () => {
    const outage = await openTestDatabase();
    const receiverOnOutage = createComponentPushReceiver({
      db: outage.db,
      crypto,
      componentAppId: component.appId,
      timestampToleranceSeconds: 600,
      now: () => NOW,
    });
    await outage.drop();
    const push = ticketPush("ticket@@@during-outage", 1_799_999_999);
    const result = await receiverOnOutage.receive(push.query, push.body);
    expect(result.status).toBe(503);
    expect(result.body).not.toBe("success");
  });
});
