import { createCipheriv, createHash } from "node:crypto";
import { MAX_PUSH_BYTES } from "@/lib/events/open-push";
import { createMessageCrypto, decodeEncodingAesKey, type MessageCrypto } from "@/lib/wechat/crypto";
import { sealPush } from "@/lib/wechat/push";
import { buildWechatXml } from "@/lib/wechat/xml";
import type { CaseSpec } from "./cases";
import type { WireRequest } from "./wire";

/** The portal's secrets and the accounts seeded before the server started: what a sender would know. */
export interface FuzzContext {
  component: { appId: string; token: string; encodingAesKey: string };
  /** The authorized account that valid authorizer pushes are addressed to. */
  authorizer: { appId: string; userName: string };
  /** Session cookie of a signed-in merchant. */
  merchantCookie: string;
  /** Authorization states seeded for the merchant (expired, used) and for another merchant. */
  states: { expired: string; used: string; foreign: string };
  /** Distinguishes this run's valid pushes (tickets and MsgIds are unique per run). */
  runId: string;
}

export interface Expectation {
  /** Allowed statuses; "4xx" = any client error (the authorizer route's exact codes are its own business). */
  statuses: number[] | "4xx";
  /** A valid push: 200 with exactly one of these bodies. */
  bodies?: string[];
  /** A callback: the redirect's path and query must match. */
  location?: RegExp;
  /** The server may drop the connection instead of answering (it refused the rest of an upload). */
  mayClose?: boolean;
  /** Answered by Next itself (its 404 page): the body is not a handler's reason. */
  frameworkBody?: boolean;
}

export interface MaterializedCase {
  requests: WireRequest[];
  /** Send all requests at once (a retry racing the original) instead of one after another. */
  concurrent: boolean;
  expect: Expectation;
  /** Rows this case adds to wechat_events when the portal is right: 1 for a valid push however often it is sent. */
  rows: number;
}

const COMPONENT_PATH = "/api/wechat/component/events";
const CALLBACK_PATH = "/api/wechat/authorize/callback";
/** The two push receivers: the component's, and every authorizer's message URL. */
type PushTarget = "component" | "authorizer";
/** Builds the `index`th case of one push family from `spec`, for `target`'s receiver at `path`. */
type PushCaseBuilder = (target: PushTarget, spec: CaseSpec, index: number, path: string) => MaterializedCase;

const PUSH_OK: Record<PushTarget, string[]> = {
  component: ["success"],
  // docs/wechat-protocol.md §2.6: "no reply" is `success` or an empty body.
  authorizer: ["success", ""],
};

