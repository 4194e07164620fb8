import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/db";
import { AppError } from "@/lib/errors";
import { describeError, log } from "@/lib/log";
import { recordPush } from "@/lib/metrics/record";
import { APP_ID_PATTERN } from "@/lib/wechat/app-id";
import type { MessageCrypto } from "@/lib/wechat/crypto";
import { parseAuthorizerMessage, type AuthorizerMessage } from "@/lib/wechat/events";
import { isReleaseTestAccount, releaseTestCase, type ReleaseTestCase } from "@/lib/wechat/release-test";
import { buildWechatXml } from "@/lib/wechat/xml";
import { isPlatformEvent } from "./handlers";
import { classifyPushError, openPush } from "./open-push";

export interface AuthorizerMessageReceiverOptions {
  db: Db;
  crypto: MessageCrypto;
  timestampToleranceSeconds: number;
  now?: () => number;
  /** Events the platform consumes itself (lib/events/handlers): applied after the answer, never forwarded. */
  isPlatformEvent?: (msgType: string, event: string | undefined) => boolean;
}

export interface MessageResult {
  status: number;
  body: string;
  contentType: "text/plain" | "application/xml";
  /** True when the message was new and needs work after the answer (the release test's API case, a platform event). */
  followUp?: boolean;
  /** Forwarding rows queued for this message (0 for a retry of one already stored). */
  deliveries?: number;
}

/**
 * The message-and-event URL of every authorized account (消息与事件接收URL, `/authorizers/$APPID$/events`):
 * verify → decrypt → parse → store (and queue its forwarding in the same statement) → answer within WeChat's
 * 5 seconds. The answer is `success`, or for the release test's accounts the passive reply the checker expects.
 * Nothing slow happens before the answer: forwarding and the release test's API message run afterwards.
 */
