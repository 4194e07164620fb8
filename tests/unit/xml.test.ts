import { describe, expect, it } from "vitest";
import {
  buildWechatXml,
  parseEncryptedEnvelope,
  parseWechatXml,
  WechatXmlError,
  type WechatXmlErrorCode,
} from "@/lib/wechat/xml";
import { expectErrorCode } from "../support/expectations";
import { findVector, readTestVectors } from "../support/test-vectors";

interface Vector {
  id: string;
  inputs: { plaintext: string; appid: string };
  outputs: { encrypt: string; requestBody: string };
  reply?: { inputs: { plaintext: string } };
}

const { vectors } = readTestVectors<{ vectors: Vector[] }>();

const V1 = findVector(vectors, "V1_");
const V5 = findVector(vectors, "V5_");

function expectXmlError(fn: () => unknown, code: WechatXmlErrorCode): void {
  expectErrorCode(fn, WechatXmlError, code);
}

function nested(depth: number): string {
  return `<xml>${"<a>".repeat(depth - 1)}x${"</a>".repeat(depth - 1)}</xml>`;
}

const V1_FIELDS = {
  AppId: "wx5f3c8b1a2d4e6f70",
  CreateTime: "1700000000",
  InfoType: "component_verify_ticket",
  ComponentVerifyTicket: "ticket@@@TestTicket_0001-AbCdEfGhIjKlMnOpQrStUvWxYz",
};