export function createMaterializer(ctx: FuzzContext) {
  const crypto = createMessageCrypto(ctx.component);
  const otherAppCrypto = createMessageCrypto({ ...ctx.component, appId: "wx0000000000000000" });
  const otherKeyCrypto = createMessageCrypto({ ...ctx.component, encodingAesKey: "B".repeat(43) });
  const otherTokenCrypto = createMessageCrypto({ ...ctx.component, token: "NotOurToken" });
  const aesKey = decodeEncodingAesKey(ctx.component.encodingAesKey);

  const now = () => Math.floor(Date.now() / 1000);

  function pushPath(target: PushTarget, appId = ctx.authorizer.appId): string {
    return target === "component" ? COMPONENT_PATH : `/api/wechat/authorizers/${appId}/events`;
  }

  function envelope(target: PushTarget): { AppId: string } | { ToUserName: string } {
    return target === "component" ? { AppId: ctx.component.appId } : { ToUserName: ctx.authorizer.userName };
  }

  function extraQuery(target: PushTarget): Record<string, string> {
    return target === "authorizer" ? { openid: "oFuzzOpenId000000000000000000" } : {};
  }

  /** Plaintext fields of a push: valid ones carry FUZZ-VALID, the ones that must be refused FUZZ-BAD. */
  function fields(target: PushTarget, index: number, valid: boolean, spec?: CaseSpec): Record<string, string | number> {
    const marker = `FUZZ-${valid ? "VALID" : "BAD"}-${ctx.runId}-${index}`;
    if (target === "component") {
      if (spec?.flag)
        return { AppId: ctx.component.appId, CreateTime: now(), InfoType: "fuzz_unknown_info", Marker: marker };
      return {
        AppId: ctx.component.appId,
        CreateTime: now(),
        InfoType: "component_verify_ticket",
        ComponentVerifyTicket: `ticket@@@${marker}`,
      };
    }
    return {
      ToUserName: ctx.authorizer.userName,
      FromUserName: "oFuzzOpenId000000000000000000",
      CreateTime: now(),
      MsgType: "text",
      Content: marker,
      MsgId: msgId(index),
    };
  }

  // 64-bit-looking MsgIds, unique per run and case, so retries dedupe and runs never collide.
  function msgId(index: number): string {
    const base = BigInt(`0x${createHash("sha256").update(ctx.runId).digest("hex").slice(0, 12)}`);
    return (base * 1_000_000n + BigInt(index)).toString();
  }

  function post(
    path: string,
    query: URLSearchParams | string,
    body: Buffer | string,
    spec: CaseSpec,
    extra: Partial<WireRequest> = {},
  ): WireRequest {
    const headers: Record<string, string> = {};
    if (spec.contentType !== null) headers["content-type"] = spec.contentType;
    return {
      method: "POST",
      path: `${path}?${query}`,
      headers,
      body: Buffer.isBuffer(body) ? body : Buffer.from(body, "utf8"),
      ...extra,
    };
  }

  /**
   * A body whose Encrypt is `encrypt`, with a correct msg_signature over it: it gets past the signature check.
   * Signed as WeChat signs, over the value the receiver reads out of the XML, which every conforming parser hands
   * over with its line ends normalised (XML 1.0 §2.11: CR LF and a lone CR become LF); the body keeps the raw bytes.
   * Signing the raw text made the portal's correct answer to a raw CR in the value a 401, not the expected 400.
   */
  function signedOver(
    target: PushTarget,
    encrypt: string,
    timestamp = now(),
  ): { query: URLSearchParams; body: string } {
    const nonce = String(timestamp % 1_000_000_007);
    const query = new URLSearchParams({
      signature: crypto.sign(String(timestamp), nonce, ""),
      timestamp: String(timestamp),
      nonce,
      ...extraQuery(target),
      encrypt_type: "aes",
      msg_signature: crypto.sign(String(timestamp), nonce, encrypt.replace(/\r\n?/g, "\n")),
    });
    return { query, body: buildWechatXml({ ...envelope(target), Encrypt: encrypt }) };
  }

  /** AES-256-CBC over exactly these bytes (a multiple of 16), no padding added: for hand-made plaintext layouts. */
  function aesRaw(plain: Buffer): string {
    const cipher = createCipheriv("aes-256-cbc", aesKey, aesKey.subarray(0, 16)).setAutoPadding(false);
    return Buffer.concat([cipher.update(plain), cipher.final()]).toString("base64");
  }

  /** WeChat's plaintext layout: 16 bytes (random in WeChat's, 'a's here), the message length (4 bytes, big-endian), the message, the appid. */
  function fullStr(message: string | Buffer, msgLength?: number, appId = ctx.component.appId): Buffer {
    const msg = Buffer.isBuffer(message) ? message : Buffer.from(message, "utf8");
    const header = Buffer.alloc(20, 0x61);
    header.writeUInt32BE(msgLength ?? msg.length, 16);
    return Buffer.concat([header, msg, Buffer.from(appId, "utf8")]);
  }

  function pkcs7(content: Buffer): Buffer {
    const n = 32 - (content.length % 32);
    return Buffer.concat([content, Buffer.alloc(n, n)]);
  }

  function sealed(
    target: PushTarget,
    index: number,
    spec: CaseSpec,
    options: {
      timestamp?: number;
      nonce?: string;
      crypto?: MessageCrypto;
      valid?: boolean;
      fields?: Record<string, string | number>;
    } = {},
  ) {
    return sealPush(
      options.crypto ?? crypto,
      options.fields ?? fields(target, index, options.valid ?? false, spec),
      envelope(target),
      {
        timestamp: options.timestamp,
        nonce: options.nonce,
        extraQuery: extraQuery(target),
      },
    );
  }

  /** The status the component route gives (its handler is known); the authorizer route only owes a 4xx. */
  function rejected(target: PushTarget, componentStatuses: number[], extra: Partial<Expectation> = {}): Expectation {
    return { statuses: target === "component" ? componentStatuses : "4xx", ...extra };
  }

  function validCase(target: PushTarget, requests: WireRequest[], concurrent = false): MaterializedCase {
    return { requests, concurrent, expect: { statuses: [200], bodies: PUSH_OK[target] }, rows: 1 };
  }

  function badCase(requests: WireRequest[], expect: Expectation): MaterializedCase {
    // Whatever the family: a body over the limit is refused for its size first.
    const oversize = requests.some((r) => (r.body?.length ?? 0) > MAX_PUSH_BYTES);
    const statuses = oversize && expect.statuses !== "4xx" ? [413] : expect.statuses;
    return { requests, concurrent: false, expect: { ...expect, statuses }, rows: 0 };
  }

  /** The push families built by a function of their own; `push` builds the others itself. */
  const PUSH_BUILDERS: Record<string, PushCaseBuilder> = {
    valid: validPush,
    signature: badSignature,
    encrypt: badEncrypt,
    xml: hostileXml,
    oversized,
    query: hostileQuery,
  };

  function push(spec: CaseSpec, index: number): MaterializedCase {
    const target = spec.target as PushTarget;
    const path = pushPath(target);
    const build = PUSH_BUILDERS[spec.family];
    if (build) return build(target, spec, index, path);
    switch (spec.family) {
      case "replay": {
        const p = sealed(target, index, spec, { valid: true });
        const request = post(path, p.query, p.body, spec);
        return validCase(
          target,
          Array.from({ length: spec.a }, () => request),
          spec.variant === "concurrent",
        );
      }
      case "timestamp": {
        if (spec.variant === "malformed") {
          const p = sealed(target, index, spec);
          const junk = ["", "-1", "1e9", "abc", "9".repeat(13), ` ${now()}`, "0x10", String(now()) + ".5", "１２３"][
            spec.b % 9
          ]!;
          p.query.set("timestamp", junk);
          return badCase([post(path, p.query, p.body, spec)], rejected(target, [400]));
        }
        // Outside the ±600 s window by at least 100 s, so clock drift between us and the server cannot matter.
        const offset = spec.variant === "past" ? -spec.a : spec.a;
        const p = sealed(target, index, spec, { timestamp: Math.max(0, now() + offset) });
        return badCase([post(path, p.query, p.body, spec)], rejected(target, [403]));
      }
      case "bytes": {
        const p = sealed(target, index, spec);
        const body =
          spec.variant === "random"
            ? Buffer.from(spec.bytes)
            : spec.variant === "text"
              ? Buffer.from(spec.text, "utf8")
              : spec.variant === "invalid_utf8"
                ? Buffer.concat([
                    Buffer.from(p.body.slice(0, p.body.length / 2)),
                    Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xe2, 0x82]),
                    Buffer.from(spec.bytes),
                    Buffer.from(p.body.slice(p.body.length / 2)),
                  ])
                : spec.variant === "nul"
                  ? Buffer.from(p.body.replace("<Encrypt>", "<Encrypt>\u0000"), "utf8")
                  : Buffer.alloc(0);
        return badCase([post(path, p.query, body, spec)], rejected(target, [400, 401]));
      }
      case "truncated": {
        const p = sealed(target, index, spec);
        const bytes = Buffer.from(p.body, "utf8");
        const cut = spec.a % bytes.length;
        if (spec.variant === "cut")
          return badCase([post(path, p.query, bytes.subarray(0, cut), spec)], rejected(target, [400]));
        const head = `POST ${path}?${p.query} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nContent-Length: ${bytes.length}\r\n\r\n`;
        return badCase(
          [{ method: "POST", path, headers: {}, raw: Buffer.concat([Buffer.from(head), bytes.subarray(0, cut)]) }],
          rejected(target, [400], { mayClose: true }),
        );
      }
      case "method": {
        const p = sealed(target, index, spec);
        const withBody = !["GET", "HEAD", "OPTIONS"].includes(spec.variant);
        const request: WireRequest = {
          method: spec.variant,
          path: `${path}?${p.query}`,
          headers: {},
          body: withBody ? Buffer.from(p.body) : undefined,
        };
        // The component route's GET is WeChat's URL check (no echostr here: 400); OPTIONS is Next's automatic answer.
        const statuses =
          spec.variant === "OPTIONS"
            ? [204, 405]
            : target === "component" && ["GET", "HEAD"].includes(spec.variant)
              ? [400]
              : [405];
        return badCase(
          [request],
          target === "component" ? { statuses } : { statuses: spec.variant === "OPTIONS" ? [204, 405] : "4xx" },
        );
      }
      case "raw":
        return badCase([rawRequest(spec, path)], { statuses: "4xx", mayClose: true });
      case "path": {
        // Never a valid push: a wrong signature too, so whether the route knows the appid cannot change the answer.
        const p = sealed(target, index, spec);
        p.query.set("msg_signature", "0".repeat(40));
        const appId =
          spec.variant === "unknown_appid"
            ? `wx${createHash("md5").update(String(spec.a)).digest("hex").slice(0, 16)}`
            : spec.variant === "junk_appid"
              ? encodeURIComponent(spec.text) || "%20"
              : spec.variant === "long_appid"
                ? "wx".padEnd(2000 + (spec.a % 6000), "a")
                : spec.variant === "dot_segments"
                  ? "..%2F..%2Fcomponent"
                  : spec.variant === "encoded_slash"
                    ? `${ctx.authorizer.appId}%2Fevents`
                    : encodeURIComponent(`微信${spec.text}`);
        return badCase([post(pushPath(target, appId), p.query, p.body, spec)], {
          statuses: "4xx",
          frameworkBody: true,
        });
      }
      default:
        throw new Error(`unknown push family ${spec.family}`);
    }
  }

  function validPush(target: PushTarget, spec: CaseSpec, index: number, path: string): MaterializedCase {
    switch (spec.variant) {
      case "whitespace": {
        // Real pushes put newlines between elements (docs/wechat-protocol.md §1.3).
        const p = sealed(target, index, spec, { valid: true });
        return validCase(target, [post(path, p.query, p.body.replaceAll("><", ">\r\n  <"), spec)]);
      }
      case "to_limit": {
        // Exactly MAX_PUSH_BYTES: the largest body that must still be accepted.
        const p = sealed(target, index, spec, { valid: true });
        const pad = MAX_PUSH_BYTES - Buffer.byteLength(p.body);
        return validCase(target, [post(path, p.query, p.body.replace("<xml>", `<xml>${" ".repeat(pad)}`), spec)]);
      }
      case "skewed": {
        const p = sealed(target, index, spec, { valid: true, timestamp: now() + ((spec.a % 1000) - 500) });
        return validCase(target, [post(path, p.query, p.body, spec)]);
      }
      case "unicode_nonce": {
        // Signed over the decoded nonce, as the receiver sees it; nonces are opaque strings.
        const p = sealed(target, index, spec, { valid: true, nonce: `随机${spec.a % 1000}é` });
        return validCase(target, [post(path, p.query, p.body, spec)]);
      }
      case "long_query": {
        // Parameters we don't know are ignored: up to ~12 KB of them, under Node's 16 KB header limit.
        const p = sealed(target, index, spec, { valid: true });
        const junk = new URLSearchParams();
        for (let i = 0; i < 100 + (spec.a % 300); i++) junk.append(`x${i}`, "y".repeat(spec.b % 30));
        return validCase(target, [post(path, `${p.query}&${junk}`, p.body, spec)]);
      }
      case "extra_fields": {
        const extra = { ...fields(target, index, true, spec), Unknown: "<![CDATA[x]]>", Nested: "]]>" };
        const p = sealed(target, index, spec, { fields: extra });
        return validCase(target, [post(path, p.query, p.body, spec)]);
      }
      default: {
        const p = sealed(target, index, spec, { valid: true });
        return validCase(target, [post(path, p.query, p.body, spec)]);
      }
    }
  }

  function badSignature(target: PushTarget, spec: CaseSpec, index: number, path: string): MaterializedCase {
    const p = sealed(target, index, spec);
    const q = p.query;
    let statuses = [401];
    switch (spec.variant) {
      case "random_hex":
        q.set("msg_signature", createHash("sha1").update(String(spec.a)).digest("hex"));
        break;
      case "other_encrypt":
        q.set("msg_signature", sealed(target, index + 1, spec).query.get("msg_signature")!);
        break;
      case "missing":
        q.delete("msg_signature");
        statuses = [400];
        break;
      case "short":
        q.set("msg_signature", q.get("msg_signature")!.slice(0, spec.a % 40));
        statuses = [400];
        break;
      case "non_hex":
        q.set("msg_signature", `${q.get("msg_signature")!.slice(0, 39)}g`);
        statuses = [400];
        break;
      case "wrong_token": {
        const other = sealed(target, index, spec, { crypto: otherTokenCrypto });
        return badCase([post(path, other.query, other.body, spec)], rejected(target, [401]));
      }
      case "url_signature_only":
        // Only the URL `signature` (valid): it does not cover Encrypt and must not be accepted instead (docs/wechat-protocol.md §2.5).
        q.delete("msg_signature");
        statuses = [400];
        break;
      case "empty":
        q.set("msg_signature", "");
        statuses = [400];
        break;
      default: {
        const sig = q.get("msg_signature")!;
        const at = spec.a % 40;
        const flipped = (parseInt(sig[at]!, 16) ^ (1 << (spec.b % 4))).toString(16);
        q.set("msg_signature", sig.slice(0, at) + flipped + sig.slice(at + 1));
      }
    }
    return badCase([post(path, q, p.body, spec)], rejected(target, statuses));
  }

  function badEncrypt(target: PushTarget, spec: CaseSpec, index: number, path: string): MaterializedCase {
    const inner = buildWechatXml(fields(target, index, false, spec));
    let encrypt: string;
    let statuses = [400];
    switch (spec.variant) {
      case "not_base64":
        // Any bytes, a raw CR included: signed as the receiver reads it (signedOver), still refused as not base64.
        encrypt = `${crypto.encrypt(inner).slice(0, 20)}!*$%${Buffer.from(spec.bytes).toString("latin1")}`;
        break;
      case "bad_b64_padding": {
        const good = crypto.encrypt(inner);
        encrypt = good.endsWith("=") ? good.replace(/=+$/, "") : `${good}=`;
        break;
      }
      case "wrong_block": {
        let bytes = Buffer.concat([Buffer.from(spec.bytes), Buffer.from([1])]);
        if (bytes.length % 16 === 0) bytes = bytes.subarray(1);
        encrypt = bytes.toString("base64");
        break;
      }
      case "bad_pkcs7": {
        const padded = pkcs7(fullStr(inner));
        const n = padded[padded.length - 1]!;
        // A run of pad bytes with one of them wrong (or a 0 pad byte if the pad is a single byte).
        if (n >= 2) padded[padded.length - 2] = (n + 1) % 256;
        else padded[padded.length - 1] = 0;
        encrypt = aesRaw(padded);
        break;
      }
      case "pad_zero": {
        const content = fullStr(inner);
        encrypt = aesRaw(Buffer.concat([content, Buffer.alloc(32 - (content.length % 32), 0)]));
        break;
      }
      case "pad_too_big": {
        const padded = pkcs7(fullStr(inner));
        padded[padded.length - 1] = 33 + (spec.a % 223);
        encrypt = aesRaw(padded);
        break;
      }
      case "length_past_end":
        encrypt = aesRaw(
          pkcs7(fullStr(inner, Buffer.byteLength(inner) + ctx.component.appId.length + 1 + (spec.a % 1_000_000_000))),
        );
        break;
      case "length_short":
        // The appid tail then starts inside the message: not our appid.
        encrypt = aesRaw(pkcs7(fullStr(inner, Math.max(0, Buffer.byteLength(inner) - 1 - (spec.a % 100)))));
        statuses = [403];
        break;
      case "wrong_appid":
        encrypt = otherAppCrypto.encrypt(inner);
        statuses = [403];
        break;
      case "wrong_key":
        // Another key decrypts to noise: its pad byte is almost surely invalid; if not, the tail is not our appid.
        encrypt = otherKeyCrypto.encrypt(inner);
        statuses = [400, 403];
        break;
      case "empty":
        encrypt = "";
        break;
      case "non_xml_inner":
        encrypt = crypto.encrypt(`not xml ${Buffer.from(spec.bytes).toString("hex")} FUZZ-BAD`);
        break;
      case "doctype_inner":
        encrypt = crypto.encrypt(
          `<!DOCTYPE xml [<!ENTITY a "FUZZ-BAD">]>${inner.replace("</xml>", "<X>&a;</X></xml>")}`,
        );
        break;
      case "deep_inner":
        encrypt = crypto.encrypt(
          inner.replace("</xml>", `${"<d>".repeat(9 + (spec.a % 200))}${"</d>".repeat(9 + (spec.a % 200))}</xml>`),
        );
        statuses = [413];
        break;
      case "invalid_utf8_inner": {
        const msg = Buffer.concat([
          Buffer.from(inner.slice(0, 20)),
          Buffer.from([0xc3, 0x28, 0xff]),
          Buffer.from(inner.slice(20)),
        ]);
        encrypt = aesRaw(pkcs7(fullStr(msg)));
        break;
      }
      case "missing_fields": {
        const f = fields(target, index, false, spec);
        delete f[target === "component" ? "ComponentVerifyTicket" : "MsgType"];
        if (target === "component") f.InfoType = "component_verify_ticket";
        encrypt = crypto.encrypt(buildWechatXml(f));
        break;
      }
      case "other_platform": {
        const f = fields(target, index, false, spec);
        // The component route checks the inner AppId; for the authorizer route this is another incomplete message.
        if (target === "component") {
          f.AppId = "wx0000000000000000";
          statuses = [403];
        } else {
          delete f.FromUserName;
        }
        encrypt = crypto.encrypt(buildWechatXml(f));
        break;
      }
      default: {
        const bytes = Buffer.from(spec.bytes);
        encrypt = bytes.length === 0 ? "AAAA" : bytes.toString("base64");
      }
    }
    const p = signedOver(target, encrypt);
    return badCase([post(path, p.query, p.body, spec)], rejected(target, statuses));
  }

  function hostileXml(target: PushTarget, spec: CaseSpec, index: number, path: string): MaterializedCase {
    // Comments and attributes are legal XML: a correctly signed push inside them is still a valid push.
    const legal = spec.variant === "attributes" || spec.variant === "comment_flood";
    const good = sealed(target, index, spec, { valid: legal });
    const encrypt = good.body.match(/<Encrypt><!\[CDATA\[([^\]]*)\]\]><\/Encrypt>/)![1]!;
    const head =
      target === "component"
        ? `<AppId>${ctx.component.appId}</AppId>`
        : `<ToUserName>${ctx.authorizer.userName}</ToUserName>`;
    const n = spec.a;
    let body: string;
    let statuses = [400];
    switch (spec.variant) {
      case "doctype":
        body = `<?xml version="1.0"?><!DOCTYPE xml><xml>${head}<Encrypt>${encrypt}</Encrypt></xml>`;
        break;
      case "billion_laughs": {
        const levels = ['<!ENTITY lol "lol">'];
        for (let i = 1; i <= 9; i++) levels.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? "" : i - 1};`.repeat(10)}">`);
        body = `<?xml version="1.0"?><!DOCTYPE xml [${levels.join("")}]><xml>${head}<Encrypt>&lol9;</Encrypt></xml>`;
        break;
      }
      case "external_entity":
        body = `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml>${head}<Encrypt>&xxe;</Encrypt></xml>`;
        break;
      case "parameter_entity":
        body = `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY % remote SYSTEM "http://127.0.0.1:1/x.dtd">%remote;]><xml>${head}<Encrypt>${encrypt}</Encrypt></xml>`;
        break;
      case "bare_entity_ref":
        // No declaration: the reference stays literal text (entities are never expanded), then the signature fails.
        body = `<xml>${head}<Encrypt>&xxe;${encrypt}&amp;&#x41;</Encrypt></xml>`;
        statuses = [400, 401];
        break;
      case "deep_nesting": {
        const depth = 9 + (n % 9000);
        body = `<xml>${"<a>".repeat(depth)}${"</a>".repeat(depth)}${head}<Encrypt>${encrypt}</Encrypt></xml>`;
        statuses = [413];
        break;
      }
      case "deep_unclosed":
        body = `<xml>${"<a>".repeat(9 + (n % 20000))}`;
        statuses = [413];
        break;
      case "attributes": {
        const count = 1 + (n % 6000);
        body = `<xml ${Array.from({ length: count }, (_, i) => `a${i}="${i}"`).join(" ")}>${head}<Encrypt>${encrypt}</Encrypt></xml>`;
        break;
      }
      case "duplicate_attributes":
        body = `<xml ${Array.from({ length: 2 + (n % 3000) }, () => `a="1"`).join(" ")}>${head}<Encrypt>${encrypt}</Encrypt></xml>`;
        statuses = [400, 401];
        break;
      case "unclosed":
        body = `<xml>${head}<Encrypt>${encrypt}</Encrypt>`;
        break;
      case "two_roots":
        body = `<xml>${head}<Encrypt>${encrypt}</Encrypt></xml><xml><Encrypt>x</Encrypt></xml>`;
        break;
      case "no_encrypt":
        body = `<xml>${head}</xml>`;
        break;
      case "encrypt_element":
        body = `<xml>${head}<Encrypt><Inner>${encrypt}</Inner></Encrypt></xml>`;
        break;
      case "repeated_encrypt":
        body = `<xml>${head}<Encrypt>${encrypt}</Encrypt><Encrypt>${encrypt}</Encrypt></xml>`;
        break;
      case "unterminated_cdata":
        body = `<xml>${head}<Encrypt><![CDATA[${encrypt}</Encrypt></xml>`;
        break;
      case "pi_only":
        body = `<?xml version="1.0"?><?evil data?>`;
        break;
      case "other_root":
        body = `<root>${head}<Encrypt>${encrypt}</Encrypt></root>`;
        break;
      default:
        body = `<xml>${"<!-- c -->".repeat(1 + (n % 3000))}${head}<Encrypt>${encrypt}</Encrypt></xml>`;
    }
    if (legal && Buffer.byteLength(body) <= MAX_PUSH_BYTES)
      return validCase(target, [post(path, good.query, body, spec)]);
    return badCase([post(path, good.query, body, spec)], rejected(target, statuses));
  }

  function oversized(target: PushTarget, spec: CaseSpec, index: number, path: string): MaterializedCase {
    const p = sealed(target, index, spec);
    if (spec.variant === "just_over") {
      // One byte over the limit, otherwise a push that would be stored: refused, and not stored.
      const pad = MAX_PUSH_BYTES + 1 - Buffer.byteLength(p.body);
      return badCase(
        [post(path, p.query, p.body.replace("<xml>", `<xml>${" ".repeat(pad)}`), spec)],
        rejected(target, [413]),
      );
    }
    const size =
      spec.variant === "over_limit"
        ? MAX_PUSH_BYTES + 1 + (spec.a % (200 * 1024))
        : 1024 * 1024 + (spec.a % (7 * 1024 * 1024));
    const filler = Buffer.alloc(size, 0x41);
    Buffer.from(p.body.slice(0, 30)).copy(filler);
    return badCase(
      [post(path, p.query, filler, spec, { chunked: spec.variant === "chunked_multi_mb" })],
      rejected(target, [413], { mayClose: true }),
    );
  }

  function hostileQuery(target: PushTarget, spec: CaseSpec, index: number, path: string): MaterializedCase {
    const p = sealed(target, index, spec);
    const q = p.query.toString();
    switch (spec.variant) {
      case "over_header_limit":
        // Past Node's 16 KB header limit: refused by the HTTP server (431), the handler never runs.
        return badCase([post(path, `${q}&pad=${"z".repeat(spec.a)}`, p.body, spec)], {
          statuses: [414, 431],
          mayClose: true,
        });
      case "invalid_utf8_raw":
        // Raw 0xFF/0xFE bytes in the request line (invalid UTF-8), where the nonce is.
        return badCase(
          [post(path, q.replace(/nonce=[^&]*/, "nonce=\u00ff\u00fe\u00c3"), p.body, spec)],
          rejected(target, [400, 401]),
        );
      case "invalid_percent":
        return badCase(
          [post(path, q.replace(/msg_signature=[^&]*/, "msg_signature=%FF%FE%C3%28%E2%82"), p.body, spec)],
          rejected(target, [400]),
        );
      case "duplicate_params":
        // The first value is the one read; a junk first value must not be rescued by a valid second one.
        return badCase(
          [post(path, `msg_signature=${"0".repeat(40)}&timestamp=1&${q}`, p.body, spec)],
          rejected(target, [401, 403]),
        );
      case "long_nonce": {
        const nonce = "n".repeat(65 + (spec.a % 4000));
        const s = sealed(target, index, spec, { nonce });
        return badCase([post(path, s.query, s.body, spec)], rejected(target, [400]));
      }
      case "no_query":
        return badCase([{ ...post(path, "", p.body, spec), path }], rejected(target, [400]));
      default: {
        const junk = new URLSearchParams();
        for (const key of ["signature", "timestamp", "nonce", "encrypt_type", "msg_signature", "openid"])
          junk.set(key, spec.text);
        return badCase([post(path, junk, p.body, spec)], rejected(target, [400, 401, 403]));
      }
    }
  }

  function rawRequest(spec: CaseSpec, path: string): WireRequest {
    const lines: Record<string, string> = {
      bad_request_line: `POST\u0000${path} HTTP/9.9\r\n\r\n`,
      space_in_path: `POST ${path}?a=b c HTTP/1.1\r\nHost: x\r\n\r\n`,
      control_chars: `POST ${path}?a=\u0001\u0007 HTTP/1.1\r\nHost: x\r\n\r\n`,
      bad_header: `POST ${path} HTTP/1.1\r\nHost: x\r\nBad Header: \u0000\r\nContent-Length: 1\r\n\r\nx`,
      lf_only: `POST ${path} HTTP/1.1\nHost: x\nContent-Length: 0\n\n`,
      huge_header: `POST ${path} HTTP/1.1\r\nHost: x\r\nX-Big: ${"h".repeat(20_000 + (spec.a % 100_000))}\r\n\r\n`,
    };
    return {
      method: "RAW",
      path,
      headers: {},
      raw: Buffer.from(lines[spec.variant] ?? lines.bad_request_line!, "latin1"),
    };
  }

  function callback(spec: CaseSpec): MaterializedCase {
    const cookie = { cookie: ctx.merchantCookie };
    const reason = (r: string) => new RegExp(`^/authorize/result\\?reason=${r}$`);
    const toLogin = /^\/login\?callbackUrl=/;
    const invalid = reason("invalid_state");
    const anyOutcome = new RegExp(`^(/authorize/result\\?reason=invalid_state|/login\\?callbackUrl=)`);
    const state = (len: number) =>
      createHash("sha512").update(`${spec.a}:${spec.b}`).digest("base64url").repeat(4).slice(0, len);
    const get = (query: string, signedIn: boolean, location: RegExp): MaterializedCase => ({
      requests: [{ method: "GET", path: `${CALLBACK_PATH}?${query}`, headers: signedIn ? cookie : {} }],
      concurrent: false,
      // A browser route: refusals are redirects to a page that says why (or to sign-in), never an error page.
      expect: { statuses: [303, 307], location },
      rows: 0,
    });
    const shapedQuery = (variant: string) => {
      const q = new URLSearchParams();
      if (variant === "no_state") q.set("auth_code", spec.text);
      else if (variant === "short_state") q.set("state", state(spec.a % 16));
      else if (variant === "long_state") q.set("state", state(201) + spec.text);
      else q.set("state", state(16 + (spec.a % 72)));
      if (variant === "huge_auth_code") q.set("auth_code", "c".repeat(1001 + (spec.b % 5000)));
      else if (variant !== "no_auth_code") q.set("auth_code", `queryauthcode@@@${spec.text}`);
      q.set("expires_in", String(spec.b % 7200));
      return q.toString();
    };
    switch (spec.family) {
      case "anonymous": {
        if (spec.variant === "random_query") {
          const q = new URLSearchParams();
          q.append(spec.text.slice(0, 8) || "k", spec.text);
          if (spec.flag) q.append("state", spec.text);
          return get(q.toString(), false, anyOutcome);
        }
        const valid = spec.variant === "shaped";
        return get(shapedQuery(spec.variant), false, valid ? toLogin : invalid);
      }
      case "signed_in":
        return get(shapedQuery(spec.variant === "random_state" ? "shaped" : spec.variant), true, invalid);
      case "seeded_state": {
        const s = ctx.states[spec.variant as keyof FuzzContext["states"]];
        const expected =
          spec.variant === "expired"
            ? reason("expired_state")
            : spec.variant === "used"
              ? reason("used_state")
              : invalid;
        return get(
          new URLSearchParams({ state: s, auth_code: `queryauthcode@@@${spec.text}` }).toString(),
          true,
          expected,
        );
      }
      case "query": {
        const base = shapedQuery("shaped");
        const location = spec.flag ? invalid : anyOutcome;
        switch (spec.variant) {
          case "long":
            return get(`${base}&pad=${"p".repeat(4000 + (spec.a % 8000))}`, spec.flag, location);
          case "over_header_limit":
            return {
              ...get(`${base}&pad=${"p".repeat(spec.a)}`, spec.flag, location),
              expect: { statuses: [414, 431], mayClose: true },
            };
          case "invalid_utf8_raw": {
            // Raw non-UTF-8 bytes in the request line: Next refuses the URL itself (400) or the handler redirects.
            const c = get(`state=${state(20)}\u00ff\u00fe&auth_code=\u00c3\u0028`, spec.flag, location);
            return { ...c, expect: { ...c.expect, statuses: [303, 307, 400] } };
          }
          case "invalid_percent":
            return get(`state=${state(20)}%FF%FE&auth_code=%C3%28%E2%82`, spec.flag, location);
          default:
            return get(`state=short&${base}&state=${state(300)}`, spec.flag, location);
        }
      }
      case "method":
        return {
          requests: [
            {
              method: spec.variant,
              path: `${CALLBACK_PATH}?${shapedQuery("shaped")}`,
              headers: cookie,
              body: spec.variant === "OPTIONS" ? undefined : Buffer.from(spec.text),
            },
          ],
          concurrent: false,
          expect: { statuses: spec.variant === "OPTIONS" ? [204, 405] : [405] },
          rows: 0,
        };
      default:
        return {
          requests: [rawRequest(spec, CALLBACK_PATH)],
          concurrent: false,
          expect: { statuses: "4xx", mayClose: true },
          rows: 0,
        };
    }
  }

  return function materialize(spec: CaseSpec, index: number): MaterializedCase {
    return spec.target === "callback" ? callback(spec) : push(spec, index);
  };
}
