import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createSecretKey,
  randomBytes,
  timingSafeEqual,
  type KeyObject,
} from "node:crypto";
import { CodedError } from "./errors";

export type CryptoErrorCode =
  | "bad_key"
  | "bad_signature"
  | "bad_base64"
  | "bad_ciphertext"
  | "bad_padding"
  | "bad_layout"
  | "wrong_appid"
  | "too_large";

// Fixed messages: errors end up in logs, so they never carry key material, ciphertext or plaintext.
const ERROR_MESSAGES: Record<CryptoErrorCode, string> = {
  bad_key: "EncodingAESKey must be 43 characters of [A-Za-z0-9]",
  bad_signature: "message signature does not match",
  bad_base64: "Encrypt is not valid base64",
  bad_ciphertext: "ciphertext is empty or not a whole number of AES blocks",
  bad_padding: "decrypted message has invalid padding",
  bad_layout: "decrypted message has an invalid layout",
  wrong_appid: "decrypted message is addressed to another appid",
  too_large: "Encrypt exceeds the size limit",
};

export class WechatCryptoError extends CodedError<CryptoErrorCode> {
  constructor(code: CryptoErrorCode) {
    super("WechatCryptoError", code, ERROR_MESSAGES);
  }
}

const ENCODING_AES_KEY = /^[A-Za-z0-9]{43}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const HEX = /^[0-9a-fA-F]+$/;
const DIGITS = /^[0-9]+$/;

const RANDOM_LENGTH = 16;
const HEADER_LENGTH = RANDOM_LENGTH + 4;
/** WeChat pads with PKCS#7 over 32-byte blocks (docs/wechat-protocol.md §2.3), not AES's 16. */
const PAD_BLOCK = 32;
const AES_BLOCK = 16;
const DEFAULT_MAX_ENCRYPTED_LENGTH = 1024 * 1024;

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * EncodingAESKey → 32-byte AES key (docs/wechat-protocol.md §2.1). The 43rd character usually carries non-zero spare bits, so this
 * relies on Node's lenient base64 decoder rather than a canonical one.
 */
export function decodeEncodingAesKey(key: string): Buffer {
  if (typeof key !== "string" || !ENCODING_AES_KEY.test(key)) throw new WechatCryptoError("bad_key");
  const aesKey = Buffer.from(`${key}=`, "base64");
  if (aesKey.length !== 32) throw new WechatCryptoError("bad_key");
  return aesKey;
}

/** Hex SHA-1 of the parts sorted ascending and concatenated (docs/wechat-protocol.md §2.5); inputs are ASCII, so default sort is byte order. */
export function computeSignature(parts: string[]): string {
  return createHash("sha1")
    .update([...parts].sort().join(""))
    .digest("hex");
}

/** Constant-time comparison of two hex signatures; anything that is not equal-length hex is simply unequal. */
export function signaturesEqual(expected: string, actual: string): boolean {
  if (typeof expected !== "string" || typeof actual !== "string") return false;
  if (expected.length !== actual.length || expected.length === 0 || expected.length % 2 !== 0) return false;
  if (!HEX.test(expected) || !HEX.test(actual)) return false;
  return timingSafeEqual(Buffer.from(expected, "hex"), Buffer.from(actual, "hex"));
}

export interface MessageCryptoOptions {
  token: string;
  encodingAesKey: string;
  appId: string;
  /** Keys still accepted for decryption during a rotation grace period (docs/wechat-protocol.md §2.8). */
  previousEncodingAesKeys?: string[];
  /** Upper bound on the base64 `Encrypt` length, checked before decoding. Defaults to 1 MiB. */
  maxEncryptedLength?: number;
}

export interface DecryptedMessage {
  message: string;
  /** 0 = primary key, n = `previousEncodingAesKeys[n - 1]`. Encrypt the reply with the same key. */
  keyIndex: number;
}

export interface MessageCrypto {
  verify(msgSignature: string, timestamp: string, nonce: string, encrypt: string): boolean;
  verifyUrlSignature(signature: string, timestamp: string, nonce: string): boolean;
  sign(timestamp: string, nonce: string, encrypt: string): string;
  encrypt(message: string, random16?: Buffer, keyIndex?: number): string;
  decrypt(encrypt: string): DecryptedMessage;
  encryptReply(replyXml: string, timestamp: string, nonce: string, random16?: Buffer, keyIndex?: number): string;
}

interface AesKey {
  key: KeyObject;
  iv: Buffer;
}

function toAesKey(encodingAesKey: string): AesKey {
  const raw = decodeEncodingAesKey(encodingAesKey);
  return { key: createSecretKey(raw), iv: Buffer.from(raw.subarray(0, AES_BLOCK)) };
}

function cdata(value: string): string {
  return `<![CDATA[${value.replaceAll("]]>", "]]]]><![CDATA[>")}]]>`;
}

