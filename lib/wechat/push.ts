import { randomInt } from "node:crypto";
import type { MessageCrypto } from "./crypto";
import { buildWechatXml, type WechatXmlFields } from "./xml";

export interface SealedPush {
  /** `signature`, `timestamp`, `nonce`, `encrypt_type`, `msg_signature`, as WeChat puts them on the URL. */
  query: URLSearchParams;
  body: string;
}

/**
 * Builds a push the way WeChat sends one (docs/wechat-protocol.md §1.1): the plaintext fields as XML, encrypted and signed,
 * inside `<xml><AppId|ToUserName/><Encrypt/></xml>`. Used by the sandbox, the tests and the benchmarks.
 */
export function sealPush(
  crypto: MessageCrypto,
  fields: WechatXmlFields,
  envelope: { AppId: string } | { ToUserName: string },
  options: { timestamp?: number; nonce?: string; extraQuery?: Record<string, string> } = {},
): SealedPush {
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = options.nonce ?? String(randomInt(1_000_000_000));
  const encrypt = crypto.encrypt(buildWechatXml(fields));
  const query = new URLSearchParams({
    signature: crypto.sign(timestamp, nonce, ""),
    timestamp,
    nonce,
    ...options.extraQuery,
    encrypt_type: "aes",
    msg_signature: crypto.sign(timestamp, nonce, encrypt),
  });
  return { query, body: buildWechatXml({ ...envelope, Encrypt: encrypt }) };
}