export function createAuthorizerMessageReceiver(options: AuthorizerMessageReceiverOptions) {
  const now = options.now ?? (() => Date.now());
  const platformEvent = options.isPlatformEvent ?? isPlatformEvent;

  async function receive(appId: string, query: URLSearchParams, body: string): Promise<MessageResult> {
    let message: AuthorizerMessage;
    let opened: ReturnType<typeof openPush>;
    try {
      if (!APP_ID_PATTERN.test(appId)) throw new AppError("not_found", "unknown account");
      opened = openPush(
        { crypto: options.crypto, timestampToleranceSeconds: options.timestampToleranceSeconds, now },
        query,
        body,
      );
      message = parseAuthorizerMessage(opened.fields);
      // The envelope names the account in clear; the ciphertext must say the same.
      if (opened.envelope.toUserName !== undefined && opened.envelope.toUserName !== message.ToUserName) {
        throw new AppError("bad_request", "envelope and message disagree on ToUserName");
      }
    } catch (error) {
      const { status, reason, code } = classifyPushError(error);
      log.warn("account message rejected", {
        appId: APP_ID_PATTERN.test(appId) ? appId : "(malformed)",
        status,
        reason,
      });
      recordPush("authorizer", undefined, "rejected", code);
      return { status, body: reason, contentType: "text/plain" };
    }

    const testCase = isReleaseTestAccount(appId) ? releaseTestCase(message) : undefined;
    const ownEvent = testCase === undefined && platformEvent(message.MsgType, message.Event);
    let stored: { mismatch: boolean; eventId: number | null; deliveries: number };
    try {
      stored = await store(appId, message, opened.fields, opened.plaintext, testCase, ownEvent);
    } catch (error) {
      // Not `success`: WeChat retries (3 times in all), and the retry is stored once.
      log.error("account message not stored", { appId, error: describeError(error) });
      recordPush("authorizer", pushType(message), "error", "storage");
      return { status: 503, body: "storage unavailable, retry later", contentType: "text/plain" };
    }
    if (stored.mismatch) {
      log.warn("account message rejected", { appId, status: 403, reason: "addressed to another account" });
      recordPush("authorizer", pushType(message), "rejected", "wrong_account");
      return { status: 403, body: "message is for another account", contentType: "text/plain" };
    }

    const isNew = stored.eventId !== null;
    recordPush("authorizer", pushType(message), isNew ? "stored" : "duplicate");
    switch (testCase?.kind) {
      case "text":
      case "event":
        return {
          status: 200,
          body: passiveTextReply(message, testCase.reply, opened),
          contentType: "application/xml",
          deliveries: 0,
        };
      case "api_text":
        // An empty body, unencrypted (docs/wechat-protocol.md §7.2); the customer-service message follows once this is answered.
        return { status: 200, body: "", contentType: "text/plain", followUp: isNew, deliveries: 0 };
      default:
        return {
          status: 200,
          body: "success",
          contentType: "text/plain",
          followUp: ownEvent && isNew,
          deliveries: stored.deliveries,
        };
    }
  }

  function passiveTextReply(
    message: AuthorizerMessage,
    content: string,
    opened: { keyIndex: number; nonce: string },
  ): string {
    const timestamp = String(Math.floor(now() / 1000));
    const reply = buildWechatXml({
      ToUserName: message.FromUserName,
      FromUserName: message.ToUserName,
      CreateTime: Number(timestamp),
      MsgType: "text",
      Content: content,
    });
    // Encrypted with the key that opened the push, signed with the request's nonce (docs/wechat-protocol.md §2.6).
    return options.crypto.encryptReply(reply, timestamp, opened.nonce, undefined, opened.keyIndex);
  }

  /**
   * One statement: the message (once per dedupe key, docs/wechat-protocol.md §1.5) and, when its account belongs to a merchant
   * with a webhook, its delivery. A message addressed to an original id other than the one we know for this appid
   * (a genuine push replayed onto another account's URL) is refused.
   */
  async function store(
    appId: string,
    message: AuthorizerMessage,
    fields: Record<string, unknown>,
    plaintext: string,
    testCase: ReleaseTestCase | undefined,
    ownEvent: boolean,
  ): Promise<{ mismatch: boolean; eventId: number | null; deliveries: number }> {
    const summary = messageSummary(message);
    const dedupeKey = messageDedupeKey(appId, message, plaintext);
    const needsFollowUp = testCase?.kind === "api_text" || ownEvent;
    // The release test's messages are answered here, and the platform's own events (audit results…) applied by
    // the platform: neither is the merchant's traffic.
    const forward = testCase === undefined && !ownEvent;
    const [row] = rowsOf<{ mismatch: boolean; event_id: number | string | null; deliveries: number }>(
      await options.db.execute(sql`
        with acct as (
          select a.merchant_id, a.user_name, a.status, m.webhook_url
          from authorizers a left join merchants m on m.id = a.merchant_id
          where a.app_id = ${appId}
        ), mismatch as (
          select 1 from acct where user_name is not null and user_name <> ${message.ToUserName}
        ), ev as (
          insert into wechat_events (source, info_type, authorizer_app_id, dedupe_key, create_time, payload, processed_at)
          select 'authorizer', ${summary}, ${appId}, ${dedupeKey}, ${message.CreateTime}, ${JSON.stringify(fields)}::jsonb,
                 case when ${needsFollowUp}::boolean then null else now() end
          where not exists (select 1 from mismatch)
          on conflict (dedupe_key) do nothing
          returning id
        ), dl as (
          insert into webhook_deliveries (event_id, merchant_id, app_id, summary)
          select ev.id, acct.merchant_id, ${appId}, ${summary}
          from ev cross join acct
          where ${forward}::boolean and acct.merchant_id is not null and acct.webhook_url is not null and acct.status = 'authorized'
          returning id
        )
        select exists (select 1 from mismatch) as mismatch, (select id from ev) as event_id, (select count(*) from dl)::int as deliveries`),
    );
    return {
      mismatch: row!.mismatch,
      eventId: row!.event_id === null ? null : Number(row!.event_id),
      deliveries: row!.deliveries,
    };
  }

  return { receive };
}

/** `text`, `image`, … for messages; `event:subscribe`, `event:CLICK`, … for events. */
export function messageSummary(message: Pick<AuthorizerMessage, "MsgType" | "Event">): string {
  return message.MsgType === "event" ? `event:${message.Event ?? ""}` : message.MsgType;
}

/**
 * WeChat retries a message 3 times in all (docs/wechat-protocol.md §1.5): messages are the same by `MsgId`, events by sender and
 * `CreateTime` (and the event, since one user action can raise two events in the same second). Anything else
 * falls back to the plaintext's hash.
 */
export function messageDedupeKey(appId: string, message: AuthorizerMessage, plaintext: string): string {
  if (message.MsgId) return `msg:${appId}:${message.MsgId}`;
  if (message.MsgType === "event")
    return `event:${appId}:${message.FromUserName}:${message.CreateTime}:${message.Event ?? ""}`;
  return `msg:${appId}:${createHash("sha256").update(plaintext).digest("hex")}`;
}

/** The metric label of a message: its MsgType, or `event:<Event>` for events (both come from WeChat, bounded there). */
function pushType(message: AuthorizerMessage): string {
  return message.MsgType === "event" && message.Event ? `event:${message.Event}` : message.MsgType;
}