describe("parseWechatXml", () => {
  it("returns the children of <xml> as strings", () => {
    expect(parseWechatXml(V1.inputs.plaintext)).toEqual(V1_FIELDS);
  });

  it("keeps values as strings", () => {
    expect(parseWechatXml("<xml><A>0001</A><B>1e3</B><C>true</C><D>0x1F</D><E>-0</E></xml>")).toEqual({
      A: "0001",
      B: "1e3",
      C: "true",
      D: "0x1F",
      E: "-0",
    });
  });

  it("tolerates \\r\\n, tabs and an XML declaration between elements", () => {
    const text = `<?xml version="1.0" encoding="UTF-8"?>\r\n<xml>\r\n\t${V1.inputs.plaintext
      .slice(5, -6)
      .replaceAll("><", ">\r\n\t<")}\r\n</xml>\r\n`;
    expect(parseWechatXml(text)).toEqual(V1_FIELDS);
  });

  it("merges CDATA into text without trimming inside it", () => {
    expect(
      parseWechatXml(
        "<xml><A><![CDATA[ two  spaces ]]></A><B><![CDATA[<b>&amp;</b>]]></B><C><![CDATA[]]></C><D></D><E/></xml>",
      ),
    ).toEqual({ A: " two  spaces ", B: "<b>&amp;</b>", C: "", D: "", E: "" });
  });

  it("joins a CDATA section split around ]]>", () => {
    expect(parseWechatXml("<xml><A><![CDATA[a]]]]><![CDATA[>b]]></A></xml>")).toEqual({ A: "a]]>b" });
  });

  it("accepts declarations that are only text inside CDATA", () => {
    const text = "<xml><Content><![CDATA[<!DOCTYPE x [<!ENTITY a 'b'>]> &a;]]></Content></xml>";
    expect(parseWechatXml(text)).toEqual({ Content: "<!DOCTYPE x [<!ENTITY a 'b'>]> &a;" });
  });

  it("does not expand entities", () => {
    expect(parseWechatXml("<xml><A>a&amp;b&#60;&lt;</A></xml>")).toEqual({ A: "a&amp;b&#60;&lt;" });
  });

  it("returns nested elements as objects and repeated ones as arrays", () => {
    expect(
      parseWechatXml("<xml><Video><MediaId><![CDATA[m]]></MediaId><Title>t</Title></Video><H>1</H><H>2</H></xml>"),
    ).toEqual({ Video: { MediaId: "m", Title: "t" }, H: ["1", "2"] });
  });

  it("ignores comments and attributes", () => {
    expect(parseWechatXml('<xml><!-- note --><A id="1">x</A></xml>')).toEqual({ A: "x" });
  });

  it("returns {} for an empty root", () => {
    expect(parseWechatXml("<xml></xml>")).toEqual({});
    expect(parseWechatXml("<xml/>")).toEqual({});
  });

  it.each([
    [
      "billion laughs",
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><xml><A>&lol2;</A></xml>',
    ],
    ["external entity", '<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><A>&xxe;</A></xml>'],
    ["lower-case doctype", "<!doctype xml><xml><A>1</A></xml>"],
    ["DOCTYPE after the root opens", "<xml><!DOCTYPE x><A>1</A></xml>"],
    ["bare ENTITY", "<xml><!ENTITY a 'b'><A>1</A></xml>"],
    ["ELEMENT declaration", "<!ELEMENT xml ANY><xml/>"],
    ["DOCTYPE after a CDATA section", "<xml><A><![CDATA[x]]></A><!DOCTYPE x></xml>"],
    ["DOCTYPE hidden behind a quoted '>'", '<xml><A b=">"><!DOCTYPE x></A></xml>'],
  ])("rejects %s as forbidden markup", (_, text) => {
    expectXmlError(() => parseWechatXml(text), "forbidden_markup");
  });

  it("rejects documents over the byte limit", () => {
    const big = `<xml><A>${"x".repeat(64 * 1024)}</A></xml>`;
    expectXmlError(() => parseWechatXml(big), "too_large");
    expect(parseWechatXml(big, { maxBytes: 128 * 1024 }).A).toHaveLength(64 * 1024);
    expectXmlError(() => parseWechatXml(V1.inputs.plaintext, { maxBytes: 100 }), "too_large");
  });

  it("counts the limit in UTF-8 bytes, not characters", () => {
    const text = `<xml><A>${"中".repeat(30)}</A></xml>`;
    expect(text.length).toBeLessThan(100);
    expectXmlError(() => parseWechatXml(text, { maxBytes: 100 }), "too_large");
    expect(parseWechatXml(text, { maxBytes: 120 }).A).toBe("中".repeat(30));
  });

  it("rejects nesting deeper than the limit", () => {
    expect(parseWechatXml(nested(8))).toBeTypeOf("object");
    expectXmlError(() => parseWechatXml(nested(9)), "too_large");
    expectXmlError(() => parseWechatXml(nested(5), { maxDepth: 4 }), "too_large");
    expectXmlError(() => parseWechatXml(nested(5000)), "too_large");
    expectXmlError(() => parseWechatXml(`<xml>${"<a>".repeat(20_000)}`, { maxBytes: 1024 * 1024 }), "too_large");
  });

  it("does not count self-closing or sibling elements as depth", () => {
    const wide = `<xml>${"<a><b/></a>".repeat(500)}</xml>`;
    expect(parseWechatXml(wide, { maxDepth: 3 })).toHaveProperty("a");
  });

  it.each([
    ["empty", ""],
    ["plain text", "success"],
    ["unclosed root", "<xml><A>1</A>"],
    ["mismatched tags", "<xml><A>1</B></xml>"],
    ["unclosed child", "<xml><A>1</xml>"],
    ["unterminated CDATA", "<xml><A><![CDATA[1</A></xml>"],
    ["unterminated tag", "<xml><A"],
    ["unterminated comment", "<xml><!-- x</xml>"],
    ["JSON", '{"Encrypt":"x"}'],
    ["two <xml> roots", "<xml><A>1</A></xml><xml><A>2</A></xml>"],
    ["prototype-polluting element name", "<xml><__proto__><A>1</A></__proto__></xml>"],
  ])("rejects %s as malformed", (_, text) => {
    expectXmlError(() => parseWechatXml(text), "malformed");
    expect(({} as Record<string, unknown>).A).toBeUndefined();
  });

  it.each([
    ["another root", "<root><A>1</A></root>"],
    ["a second root", "<xml><A>1</A></xml><y/>"],
    ["text root", "<xml>text</xml>"],
  ])("rejects %s as not WeChat XML", (_, text) => {
    expectXmlError(() => parseWechatXml(text), "not_wechat_xml");
  });
});

