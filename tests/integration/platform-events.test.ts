import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { authorizers, merchants, webhookDeliveries, wechatEvents } from "@/db/schema";
import { createAuthorizerMessageReceiver } from "@/lib/events/receive-authorizer-message";
import { createMessageCrypto } from "@/lib/wechat/crypto";
import { sealPush } from "@/lib/wechat/push";
import { withTestDatabase } from "../support/with-test-database";

const component = {
  appId: "wx5f3c8b1a2d4e6f70",
  token: "PortalToken2024",
  encodingAesKey: "Xy7Kp2Lm9Qw4Er8Ty1Ui5Op3As6Df0Gh2Jk4Lz7Xc9V",
};
const crypto = createMessageCrypto(component);
const NOW = 1_800_000_000_000;
const APP_ID = "wx1111222233334444";
const GH = "gh_111122223333";

function push(fields: Record<string, string | number>) {
  return sealPush(
    crypto,
    { ToUserName: GH, FromUserName: "o_system", CreateTime: NOW / 1000 - 5, ...fields },
    { ToUserName: GH },
    { timestamp: NOW / 1000 },
  );
}

describe("platform events on an account's message URL", () => {
  const database = withTestDatabase();

  async function setup() {
    const [merchant] = await database.db
      .insert(merchants)
      .values({ name: "晨光", webhookUrl: "https://merchant.example/hook" })
      .returning();
    await database.db
      .insert(authorizers)
      .values({ appId: APP_ID, merchantId: merchant!.id, userName: GH, kind: "mini_program" });
    return createAuthorizerMessageReceiver({
      db: database.db,
      crypto,
      timestampToleranceSeconds: 600,
      now: () => NOW,
      isPlatformEvent: (msgType, event) => msgType === "event" && event === "weapp_audit_success",
    });
  }

  it("stores a platform event for follow-up and does not forward it; an ordinary event is forwarded as before", async () => {
    const receiver = await setup();
    const audit = push({ MsgType: "event", Event: "weapp_audit_success", SuccTime: NOW / 1000 - 5 });
    const result = await receiver.receive(APP_ID, audit.query, audit.body);
    expect(result).toMatchObject({ status: 200, body: "success", followUp: true, deliveries: 0 });
    const [stored] = await database.db
      .select()
      .from(wechatEvents)
      .where(eq(wechatEvents.infoType, "event:weapp_audit_success"));
    expect(stored?.processedAt).toBeNull();
    expect(stored?.payload).toMatchObject({ Event: "weapp_audit_success", SuccTime: String(NOW / 1000 - 5) });

    // WeChat's retry: stored once, no second follow-up.
    expect(await receiver.receive(APP_ID, audit.query, audit.body)).toMatchObject({
      status: 200,
      body: "success",
      followUp: false,
    });

    const subscribe = push({ MsgType: "event", Event: "subscribe", FromUserName: "o_user" });
    expect(await receiver.receive(APP_ID, subscribe.query, subscribe.body)).toMatchObject({
      status: 200,
      followUp: false,
      deliveries: 1,
    });
    const deliveries = await database.db.select().from(webhookDeliveries);
    expect(deliveries.map((d) => d.summary)).toEqual(["event:subscribe"]);
  });
});
