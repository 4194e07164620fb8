import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  authorizationCodeExpiresAt,
  authorizerMessageSchema,
  componentEventDedupeKey,
  parseComponentEvent,
  WechatEventError,
  type ComponentEvent,
} from "@/lib/wechat/events";
import { parseWechatXml } from "@/lib/wechat/xml";
import { expectErrorCode } from "../support/expectations";
import { findVector, readTestVectors } from "../support/test-vectors";

interface Vector {
  id: string;
  inputs: { plaintext: string };
}

const { vectors } = readTestVectors<{ vectors: Vector[] }>();

function plaintextOf(prefix: string): string {
  return findVector(vectors, prefix).inputs.plaintext;
}

function eventOf(prefix: string): ComponentEvent {
  return parseComponentEvent(parseWechatXml(plaintextOf(prefix)));
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function expectEventError(fields: Record<string, unknown>, ...paths: string[]): WechatEventError {
  const eventError = expectErrorCode(() => parseComponentEvent(fields), WechatEventError, "invalid_event");
  for (const path of paths) expect(eventError.message).toContain(path);
  return eventError;
}

const AUTHORIZED = parseWechatXml(plaintextOf("V2_"));
const TICKET = parseWechatXml(plaintextOf("V1_"));

describe("parseComponentEvent", () => {
  it.each<[string, string, ComponentEvent]>([
    [
      "V1",
      "a component_verify_ticket",
      {
        kind: "component_verify_ticket",
        appId: "wx5f3c8b1a2d4e6f70",
        createTime: 1700000000,
        ticket: "ticket@@@TestTicket_0001-AbCdEfGhIjKlMnOpQrStUvWxYz",
      },
    ],
    [
      "V2",
      "authorized",
      {
        kind: "authorized",
        appId: "wx5f3c8b1a2d4e6f70",
        createTime: 1700000600,
        authorizerAppId: "wxaaaabbbbccccdddd",
        authorizationCode: "queryauthcode@@@TestAuthCode_0001",
        authorizationCodeExpiresAt: 1700004200,
        preAuthCode: "preauthcode@@@TestPreAuthCode_0001",
      },
    ],
    [
      "V3",
      "unauthorized",
      {
        kind: "unauthorized",
        appId: "wx5f3c8b1a2d4e6f70",
        createTime: 1700001200,
        authorizerAppId: "wxaaaabbbbccccdddd",
      },
    ],
    [
      "V4",
      "updateauthorized",
      {
        kind: "updateauthorized",
        appId: "wx5f3c8b1a2d4e6f70",
        createTime: 1700001800,
        authorizerAppId: "wxaaaabbbbccccdddd",
        authorizationCode: "queryauthcode@@@TestAuthCode_0002",
        authorizationCodeExpiresAt: 1700005400,
        preAuthCode: "preauthcode@@@TestPreAuthCode_0002",
      },
    ],
  ])("%s is %s", (vector, _kind, expected) => {
    expect(eventOf(`${vector}_`)).toEqual(expected);
  });

  it("treats an absent or empty PreAuthCode as none", () => {
    const { PreAuthCode: _, ...withoutPreAuthCode } = AUTHORIZED;
    expect(parseComponentEvent(withoutPreAuthCode)).not.toHaveProperty("preAuthCode");
    expect(parseComponentEvent({ ...AUTHORIZED, PreAuthCode: "" })).not.toHaveProperty("preAuthCode");
  });

  it.each([
    ["absolute Unix time", "1700004200", 1700004200],
    ["TTL in seconds from CreateTime", "600", 1700000600 + 600],
    ["TTL of one hour", "3600", 1700000600 + 3600],
  ])("reads AuthorizationCodeExpiredTime as %s", (_, value, expected) => {
    const event = parseComponentEvent({ ...AUTHORIZED, AuthorizationCodeExpiredTime: value });
    expect(event).toMatchObject({ authorizationCodeExpiresAt: expected });
  });

  it("switches interpretation just above 1e9", () => {
    expect(authorizationCodeExpiresAt(100, 1_000_000_000)).toBe(1_000_000_100);
    expect(authorizationCodeExpiresAt(100, 1_000_000_001)).toBe(1_000_000_001);
  });

  it("rejects a ticket push without a ticket, naming the field but not the values", () => {
    const { ComponentVerifyTicket: _, ...fields } = TICKET;
    const error = expectEventError(fields, "ComponentVerifyTicket");
    expect(error.message).not.toContain("wx5f3c8b1a2d4e6f70");
    expectEventError({ ...TICKET, ComponentVerifyTicket: "" }, "ComponentVerifyTicket");
  });

  it.each(["AppId", "CreateTime", "AuthorizerAppid", "AuthorizationCode", "AuthorizationCodeExpiredTime"])(
    "rejects authorized without %s",
    (field) => {
      const fields = { ...AUTHORIZED };
      delete fields[field];
      const error = expectEventError(fields, field);
      expect(error.message).not.toContain("queryauthcode@@@");
    },
  );

  it("rejects updateauthorized and unauthorized without AuthorizerAppid", () => {
    const { AuthorizerAppid: _, ...fields } = parseWechatXml(plaintextOf("V4_"));
    expectEventError(fields, "AuthorizerAppid");
    const { AuthorizerAppid: __, ...revoked } = parseWechatXml(plaintextOf("V3_"));
    expectEventError(revoked, "AuthorizerAppid");
  });

  it.each([
    ["not digits", "17e8"],
    ["negative", "-1"],
    ["empty", ""],
    ["a number rather than the XML string", 1700000000],
  ])("rejects a CreateTime that is %s", (_, value) => {
    expectEventError({ ...TICKET, CreateTime: value }, "CreateTime");
  });

  it("rejects a nested element where a value is expected", () => {
    expectEventError({ ...AUTHORIZED, AuthorizationCode: { A: "x" } }, "AuthorizationCode");
  });

  it("rejects a push without InfoType", () => {
    const { InfoType: _, ...fields } = TICKET;
    expectEventError(fields, "InfoType");
  });

  it("accepts unknown InfoTypes so they can be answered success", () => {
    const fields = parseWechatXml(
      "<xml>\r\n<AppId><![CDATA[wx5f3c8b1a2d4e6f70]]></AppId>\r\n<CreateTime>1700009999</CreateTime>\r\n" +
        "<InfoType><![CDATA[notify_third_fasteregister]]></InfoType>\r\n<status>0</status>\r\n" +
        "<info><name><![CDATA[x]]></name></info>\r\n</xml>",
    );
    expect(parseComponentEvent(fields)).toEqual({
      kind: "unknown",
      infoType: "notify_third_fasteregister",
      appId: "wx5f3c8b1a2d4e6f70",
      createTime: 1700009999,
      fields,
    });
  });

  it("accepts an unknown InfoType without AppId or CreateTime", () => {
    expect(parseComponentEvent({ InfoType: "wxa_nickname_audit" })).toEqual({
      kind: "unknown",
      infoType: "wxa_nickname_audit",
      fields: { InfoType: "wxa_nickname_audit" },
    });
  });
});

describe("componentEventDedupeKey", () => {
  it("keys tickets by value", () => {
    const hash = sha256(plaintextOf("V1_"));
    expect(componentEventDedupeKey(eventOf("V1_"), hash)).toBe(
      "ticket:ticket@@@TestTicket_0001-AbCdEfGhIjKlMnOpQrStUvWxYz",
    );
    const later = parseComponentEvent({ ...TICKET, CreateTime: "1700000600" });
    expect(componentEventDedupeKey(later, "other")).toBe(componentEventDedupeKey(eventOf("V1_"), hash));
  });

  it("keys change events by InfoType, AuthorizerAppid and CreateTime", () => {
    expect(componentEventDedupeKey(eventOf("V2_"), "h")).toBe("authorized:wxaaaabbbbccccdddd:1700000600");
    expect(componentEventDedupeKey(eventOf("V3_"), "h")).toBe("unauthorized:wxaaaabbbbccccdddd:1700001200");
    expect(componentEventDedupeKey(eventOf("V4_"), "h")).toBe("updateauthorized:wxaaaabbbbccccdddd:1700001800");

    const sameSecond = parseComponentEvent({ ...parseWechatXml(plaintextOf("V3_")), CreateTime: "1700000600" });
    expect(componentEventDedupeKey(sameSecond, "h")).not.toBe(componentEventDedupeKey(eventOf("V2_"), "h"));
    const retried = parseComponentEvent({ ...AUTHORIZED, AuthorizationCode: "queryauthcode@@@Other" });
    expect(componentEventDedupeKey(retried, "h")).toBe(componentEventDedupeKey(eventOf("V2_"), "h"));
  });

  it("keys unknown events by the plaintext hash", () => {
    const plaintext = "<xml><InfoType><![CDATA[notify_3rd_wxa_auth]]></InfoType></xml>";
    const event = parseComponentEvent(parseWechatXml(plaintext));
    expect(componentEventDedupeKey(event, sha256(plaintext))).toBe(`unknown:${sha256(plaintext)}`);
  });
});

describe("authorizerMessageSchema", () => {
  it("parses the V5 release-test text message, keeping MsgId exact", () => {
    expect(authorizerMessageSchema.parse(parseWechatXml(plaintextOf("V5_")))).toEqual({
      ToUserName: "gh_3c884a361561",
      FromUserName: "ozy4qt5QUADNXORxCVipKMV9dss0",
      CreateTime: 1700002400,
      MsgType: "text",
      Content: "TESTCOMPONENT_MSG_TYPE_TEXT",
      MsgId: "6000000000000000001",
    });
  });

  it("parses an event message", () => {
    const fields = parseWechatXml(
      "<xml><ToUserName><![CDATA[gh_3c884a361561]]></ToUserName>\n<FromUserName><![CDATA[o1]]></FromUserName>\n" +
        "<CreateTime>1700002500</CreateTime>\n<MsgType><![CDATA[event]]></MsgType>\n<Event><![CDATA[LOCATION]]></Event>\n" +
        "<Latitude>23.137466</Latitude>\n</xml>",
    );
    expect(authorizerMessageSchema.parse(fields)).toEqual({
      ToUserName: "gh_3c884a361561",
      FromUserName: "o1",
      CreateTime: 1700002500,
      MsgType: "event",
      Event: "LOCATION",
    });
  });

  it("rejects a message without MsgType", () => {
    const { MsgType: _, ...fields } = parseWechatXml(plaintextOf("V5_"));
    expect(authorizerMessageSchema.safeParse(fields).success).toBe(false);
  });
});
