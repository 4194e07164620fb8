import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  computeSignature,
  createMessageCrypto,
  decodeEncodingAesKey,
  signaturesEqual,
  WechatCryptoError,
  type CryptoErrorCode,
} from "@/lib/wechat/crypto";
import { expectErrorCode } from "../support/expectations";
import { readTestVectors } from "../support/test-vectors";

interface VectorInputs {
  token: string;
  encodingAESKey: string;
  appid: string;
  random16_utf8: string;
  timestamp: string;
  nonce: string;
  plaintext: string;
}

interface OwnVector {
  id: string;
  inputs: VectorInputs;
  intermediate: { padByteValue: number; ciphertextByteLength: number; fullStr_hex?: string };
  outputs: { encrypt: string; msg_signature: string; signature: string };
  reply?: {
    inputs: { plaintext: string; random16_utf8: string; timeStamp: string; nonce: string; appid: string };
    outputs: { encrypt: string; msgSignature: string; responseBody: string };
  };
}

interface OfficialVector {
  id: string;
  inputs: Partial<VectorInputs> & { token: string; receiveid?: string; encrypt?: string; timeStamp?: string };
  expected?: Record<string, string | number | undefined>;
  computedByUs: Record<string, string | number | undefined>;
}

interface TestVectors {
  keyDerivation: { encodingAESKey: string; aesKey_hex: string; iv_hex: string };
  vectors: OwnVector[];
  officialVectors: OfficialVector[];
}

const vectors = readTestVectors<TestVectors>();

function official(id: string): OfficialVector {
  const vector = vectors.officialVectors.find((v) => v.id === id);
  if (!vector) throw new Error(`missing official vector ${id}`);
  return vector;
}

/** The message crypto an official vector's inputs describe, as `appId` (by default the vector's appid). */
function officialCrypto(vector: OfficialVector, appId = required(vector.inputs.appid)) {
  return createMessageCrypto({
    token: vector.inputs.token,
    encodingAesKey: required(vector.inputs.encodingAESKey),
    appId,
  });
}

function str(value: string | number | undefined): string {
  if (typeof value !== "string") throw new Error("expected a string in the vector file");
  return value;
}

function required(value: string | undefined): string {
  if (value === undefined) throw new Error("missing vector input");
  return value;
}

const [V1] = vectors.vectors;
if (!V1) throw new Error("vector file has no vectors");

const TOKEN = V1.inputs.token;
const KEY = V1.inputs.encodingAESKey;
const APPID = V1.inputs.appid;
const OTHER_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

const crypto = createMessageCrypto({ token: TOKEN, encodingAesKey: KEY, appId: APPID });

function ascii16(value: string): Buffer {
  const buffer = Buffer.from(value, "utf8");
  expect(buffer).toHaveLength(16);
  return buffer;
}

function expectCryptoError(fn: () => unknown, code: CryptoErrorCode): WechatCryptoError {
  return expectErrorCode(fn, WechatCryptoError, code);
}

