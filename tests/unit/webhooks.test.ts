import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkWebhookUrlShape, isPrivateAddress } from "@/lib/webhooks/destination";
import { generateWebhookSecret, signWebhook, verifyWebhook, webhookHeaders } from "@/lib/webhooks/signature";
import { messageDedupeKey, messageSummary } from "@/lib/events/receive-authorizer-message";
import { releaseTestCase } from "@/lib/wechat/release-test";

describe("webhook signatures (Standard Webhooks)", () => {
  const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const body = '{"id":"dlv_1","message":{"Content":"你好"}}';

  it("signs id.timestamp.body with HMAC-SHA256 under the base64 key, as the spec's reference does", () => {
    const expected = createHmac("sha256", Buffer.from("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "base64"))
      .update(`dlv_1.1700000000.${body}`)
      .digest("base64");
    expect(signWebhook(secret, "dlv_1", 1700000000, body)).toBe(`v1,${expected}`);
  });

  it("matches the Standard Webhooks specification's published example", () => {
    expect(signWebhook(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, '{"test": 2432232314}')).toBe(
      "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    );
  });

  it("verifies its own headers and refuses any change, another secret, or an old timestamp", () => {
    const headers = new Headers({ ...webhookHeaders(secret, "dlv_1", 1700000000, body) });
    expect(verifyWebhook(secret, headers, body, { now: 1700000010 })).toBe(true);
    expect(verifyWebhook(secret, headers, body.replace("你好", "您好"), { now: 1700000010 })).toBe(false);
    expect(verifyWebhook(generateWebhookSecret(), headers, body, { now: 1700000010 })).toBe(false);
    expect(verifyWebhook(secret, headers, body, { now: 1700000000 + 301 })).toBe(false);
    const otherId = new Headers(headers);
    otherId.set("webhook-id", "dlv_2");
    expect(verifyWebhook(secret, otherId, body, { now: 1700000010 })).toBe(false);
    const several = new Headers(headers);
    several.set("webhook-signature", `v1,AAAA ${headers.get("webhook-signature")}`);
    expect(verifyWebhook(secret, several, body, { now: 1700000010 })).toBe(true);
  });

  it("makes a fresh 24-byte secret each time", () => {
    const a = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(a).not.toBe(generateWebhookSecret());
  });
});

describe("webhook destinations", () => {
  it.each([
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "::1",
    "fd00::1",
    "fe80::1",
    "::ffff:10.0.0.1",
  ])("treats %s as private", (address) => expect(isPrivateAddress(address)).toBe(true));
  // Just outside the ranges added for IPv4-in-IPv6 (NAT64, 6to4, IPv4-compatible): still public.
  it.each([
    "203.0.113.7",
    "8.8.8.8",
    "2001:4860:4860::8888",
    "::ffff:8.8.8.8",
    "64:ff9b:2::1",
    "64:ff9b::1:0:a00:1",
    "2003::1",
    "::1:a00:1",
  ])("treats %s as public", (address) => expect(isPrivateAddress(address)).toBe(false));

  it("checks a URL's shape where it is entered", () => {
    expect(checkWebhookUrlShape("https://hooks.example.com/wx", { requireHttps: true })).toBeUndefined();
    expect(checkWebhookUrlShape("http://hooks.example.com/wx", { requireHttps: true })).toBe("https_required");
    expect(checkWebhookUrlShape("http://hooks.example.com/wx", { requireHttps: false })).toBeUndefined();
    expect(checkWebhookUrlShape("ftp://hooks.example.com", { requireHttps: false })).toBe("invalid_url");
    expect(checkWebhookUrlShape("https://user:pw@hooks.example.com", { requireHttps: true })).toBe("invalid_url");
    expect(checkWebhookUrlShape("not a url", { requireHttps: false })).toBe("invalid_url");
  });
});

describe("account messages", () => {
  const base = { ToUserName: "gh_3c884a361561", FromUserName: "ozy4qt5QUADNXORxCVipKMV9dss0", CreateTime: 1700000000 };

  it("dedupes messages by MsgId and events by sender, CreateTime and event (docs/wechat-protocol.md §1.5)", () => {
    expect(messageDedupeKey("wxA", { ...base, MsgType: "text", MsgId: "123", Content: "a" }, "<xml/>")).toBe(
      "msg:wxA:123",
    );
    expect(messageDedupeKey("wxA", { ...base, MsgType: "event", Event: "subscribe" }, "<xml/>")).toBe(
      `event:wxA:${base.FromUserName}:1700000000:subscribe`,
    );
    expect(messageDedupeKey("wxB", { ...base, MsgType: "text", MsgId: "123" }, "")).not.toBe(
      messageDedupeKey("wxA", { ...base, MsgType: "text", MsgId: "123" }, ""),
    );
    expect(messageSummary({ MsgType: "event", Event: "CLICK" })).toBe("event:CLICK");
    expect(messageSummary({ MsgType: "image" })).toBe("image");
  });

  it("recognises the release test's three cases and nothing else", () => {
    expect(releaseTestCase({ MsgType: "text", Content: "TESTCOMPONENT_MSG_TYPE_TEXT" })).toEqual({
      kind: "text",
      reply: "TESTCOMPONENT_MSG_TYPE_TEXT_callback",
    });
    expect(releaseTestCase({ MsgType: "text", Content: "QUERY_AUTH_CODE:queryauthcode@@@abc" })).toEqual({
      kind: "api_text",
      queryAuthCode: "queryauthcode@@@abc",
    });
    expect(releaseTestCase({ MsgType: "event", Event: "LOCATION" })).toEqual({
      kind: "event",
      reply: "LOCATIONfrom_callback",
    });
    expect(releaseTestCase({ MsgType: "text", Content: "QUERY_AUTH_CODE:" })).toBeUndefined();
    expect(releaseTestCase({ MsgType: "text", Content: "hello" })).toBeUndefined();
  });
});