describe("buildWechatXml", () => {
  it("reproduces the V1 plaintext byte-exactly", () => {
    expect(
      buildWechatXml({
        AppId: "wx5f3c8b1a2d4e6f70",
        CreateTime: 1700000000,
        InfoType: "component_verify_ticket",
        ComponentVerifyTicket: "ticket@@@TestTicket_0001-AbCdEfGhIjKlMnOpQrStUvWxYz",
      }),
    ).toBe(V1.inputs.plaintext);
  });

  it("reproduces the V5 passive reply plaintext", () => {
    expect(
      buildWechatXml({
        ToUserName: "ozy4qt5QUADNXORxCVipKMV9dss0",
        FromUserName: "gh_3c884a361561",
        CreateTime: 1700002401,
        MsgType: "text",
        Content: "TESTCOMPONENT_MSG_TYPE_TEXT_callback",
      }),
    ).toBe(V5.reply?.inputs.plaintext);
  });

  it("round-trips the component-event plaintexts (V1–V4) through parseWechatXml", () => {
    for (const v of vectors.filter((candidate) => /^V[1-4]_/.test(candidate.id))) {
      const fields = parseWechatXml(v.inputs.plaintext) as Record<string, string>;
      const typed = Object.fromEntries(
        Object.entries(fields).map(([name, value]) => [name, /Time$/.test(name) ? Number(value) : value]),
      );
      expect(buildWechatXml(typed)).toBe(v.inputs.plaintext);
    }
  });

  it("splits ]]> across CDATA sections", () => {
    const xml = buildWechatXml({ Content: "a]]>b]]>" });
    expect(xml).toBe("<xml><Content><![CDATA[a]]]]><![CDATA[>b]]]]><![CDATA[>]]></Content></xml>");
    expect(parseWechatXml(xml)).toEqual({ Content: "a]]>b]]>" });
  });

  it("rejects invalid element names and non-finite numbers", () => {
    expect(() => buildWechatXml({ "a b": "x" })).toThrow(TypeError);
    expect(() => buildWechatXml({ "<x>": "x" })).toThrow(TypeError);
    expect(() => buildWechatXml({ A: Number.NaN })).toThrow(TypeError);
  });
});

describe("parseEncryptedEnvelope", () => {
  it("reads the component push body (AppId)", () => {
    expect(parseEncryptedEnvelope(V1.outputs.requestBody)).toEqual({
      appId: V1.inputs.appid,
      encrypt: V1.outputs.encrypt,
    });
  });

  it("reads the message push body (ToUserName)", () => {
    expect(parseEncryptedEnvelope(V5.outputs.requestBody)).toEqual({
      toUserName: "gh_3c884a361561",
      encrypt: V5.outputs.encrypt,
    });
  });

  it("tolerates newlines and element order", () => {
    const body = `<xml>\r\n<Encrypt><![CDATA[${V1.outputs.encrypt}]]></Encrypt>\r\n<AppId><![CDATA[${V1.inputs.appid}]]></AppId>\r\n</xml>`;
    expect(parseEncryptedEnvelope(body)).toEqual({ appId: V1.inputs.appid, encrypt: V1.outputs.encrypt });
  });

  it.each([
    ["missing Encrypt", "<xml><AppId><![CDATA[wx5f3c8b1a2d4e6f70]]></AppId></xml>"],
    ["empty Encrypt", "<xml><AppId>x</AppId><Encrypt><![CDATA[]]></Encrypt></xml>"],
    ["repeated Encrypt", "<xml><Encrypt>a</Encrypt><Encrypt>b</Encrypt></xml>"],
    ["nested Encrypt", "<xml><Encrypt><A>b</A></Encrypt></xml>"],
    ["nested AppId", "<xml><AppId><A>b</A></AppId><Encrypt>x</Encrypt></xml>"],
  ])("rejects %s", (_, body) => {
    expectXmlError(() => parseEncryptedEnvelope(body), "not_wechat_xml");
  });

  it("applies the parser's safety checks", () => {
    expectXmlError(
      () => parseEncryptedEnvelope(`<!DOCTYPE x [<!ENTITY e "x">]>${V1.outputs.requestBody}`),
      "forbidden_markup",
    );
    expectXmlError(() => parseEncryptedEnvelope(V1.outputs.requestBody, { maxBytes: 200 }), "too_large");
    expectXmlError(() => parseEncryptedEnvelope(V1.outputs.requestBody.slice(0, -6)), "malformed");
  });
});