/** AES-256-CBC over caller-built blocks, so tests can craft plaintexts the encoder would never produce. */
function encryptRaw(plain: Buffer, encodingAesKey = KEY): string {
  const key = decodeEncodingAesKey(encodingAesKey);
  const cipher = createCipheriv("aes-256-cbc", key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString("base64");
}

function decryptRaw(encrypt: string, encodingAesKey = KEY): Buffer {
  const key = decodeEncodingAesKey(encodingAesKey);
  const decipher = createDecipheriv("aes-256-cbc", key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([decipher.update(Buffer.from(encrypt, "base64")), decipher.final()]);
}

function layout(message: Buffer, appId = APPID, msgLen = message.length): Buffer {
  const header = Buffer.alloc(20);
  header.write("0123456789abcdef", 0, "latin1");
  header.writeUInt32BE(msgLen, 16);
  return Buffer.concat([header, message, Buffer.from(appId)]);
}

function pkcs7(content: Buffer): Buffer {
  const pad = 32 - (content.length % 32);
  return Buffer.concat([content, Buffer.alloc(pad, pad)]);
}

describe("decodeEncodingAesKey", () => {
  it("derives the key of docs/wechat-protocol.md §2.9", () => {
    const key = decodeEncodingAesKey(vectors.keyDerivation.encodingAESKey);
    expect(key.toString("hex")).toBe(vectors.keyDerivation.aesKey_hex);
    expect(key.subarray(0, 16).toString("hex")).toBe(vectors.keyDerivation.iv_hex);
  });

  it("decodes 43 × 'A' to 32 zero bytes", () => {
    expect(decodeEncodingAesKey("A".repeat(43))).toEqual(Buffer.alloc(32));
  });

  it.each([
    ["too short", KEY.slice(0, 42)],
    ["too long", `${KEY}A`],
    ["with '='", `${KEY.slice(0, 42)}=`],
    ["with '+'", `${KEY.slice(0, 42)}+`],
    ["with '/'", `/${KEY.slice(1)}`],
    ["with '-'", `-${KEY.slice(1)}`],
    ["with a space", ` ${KEY.slice(1)}`],
    ["empty", ""],
  ])("rejects a key %s", (_, key) => {
    expectCryptoError(() => decodeEncodingAesKey(key), "bad_key");
  });

  it("rejects bad keys when building the crypto, including previous keys", () => {
    expectCryptoError(() => createMessageCrypto({ token: TOKEN, encodingAesKey: "short", appId: APPID }), "bad_key");
    expectCryptoError(
      () => createMessageCrypto({ token: TOKEN, encodingAesKey: KEY, appId: APPID, previousEncodingAesKeys: ["x"] }),
      "bad_key",
    );
  });

  it("never puts the key in the error message", () => {
    const error = expectCryptoError(() => decodeEncodingAesKey(`${KEY}!`), "bad_key");
    expect(error.message).not.toContain(KEY);
  });
});

describe("signatures", () => {
  it("reproduces the official URL-verification example", () => {
    const vector = official("OFFICIAL_url_verification_signature_example");
    const { token, timestamp, nonce } = vector.inputs;
    expect(computeSignature([token, required(timestamp), required(nonce)])).toBe(str(vector.expected?.signature));
  });

  it("sorts without mutating its input", () => {
    const parts = ["b", "a", "c"];
    computeSignature(parts);
    expect(parts).toEqual(["b", "a", "c"]);
  });

  it("compares hex signatures", () => {
    const signature = V1.outputs.msg_signature;
    expect(signaturesEqual(signature, signature)).toBe(true);
    expect(signaturesEqual(signature, signature.toUpperCase())).toBe(true);
    expect(signaturesEqual(signature, `${signature.slice(0, -1)}0`)).toBe(false);
    expect(signaturesEqual(signature, signature.slice(0, -2))).toBe(false);
    expect(signaturesEqual(signature, `${signature}00`)).toBe(false);
    expect(signaturesEqual(signature, `${signature.slice(0, -1)}z`)).toBe(false);
    expect(signaturesEqual(signature, "")).toBe(false);
    expect(signaturesEqual("", "")).toBe(false);
    expect(signaturesEqual("abc", "abc")).toBe(false);
  });
});

describe.each(vectors.vectors.map((vector) => [vector.id, vector] as const))("vector %s", (_, vector) => {
  const { inputs, outputs } = vector;
  const subject = createMessageCrypto({
    token: inputs.token,
    encodingAesKey: inputs.encodingAESKey,
    appId: inputs.appid,
  });

  it("encrypts byte-exactly with the given random prefix", () => {
    const encrypted = subject.encrypt(inputs.plaintext, ascii16(inputs.random16_utf8));
    expect(encrypted).toBe(outputs.encrypt);
    expect(Buffer.from(encrypted, "base64")).toHaveLength(vector.intermediate.ciphertextByteLength);
  });

  it("pads with PKCS#7 over 32-byte blocks", () => {
    const plain = decryptRaw(outputs.encrypt, inputs.encodingAESKey);
    const pad = vector.intermediate.padByteValue;
    expect(plain.subarray(-pad)).toEqual(Buffer.alloc(pad, pad));
    if (vector.intermediate.fullStr_hex) {
      expect(plain.subarray(0, -pad).toString("hex")).toBe(vector.intermediate.fullStr_hex);
    }
  });

  it("signs and verifies msg_signature and the URL signature", () => {
    expect(subject.sign(inputs.timestamp, inputs.nonce, outputs.encrypt)).toBe(outputs.msg_signature);
    expect(subject.verify(outputs.msg_signature, inputs.timestamp, inputs.nonce, outputs.encrypt)).toBe(true);
    expect(computeSignature([inputs.token, inputs.timestamp, inputs.nonce])).toBe(outputs.signature);
    expect(subject.verifyUrlSignature(outputs.signature, inputs.timestamp, inputs.nonce)).toBe(true);
  });

  it("decrypts to the plaintext with the primary key", () => {
    expect(subject.decrypt(outputs.encrypt)).toEqual({ message: inputs.plaintext, keyIndex: 0 });
  });

  if (vector.reply) {
    const reply = vector.reply;
    it("builds the encrypted passive reply byte-exactly", () => {
      const body = subject.encryptReply(
        reply.inputs.plaintext,
        reply.inputs.timeStamp,
        reply.inputs.nonce,
        ascii16(reply.inputs.random16_utf8),
      );
      expect(body).toBe(reply.outputs.responseBody);
      expect(subject.sign(reply.inputs.timeStamp, reply.inputs.nonce, reply.outputs.encrypt)).toBe(
        reply.outputs.msgSignature,
      );
      expect(subject.decrypt(reply.outputs.encrypt).message).toBe(reply.inputs.plaintext);
    });
  }
});

describe("official and third-party vectors", () => {
  it.each(["OFFICIAL_pamtest_short", "OFFICIAL_pamtest_video_xml"])("%s encrypts byte-exactly", (id) => {
    const vector = official(id);
    const subject = officialCrypto(vector);
    const plaintext = required(vector.inputs.plaintext);
    const expected = str(vector.expected?.encrypt ?? vector.computedByUs.encrypt);
    expect(subject.encrypt(plaintext, ascii16(required(vector.inputs.random16_utf8)))).toBe(expected);
    expect(subject.decrypt(expected).message).toBe(plaintext);
  });

  it("verifies and decrypts the third-party push example, whose tail is the component appid", () => {
    const vector = official("OFFICIAL_third_party_message_push_example");
    const { timestamp, nonce } = vector.inputs;
    const encrypt = required(vector.inputs.encrypt);
    const subject = officialCrypto(vector);
    expect(subject.verify(str(vector.expected?.msg_signature), required(timestamp), required(nonce), encrypt)).toBe(
      true,
    );
    expect(subject.verifyUrlSignature(str(vector.expected?.signature), required(timestamp), required(nonce))).toBe(
      true,
    );
    expect(subject.decrypt(encrypt).message).toBe(str(vector.computedByUs.plaintext));
    expect(Buffer.from(encrypt, "base64")).toHaveLength(Number(vector.expected?.ciphertextByteLength));

    const asAuthorizer = officialCrypto(vector, "wxba5fad812f8e6fb9");
    expectCryptoError(() => asAuthorizer.decrypt(encrypt), "wrong_appid");
  });

  it("reproduces the third-party reply example", () => {
    const vector = official("OFFICIAL_third_party_reply_example");
    const subject = officialCrypto(vector);
    const timeStamp = required(vector.inputs.timeStamp);
    const nonce = required(vector.inputs.nonce);
    const encrypt = str(vector.expected?.encrypt);
    const body = subject.encryptReply(
      required(vector.inputs.plaintext),
      timeStamp,
      nonce,
      ascii16(required(vector.inputs.random16_utf8)),
    );
    expect(body).toBe(
      `<xml><Encrypt><![CDATA[${encrypt}]]></Encrypt><MsgSignature><![CDATA[${str(vector.expected?.msgSignature)}]]>` +
        `</MsgSignature><TimeStamp>${timeStamp}</TimeStamp><Nonce><![CDATA[${nonce}]]></Nonce></xml>`,
    );
  });

  it("reproduces wechatpy's WeChat Work vector", () => {
    const vector = official("SDK_wechatpy_work_vector");
    const subject = officialCrypto(vector, required(vector.inputs.receiveid));
    const encrypt = subject.encrypt(required(vector.inputs.plaintext), ascii16(required(vector.inputs.random16_utf8)));
    expect(encrypt).toBe(str(vector.expected?.encrypt));
    expect(subject.sign(required(vector.inputs.timestamp), required(vector.inputs.nonce), encrypt)).toBe(
      str(vector.expected?.msgSignature),
    );
    expect(subject.decrypt(encrypt).message).toBe(vector.inputs.plaintext);
  });
});

describe("round trips", () => {
  const sizes = [...Array.from({ length: 201 }, (_, n) => n), 1024, 64 * 1024];

  it.each(sizes)("%i-byte message", (size) => {
    const message = randomBytes(size).toString("base64").slice(0, size);
    const encrypted = crypto.encrypt(message);
    const ciphertextLength = Buffer.from(encrypted, "base64").length;
    expect(ciphertextLength % 32).toBe(0);
    expect(ciphertextLength).toBe(Math.ceil((20 + size + APPID.length + 1) / 32) * 32);
    expect(crypto.decrypt(encrypted)).toEqual({ message, keyIndex: 0 });
  });

  it.each([
    ["Chinese", "我是中文消息，包含标点。"],
    ["emoji", "👍🏽 ok 🎉 family: 👨‍👩‍👧"],
    ["mixed XML", "<xml><Content><![CDATA[你好 🌏 ]]]]><![CDATA[>]]></Content></xml>"],
  ])("%s text counts UTF-8 bytes in msgLen", (_, message) => {
    const encrypted = crypto.encrypt(message);
    expect(Buffer.from(encrypted, "base64").length % 32).toBe(0);
    expect(decryptRaw(encrypted).readUInt32BE(16)).toBe(Buffer.byteLength(message));
    expect(crypto.decrypt(encrypted).message).toBe(message);
  });

  it("uses a fresh random prefix each time", () => {
    expect(crypto.encrypt("same")).not.toBe(crypto.encrypt("same"));
  });

  it("rejects a random prefix that is not 16 bytes", () => {
    expect(() => crypto.encrypt("x", Buffer.alloc(15))).toThrow(RangeError);
  });
});

describe("rejected messages", () => {
  const { timestamp, nonce } = V1.inputs;
  const { encrypt, msg_signature: msgSignature } = V1.outputs;

  it("tampered signature, timestamp, nonce or Encrypt fails verification", () => {
    const flipped = `${msgSignature.slice(0, -1)}${msgSignature.endsWith("0") ? "1" : "0"}`;
    expect(crypto.verify(flipped, timestamp, nonce, encrypt)).toBe(false);
    expect(crypto.verify(msgSignature, "1700000001", nonce, encrypt)).toBe(false);
    expect(crypto.verify(msgSignature, timestamp, `${nonce}0`, encrypt)).toBe(false);
    expect(crypto.verify(msgSignature, timestamp, nonce, `A${encrypt.slice(1)}`)).toBe(false);
    expect(crypto.verify("", timestamp, nonce, encrypt)).toBe(false);
    expect(crypto.verify(V1.outputs.signature, timestamp, nonce, encrypt)).toBe(false);
  });

  it("a different token fails verification", () => {
    const other = createMessageCrypto({ token: "OtherToken", encodingAesKey: KEY, appId: APPID });
    expect(other.verify(msgSignature, timestamp, nonce, encrypt)).toBe(false);
  });

  it("wrong key", () => {
    const other = createMessageCrypto({ token: TOKEN, encodingAesKey: OTHER_KEY, appId: APPID });
    expectCryptoError(() => other.decrypt(encrypt), "bad_padding");
  });

  it("wrong appid", () => {
    const other = createMessageCrypto({ token: TOKEN, encodingAesKey: KEY, appId: "wx0000000000000000" });
    expectCryptoError(() => other.decrypt(encrypt), "wrong_appid");
    const prefix = createMessageCrypto({ token: TOKEN, encodingAesKey: KEY, appId: APPID.slice(0, -1) });
    expectCryptoError(() => prefix.decrypt(encrypt), "wrong_appid");
  });

  it.each([
    ["pad byte 0", (content: Buffer) => Buffer.concat([content, Buffer.alloc(32 - (content.length % 32))])],
    [
      "pad byte 33",
      (content: Buffer) => {
        const padded = pkcs7(Buffer.concat([content, Buffer.alloc(32)]));
        padded[padded.length - 1] = 33;
        return padded;
      },
    ],
    [
      "inconsistent pad bytes",
      (content: Buffer) => {
        const padded = pkcs7(content);
        const pad = padded[padded.length - 1] ?? 0;
        expect(pad).toBeGreaterThan(2);
        padded[padded.length - 2] = pad - 1;
        return padded;
      },
    ],
    [
      "pad byte larger than the message",
      () => {
        const block = Buffer.alloc(16, 0);
        block[15] = 32;
        return block;
      },
    ],
  ])("bad padding: %s", (_, craft) => {
    const plain = craft(layout(Buffer.from("<xml/>")));
    expectCryptoError(() => crypto.decrypt(encryptRaw(plain)), "bad_padding");
  });

  it("accepts a hand-built message with correct padding (control for the crafted cases)", () => {
    expect(crypto.decrypt(encryptRaw(pkcs7(layout(Buffer.from("<xml/>"))))).message).toBe("<xml/>");
  });

  it("msgLen pointing past the end", () => {
    const message = Buffer.from("<xml/>");
    const appIdLength = Buffer.byteLength(APPID);
    const ok = layout(message, APPID, message.length + appIdLength);
    expectCryptoError(() => crypto.decrypt(encryptRaw(pkcs7(ok))), "wrong_appid");
    const past = layout(message, APPID, message.length + appIdLength + 1);
    expectCryptoError(() => crypto.decrypt(encryptRaw(pkcs7(past))), "bad_layout");
    const huge = layout(message, APPID, 0xffffffff);
    expectCryptoError(() => crypto.decrypt(encryptRaw(pkcs7(huge))), "bad_layout");
  });

  it("content shorter than the 20-byte header", () => {
    expectCryptoError(() => crypto.decrypt(encryptRaw(pkcs7(Buffer.alloc(10)))), "bad_layout");
    expectCryptoError(() => crypto.decrypt(encryptRaw(Buffer.alloc(32, 32))), "bad_layout");
  });

  it("message that is not UTF-8", () => {
    const plain = pkcs7(layout(Buffer.from([0x3c, 0xff, 0xfe, 0x3e])));
    expectCryptoError(() => crypto.decrypt(encryptRaw(plain)), "bad_layout");
  });

  it("truncated ciphertext", () => {
    const ciphertext = Buffer.from(encrypt, "base64");
    expectCryptoError(() => crypto.decrypt(ciphertext.subarray(0, -16).toString("base64")), "bad_padding");
    expectCryptoError(() => crypto.decrypt(ciphertext.subarray(0, -1).toString("base64")), "bad_ciphertext");
    expectCryptoError(() => crypto.decrypt(encrypt.slice(0, -3)), "bad_base64");
  });

  it.each([
    ["a foreign character", `${encrypt.slice(0, 8)}$${encrypt.slice(9)}`],
    ["URL-safe alphabet", encrypt.replaceAll("+", "-").replaceAll("/", "_")],
    ["embedded whitespace", `${encrypt.slice(0, 8)} ${encrypt.slice(8)}`],
    ["a trailing newline", `${encrypt}\n`],
    ["missing padding", encrypt.replace(/=+$/, "")],
    ["padding in the middle", `AAA=${encrypt}`],
    ["only padding", "===="],
  ])("not base64: %s", (_, value) => {
    expectCryptoError(() => crypto.decrypt(value), "bad_base64");
  });

  it("length not a multiple of 16", () => {
    expectCryptoError(() => crypto.decrypt(Buffer.alloc(20).toString("base64")), "bad_ciphertext");
    expectCryptoError(() => crypto.decrypt(Buffer.alloc(1).toString("base64")), "bad_ciphertext");
  });

  it("empty", () => {
    expectCryptoError(() => crypto.decrypt(""), "bad_ciphertext");
  });

  it("oversized, before decoding", () => {
    const small = createMessageCrypto({ token: TOKEN, encodingAesKey: KEY, appId: APPID, maxEncryptedLength: 64 });
    expectCryptoError(() => small.decrypt(encrypt), "too_large");
    expectCryptoError(() => crypto.decrypt("$".repeat(1024 * 1024 + 1)), "too_large");
    expect(crypto.decrypt(crypto.encrypt("x".repeat(700 * 1024))).message).toHaveLength(700 * 1024);
  });

  it("never leaks plaintext or key material in error messages", () => {
    const other = createMessageCrypto({ token: TOKEN, encodingAesKey: KEY, appId: "wx0000000000000000" });
    const error = expectCryptoError(() => other.decrypt(encrypt), "wrong_appid");
    expect(error.message).not.toMatch(/ticket|wx5f3c|Xy7Kp/i);
  });
});

describe("key rotation", () => {
  const rotated = createMessageCrypto({
    token: TOKEN,
    encodingAesKey: OTHER_KEY,
    appId: APPID,
    previousEncodingAesKeys: [KEY],
  });

  it("decrypts with the previous key and reports keyIndex 1", () => {
    expect(rotated.decrypt(V1.outputs.encrypt)).toEqual({ message: V1.inputs.plaintext, keyIndex: 1 });
  });

  it("prefers the primary key", () => {
    expect(rotated.decrypt(rotated.encrypt("new")).keyIndex).toBe(0);
  });

  it("encrypts the reply with the key that decrypted the request", () => {
    const { keyIndex } = rotated.decrypt(V1.outputs.encrypt);
    expect(crypto.decrypt(rotated.encrypt("reply", undefined, keyIndex)).message).toBe("reply");
    const body = rotated.encryptReply("<xml/>", "1700000001", "1", undefined, keyIndex);
    const encrypted = /<Encrypt><!\[CDATA\[([^\]]+)\]\]>/.exec(body)?.[1] ?? "";
    expect(crypto.decrypt(encrypted).message).toBe("<xml/>");
    expect(() => rotated.encrypt("x", undefined, 2)).toThrow(RangeError);
  });

  it("reports the primary key's error when no key fits", () => {
    const unrelated = createMessageCrypto({
      token: TOKEN,
      encodingAesKey: KEY,
      appId: "wx0000000000000000",
      previousEncodingAesKeys: [OTHER_KEY],
    });
    expectCryptoError(() => unrelated.decrypt(V1.outputs.encrypt), "wrong_appid");
  });
});

describe("encryptReply", () => {
  it("rejects a timestamp that is not decimal digits", () => {
    expect(() => crypto.encryptReply("<xml/>", "17e8", "1")).toThrow(RangeError);
    expect(() => crypto.encryptReply("<xml/>", "</TimeStamp>", "1")).toThrow(RangeError);
  });

  it("keeps a hostile nonce inside CDATA and still signs the raw nonce", () => {
    const body = crypto.encryptReply("<xml/>", "1700000001", "a]]>b");
    expect(body).toContain("<Nonce><![CDATA[a]]]]><![CDATA[>b]]></Nonce>");
    const encrypted = /<Encrypt><!\[CDATA\[([^\]]+)\]\]>/.exec(body)?.[1] ?? "";
    expect(body).toContain(crypto.sign("1700000001", "a]]>b", encrypted));
  });
});
