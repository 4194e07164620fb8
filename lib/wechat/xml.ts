import { XMLParser, XMLValidator } from "fast-xml-parser";
import { CodedError } from "./errors";

export type WechatXmlErrorCode = "too_large" | "forbidden_markup" | "malformed" | "not_wechat_xml";

const ERROR_MESSAGES: Record<WechatXmlErrorCode, string> = {
  too_large: "XML exceeds the size or nesting limit",
  forbidden_markup: "XML contains a DOCTYPE, entity or other declaration",
  malformed: "XML is malformed",
  not_wechat_xml: "XML is not a WeChat <xml> document of the expected shape",
};

export class WechatXmlError extends CodedError<WechatXmlErrorCode> {
  constructor(code: WechatXmlErrorCode) {
    super("WechatXmlError", code, ERROR_MESSAGES);
  }
}

export interface WechatXmlOptions {
  /** UTF-8 byte limit of the whole document. Defaults to 64 KiB. */
  maxBytes?: number;
  /** Element nesting limit, counting the root `<xml>` as 1. Defaults to 8. */
  maxDepth?: number;
}

const DEFAULT_MAX_BYTES = 64 * 1024;
const DEFAULT_MAX_DEPTH = 8;

// Security: entity expansion is off and declarations are rejected before parsing (see scanMarkup), so neither
// XXE nor billion-laughs input reaches the parser. Values stay strings: "0001" must not become 1.
const PARSER_OPTIONS = {
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  trimValues: true,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  cdataPropName: false,
  commentPropName: false,
} as const;

// The library's default nesting limit (100) stays as a backstop; scanMarkup enforces the real one first.
const parser = new XMLParser(PARSER_OPTIONS);

function utf8ByteLengthExceeds(text: string, maxBytes: number): boolean {
  if (text.length > maxBytes) return true;
  if (text.length * 3 <= maxBytes) return false;
  return Buffer.byteLength(text, "utf8") > maxBytes;
}

/** Index of the `>` closing a tag that starts at `from`, skipping quoted attribute values; -1 if unterminated. */
function tagEnd(text: string, from: number): number {
  let quote = 0;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === 0x22 || c === 0x27) {
      quote = c;
    } else if (c === 0x3e) {
      return i;
    }
  }
  return -1;
}

/**
 * One pass over the markup that rejects every `<!…>` declaration outside CDATA (DOCTYPE, ENTITY, ELEMENT, …) and
 * nesting deeper than `maxDepth`. Text inside CDATA is left alone, so a user message that merely mentions
 * `<!DOCTYPE` is still accepted.
 */
function scanMarkup(text: string, maxDepth: number): void {
  let depth = 0;
  let i = text.indexOf("<");
  while (i !== -1) {
    const next = text.charCodeAt(i + 1);
    let end: number;
    if (next === 0x21 /* ! */) {
      if (text.startsWith("<![CDATA[", i)) {
        end = text.indexOf("]]>", i + 9);
        if (end !== -1) end += 2;
      } else if (text.startsWith("<!--", i)) {
        end = text.indexOf("-->", i + 4);
        if (end !== -1) end += 2;
      } else {
        throw new WechatXmlError("forbidden_markup");
      }
    } else if (next === 0x3f /* ? */) {
      end = text.indexOf("?>", i + 2);
      if (end !== -1) end += 1;
    } else {
      end = tagEnd(text, i + 1);
      if (end === -1) throw new WechatXmlError("malformed");
      if (next === 0x2f /* / */) {
        depth--;
      } else if (text.charCodeAt(end - 1) !== 0x2f && ++depth > maxDepth) {
        throw new WechatXmlError("too_large");
      }
    }
    if (end === -1) throw new WechatXmlError("malformed");
    i = text.indexOf("<", end + 1);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Parses a WeChat XML document and returns the children of its root `<xml>` element: strings for leaf elements,
 * objects for nested ones, arrays for repeated ones. CDATA is merged into text; entities are not expanded.
 */
export function parseWechatXml(text: string, opts: WechatXmlOptions = {}): Record<string, unknown> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxDepth = opts.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (typeof text !== "string") throw new WechatXmlError("malformed");
  if (utf8ByteLengthExceeds(text, maxBytes)) throw new WechatXmlError("too_large");
  scanMarkup(text, maxDepth);
  // The parser alone accepts unclosed and mismatched tags, so validate first.
  if (XMLValidator.validate(text) !== true) throw new WechatXmlError("malformed");

  let document: unknown;
  try {
    document = parser.parse(text);
  } catch {
    throw new WechatXmlError("malformed");
  }
  if (!isRecord(document)) throw new WechatXmlError("malformed");
  const rootNames = Object.keys(document);
  if (rootNames.length !== 1 || rootNames[0] !== "xml") throw new WechatXmlError("not_wechat_xml");

  const root = document.xml;
  if (root === "") return {};
  if (!isRecord(root)) throw new WechatXmlError("not_wechat_xml");
  return root;
}

const ELEMENT_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Fields of a WeChat XML document: leaves are strings or numbers; a nested element (e.g. `<info>`) is an object. */
export interface WechatXmlFields {
  [name: string]: string | number | WechatXmlFields;
}

/**
 * Serialises fields in insertion order the way WeChat does: strings in CDATA (a `]]>` inside is split across two
 * CDATA sections), numbers bare, objects as nested elements (the fast-registration push's `<info>`).
 */
export function buildWechatXml(fields: WechatXmlFields): string {
  return `<xml>${buildElements(fields)}</xml>`;
}

function buildElements(fields: WechatXmlFields): string {
  let xml = "";
  for (const [name, value] of Object.entries(fields)) {
    if (!ELEMENT_NAME.test(name)) throw new TypeError(`invalid XML element name: ${name}`);
    if (typeof value === "number") {
      if (!Number.isFinite(value)) throw new TypeError(`non-finite number for <${name}>`);
      xml += `<${name}>${value}</${name}>`;
    } else if (typeof value === "string") {
      xml += `<${name}><![CDATA[${value.replaceAll("]]>", "]]]]><![CDATA[>")}]]></${name}>`;
    } else {
      xml += `<${name}>${buildElements(value)}</${name}>`;
    }
  }
  return xml;
}

export interface EncryptedEnvelope {
  encrypt: string;
  /** Present on authorization-event pushes: the component appid. */
  appId?: string;
  /** Present on message pushes: the authorizer's original id (`gh_…`). */
  toUserName?: string;
}

/** Outer body of an encrypted push (docs/wechat-protocol.md §1.1 and §7.4): `<xml><AppId|ToUserName>…</…><Encrypt>…</Encrypt></xml>`. */
export function parseEncryptedEnvelope(text: string, opts?: WechatXmlOptions): EncryptedEnvelope {
  const fields = parseWechatXml(text, opts);
  const { Encrypt: encrypt, AppId: appId, ToUserName: toUserName } = fields;
  if (typeof encrypt !== "string" || encrypt.length === 0) throw new WechatXmlError("not_wechat_xml");
  if (appId !== undefined && typeof appId !== "string") throw new WechatXmlError("not_wechat_xml");
  if (toUserName !== undefined && typeof toUserName !== "string") throw new WechatXmlError("not_wechat_xml");
  const envelope: EncryptedEnvelope = { encrypt };
  if (appId !== undefined) envelope.appId = appId;
  if (toUserName !== undefined) envelope.toUserName = toUserName;
  return envelope;
}