/** The WXBizMsgCrypt scheme (docs/wechat-protocol.md §2) bound to one component's token, keys and appid. */
export function createMessageCrypto(opts: MessageCryptoOptions): MessageCrypto {
  const { token, appId } = opts;
  if (typeof token !== "string" || token.length === 0) throw new TypeError("token is required");
  if (typeof appId !== "string" || appId.length === 0) throw new TypeError("appId is required");
  const maxEncryptedLength = opts.maxEncryptedLength ?? DEFAULT_MAX_ENCRYPTED_LENGTH;
  if (!Number.isSafeInteger(maxEncryptedLength) || maxEncryptedLength <= 0) {
    throw new RangeError("maxEncryptedLength must be a positive integer");
  }

  const keys = [opts.encodingAesKey, ...(opts.previousEncodingAesKeys ?? [])].map(toAesKey);
  const appIdBytes = Buffer.from(appId, "utf8");

  function keyAt(index: number): AesKey {
    const key = keys[index];
    if (!key) throw new RangeError("keyIndex out of range");
    return key;
  }

  function sign(timestamp: string, nonce: string, encrypt: string): string {
    return computeSignature([token, timestamp, nonce, encrypt]);
  }

  function encrypt(message: string, random16: Buffer = randomBytes(RANDOM_LENGTH), keyIndex = 0): string {
    if (random16.length !== RANDOM_LENGTH) throw new RangeError("random16 must be 16 bytes");
    const { key, iv } = keyAt(keyIndex);
    const msgLength = Buffer.byteLength(message, "utf8");
    const contentLength = HEADER_LENGTH + msgLength + appIdBytes.length;
    const pad = PAD_BLOCK - (contentLength % PAD_BLOCK);
    const plain = Buffer.allocUnsafe(contentLength + pad);
    random16.copy(plain, 0);
    plain.writeUInt32BE(msgLength, RANDOM_LENGTH);
    plain.write(message, HEADER_LENGTH, "utf8");
    appIdBytes.copy(plain, HEADER_LENGTH + msgLength);
    plain.fill(pad, contentLength);

    const cipher = createCipheriv("aes-256-cbc", key, iv).setAutoPadding(false);
    return Buffer.concat([cipher.update(plain), cipher.final()]).toString("base64");
  }

  function decryptWith({ key, iv }: AesKey, ciphertext: Buffer): string {
    let plain: Buffer;
    try {
      const decipher = createDecipheriv("aes-256-cbc", key, iv).setAutoPadding(false);
      plain = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch {
      throw new WechatCryptoError("bad_ciphertext");
    }

    // Padding errors are not an oracle here: callers verify msg_signature (which covers Encrypt) before decrypting.
    const pad = plain[plain.length - 1] ?? 0;
    if (pad < 1 || pad > PAD_BLOCK || pad > plain.length) throw new WechatCryptoError("bad_padding");
    for (let i = plain.length - pad; i < plain.length - 1; i++) {
      if (plain[i] !== pad) throw new WechatCryptoError("bad_padding");
    }

    const contentLength = plain.length - pad;
    if (contentLength < HEADER_LENGTH) throw new WechatCryptoError("bad_layout");
    const msgLength = plain.readUInt32BE(RANDOM_LENGTH);
    const msgEnd = HEADER_LENGTH + msgLength;
    if (msgEnd > contentLength) throw new WechatCryptoError("bad_layout");
    if (!plain.subarray(msgEnd, contentLength).equals(appIdBytes)) throw new WechatCryptoError("wrong_appid");

    try {
      return utf8.decode(plain.subarray(HEADER_LENGTH, msgEnd));
    } catch {
      throw new WechatCryptoError("bad_layout");
    }
  }

  function decrypt(encrypt: string): DecryptedMessage {
    if (typeof encrypt !== "string" || encrypt.length === 0) throw new WechatCryptoError("bad_ciphertext");
    if (encrypt.length > maxEncryptedLength) throw new WechatCryptoError("too_large");
    // Buffer.from(…, "base64") silently skips foreign characters, so the alphabet is checked first.
    if (!BASE64.test(encrypt)) throw new WechatCryptoError("bad_base64");
    const ciphertext = Buffer.from(encrypt, "base64");
    if (ciphertext.length === 0 || ciphertext.length % AES_BLOCK !== 0) throw new WechatCryptoError("bad_ciphertext");

    let firstError: unknown;
    for (let keyIndex = 0; keyIndex < keys.length; keyIndex++) {
      try {
        return { message: decryptWith(keyAt(keyIndex), ciphertext), keyIndex };
      } catch (error) {
        firstError ??= error;
      }
    }
    throw firstError;
  }

  function encryptReply(replyXml: string, timestamp: string, nonce: string, random16?: Buffer, keyIndex = 0): string {
    if (!DIGITS.test(timestamp)) throw new RangeError("timestamp must be decimal digits");
    const encrypted = encrypt(replyXml, random16, keyIndex);
    const signature = sign(timestamp, nonce, encrypted);
    return (
      `<xml><Encrypt>${cdata(encrypted)}</Encrypt><MsgSignature>${cdata(signature)}</MsgSignature>` +
      `<TimeStamp>${timestamp}</TimeStamp><Nonce>${cdata(nonce)}</Nonce></xml>`
    );
  }

  return {
    verify: (msgSignature, timestamp, nonce, encrypted) =>
      signaturesEqual(sign(timestamp, nonce, encrypted), msgSignature),
    verifyUrlSignature: (signature, timestamp, nonce) =>
      signaturesEqual(computeSignature([token, timestamp, nonce]), signature),
    sign,
    encrypt,
    decrypt,
    encryptReply,
  };
}
