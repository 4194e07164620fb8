import { z } from "zod";
import { AppError } from "@/lib/errors";
import { describeError, log } from "@/lib/log";
import { WechatCryptoError, type MessageCrypto } from "@/lib/wechat/crypto";
import { WechatEventError } from "@/lib/wechat/events";
import { parseEncryptedEnvelope, parseWechatXml, WechatXmlError, type EncryptedEnvelope } from "@/lib/wechat/xml";

/** WeChat's pushes are a few hundred bytes (a text message at most a few KB); anything near this is not WeChat. */
export const MAX_PUSH_BYTES = 64 * 1024;

export interface OpenPushOptions {
  crypto: MessageCrypto;
  /** Accepted distance between the push's timestamp and our clock (replay protection, docs/wechat-protocol.md §2.5). */
  timestampToleranceSeconds: number;
  now: () => number;
}

export interface OpenedPush {
  envelope: EncryptedEnvelope;
  /** The decrypted inner XML, as WeChat sent it. */
  plaintext: string;
  fields: Record<string, unknown>;
  /** Which EncodingAESKey opened it (a passive reply must use the same one). */
  keyIndex: number;
  nonce: string;
}

const querySchema = z.object({
  msg_signature: z.string().regex(/^[0-9a-f]{40}$/i),
  timestamp: z.string().regex(/^\d{1,12}$/),
  nonce: z.string().min(1).max(64),
});

/**
 * The first half of both push URLs (docs/wechat-protocol.md §1.2 and §7.4): check the query, the size and the clock, authenticate
 * `msg_signature` before touching the ciphertext, decrypt (the trailing appid must be ours), parse the inner XML.
 * Throws AppError, WechatXmlError, WechatCryptoError; `classifyPushError` turns any of them into a 4xx.
 */
export function openPush(options: OpenPushOptions, query: URLSearchParams, body: string): OpenedPush {
  const params = querySchema.safeParse({
    msg_signature: query.get("msg_signature") ?? undefined,
    timestamp: query.get("timestamp") ?? undefined,
    nonce: query.get("nonce") ?? undefined,
  });
  if (!params.success) throw new AppError("bad_request", "missing or malformed msg_signature, timestamp or nonce");
  const { msg_signature: msgSignature, timestamp, nonce } = params.data;

  if (Buffer.byteLength(body) > MAX_PUSH_BYTES) throw new AppError("payload_too_large", "body too large");
  if (Math.abs(options.now() / 1000 - Number(timestamp)) > options.timestampToleranceSeconds) {
    throw new AppError("stale_timestamp", "timestamp outside the accepted window");
  }

  const envelope = parseEncryptedEnvelope(body, { maxBytes: MAX_PUSH_BYTES });
  if (!options.crypto.verify(msgSignature, timestamp, nonce, envelope.encrypt)) {
    throw new AppError("bad_signature", "signature mismatch");
  }
  const { message, keyIndex } = options.crypto.decrypt(envelope.encrypt);
  const fields = parseWechatXml(message, { maxBytes: MAX_PUSH_BYTES });
  return { envelope, plaintext: message, fields, keyIndex, nonce };
}

/**
 * A rejected push's answer: a 4xx with a short reason (never the input, which may hold secrets), and `code`, a
 * short fixed slug of the same (a metric label).
 */
export function classifyPushError(error: unknown): { status: number; reason: string; code: string } {
  if (error instanceof AppError) return { status: error.status, reason: error.message, code: error.code };
  if (error instanceof WechatXmlError) {
    return { status: error.code === "too_large" ? 413 : 400, reason: `bad body: ${error.code}`, code: "bad_body" };
  }
  if (error instanceof WechatCryptoError) {
    return {
      status: error.code === "wrong_appid" ? 403 : 400,
      reason: `bad ciphertext: ${error.code}`,
      code: error.code === "wrong_appid" ? "wrong_appid" : "bad_ciphertext",
    };
  }
  if (error instanceof WechatEventError) return { status: 400, reason: "bad event", code: "bad_event" };
  log.error("push failed unexpectedly", { error: describeError(error) });
  return { status: 400, reason: "bad request", code: "bad_request" };
}
