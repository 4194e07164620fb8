import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/db";
import { AppError } from "@/lib/errors";
import { describeError, log } from "@/lib/log";
import { recordPush } from "@/lib/metrics/record";
import { withSpan } from "@/lib/tracing/spans";
import type { MessageCrypto } from "@/lib/wechat/crypto";
import { componentEventDedupeKey, parseComponentEvent, type ComponentEvent } from "@/lib/wechat/events";
import { classifyPushError, openPush } from "./open-push";

export interface ComponentPushReceiverOptions {
  db: Db;
  crypto: MessageCrypto;
  componentAppId: string;
  /** Accepted distance between the push's timestamp and our clock (replay protection, docs/wechat-protocol.md §2.5). */
  timestampToleranceSeconds: number;
  now?: () => number;
}

export interface PushResult {
  status: number;
  body: string;
  /** True when this push was new (not a retry of one already stored). */
  stored?: boolean;
  /** True when it was stored for work after the answer (an authorization event; a ticket needs none). */
  followUp?: boolean;
}

/**
 * The authorization event URL (授权事件接收URL): verify → decrypt → parse → store, and only then `success`.
 * Every rejection is a 4xx with a short reason; nothing is stored for it.
 */
export function createComponentPushReceiver(options: ComponentPushReceiverOptions) {
  const now = options.now ?? (() => Date.now());

  async function receive(query: URLSearchParams, body: string): Promise<PushResult> {
    let event: ComponentEvent;
    let plaintext: string;
    try {
      ({ event, plaintext } = open(query, body));
    } catch (error) {
      return reject(error);
    }

    try {
      const stored = await store(event, plaintext);
      recordPush("component", eventInfoType(event), stored ? "stored" : "duplicate");
      return { status: 200, body: "success", stored, followUp: stored && !isProcessedOnArrival(event) };
    } catch (error) {
      // WeChat will deliver again; answering anything but `success` is what makes it retry.
      log.error("component push not stored", { infoType: event.kind, error: describeError(error) });
      recordPush("component", eventInfoType(event), "error", "storage");
      return { status: 503, body: "storage unavailable, retry later" };
    }
  }

  function open(query: URLSearchParams, body: string): { event: ComponentEvent; plaintext: string } {
    const { fields, plaintext } = openPush({ ...options, now }, query, body);
    const event = parseComponentEvent(fields);
    if (event.appId !== options.componentAppId) throw new AppError("forbidden", "push is for another platform");
    return { event, plaintext };
  }

  function reject(error: unknown): PushResult {
    const { status, reason, code } = classifyPushError(error);
    log.warn("component push rejected", { status, reason });
    recordPush("component", undefined, "rejected", code);
    return { status, body: reason };
  }

  async function store(event: ComponentEvent, plaintext: string): Promise<boolean> {
    const dedupeKey = componentEventDedupeKey(event, createHash("sha256").update(plaintext).digest("hex"));
    return insertBatched({
      info_type: eventInfoType(event),
      authorizer_app_id: "authorizerAppId" in event ? event.authorizerAppId : null,
      dedupe_key: dedupeKey,
      // An unknown InfoType may come without CreateTime; it is still stored (and answered `success`).
      create_time: event.createTime ?? Math.floor(now() / 1000),
      payload: eventPayload(event),
      processed: isProcessedOnArrival(event),
    });
  }

  // Pushes that arrive together are stored by one INSERT (one round trip, one commit): each caller still gets
  // its answer only after that INSERT has committed. The statement text is the same for any batch size.
  interface Row {
    info_type: string;
    authorizer_app_id: string | null;
    dedupe_key: string;
    create_time: number;
    payload: Record<string, unknown>;
    processed: boolean;
  }
  const MAX_BATCH_ROWS = 500;
  const queue: { row: Row; resolve: (stored: boolean) => void; reject: (error: unknown) => void }[] = [];

  function insertBatched(row: Row): Promise<boolean> {
    return new Promise((resolve, reject) => {
      if (queue.push({ row, resolve, reject }) === 1) setImmediate(flush);
    });
  }

  async function flush(): Promise<void> {
    const batch = queue.splice(0, MAX_BATCH_ROWS);
    if (queue.length > 0) setImmediate(flush);
    try {
      const result = await withSpan("db insert wechat_events", { "db.rows": batch.length }, () =>
        options.db.execute(sql`
        insert into wechat_events (source, info_type, authorizer_app_id, dedupe_key, create_time, payload, processed_at)
        select 'component', t.info_type, t.authorizer_app_id, t.dedupe_key, t.create_time, t.payload,
               case when t.processed then now() end
        from jsonb_to_recordset(${JSON.stringify(batch.map((b) => b.row))}::jsonb)
          as t(info_type text, authorizer_app_id text, dedupe_key text, create_time bigint, payload jsonb, processed boolean)
        on conflict (dedupe_key) do nothing
        returning dedupe_key`),
      );
      const inserted = new Set(rowsOf<{ dedupe_key: string }>(result).map((r) => r.dedupe_key));
      for (const { row, resolve } of batch) resolve(inserted.delete(row.dedupe_key)); // a key twice in one batch: the first is new
    } catch (error) {
      for (const { reject } of batch) reject(error);
    }
  }

  return { receive };
}

/**
 * A ticket needs nothing more (the newest ticket event is the current ticket); authorization events are applied
 * afterwards, off WeChat's clock.
 */
function isProcessedOnArrival(event: ComponentEvent): boolean {
  return event.kind === "component_verify_ticket";
}

function eventInfoType(event: ComponentEvent): string {
  return event.kind === "unknown" ? event.infoType : event.kind;
}

/** What we keep of a push: its fields, as WeChat sent them. */
function eventPayload(event: ComponentEvent): Record<string, unknown> {
  return { ...event };
}
