import type { lookup as dnsLookup } from "node:dns";
import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/db";
import type { WebhookAttempt } from "@/db/schema";
import { describeError, log } from "@/lib/log";
import { recordWebhookAttempt } from "@/lib/metrics/record";
import { sealedAt, SecretBoxError, type SecretBox } from "@/lib/secrets";
import { createWebhookSender, WebhookSendError, type SendFailure } from "./send";
import { webhookHeaders } from "./signature";

export interface WebhookDelivererOptions {
  db: Db;
  secretBox: SecretBox;
  /** Per attempt; a merchant endpoint that does not answer in time is retried later. */
  timeoutMs: number;
  /** First retry delay; doubles per attempt (±20 %), capped at an hour. */
  retryBaseMs: number;
  maxAttempts: number;
  /** Deliveries in flight at once on this instance. */
  concurrency: number;
  /** Deliveries in flight at once per merchant, counted across instances from committed leases (instances claiming at the same moment can briefly exceed it together), so one slow endpoint cannot take every slot. */
  perMerchant?: number;
  allowPrivateNetworks: boolean;
  /** Name resolution for deliveries (tests). */
  lookup?: typeof dnsLookup;
}

/** What the merchant's endpoint receives (JSON body; docs/webhooks.md documents it). */
export interface WebhookPayload {
  /** Same as the `webhook-id` header: one per message, identical on every retry. */
  id: string;
  type: "message" | "event";
  appId: string;
  /** When WeChat's push reached us (ISO 8601). */
  receivedAt: string;
  /** The decrypted message as WeChat sent it (XML elements as strings, nested ones as objects). */
  message: Record<string, unknown>;
}

interface Claimed {
  id: number;
  attempts: number;
  appId: string;
  payload: Record<string, unknown>;
  receivedAt: string;
  merchantId: string;
  webhookUrl: string | null;
  secretSealed: string | null;
}

const MAX_BACKOFF_MS = 3600_000;
const ATTEMPT_LOG_LENGTH = 20;
const POLL_INTERVAL_MS = 1000;
const FAILURE_TEXT: Record<SendFailure, (timeoutMs: number) => string> = {
  private_address: () => "blocked: private network address",
  unresolvable: () => "host not found",
  timeout: (timeoutMs) => `no answer within ${timeoutMs} ms`,
  connection_failed: () => "connection failed",
};

/**
 * Forwards stored account messages to merchants' webhooks from the durable queue (`webhook_deliveries`). Every
 * instance runs one; rows are claimed with a lease, so an instance that dies mid-delivery only delays a row until
 * the lease lapses. A delivery is at least once; the `webhook-id` header lets the merchant make it exactly once.
 * Nothing here runs on WeChat's clock: the message was answered before its delivery was first tried.
 */
export function createWebhookDeliverer(options: WebhookDelivererOptions) {
  const sender = createWebhookSender({
    allowPrivateNetworks: options.allowPrivateNetworks,
    timeoutMs: options.timeoutMs,
    lookup: options.lookup,
  });
  const perMerchant = options.perMerchant ?? 4;
  const leaseSeconds = Math.ceil(options.timeoutMs / 1000) + 30;
  let inFlight = 0;
  let pumping = false;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const settled = new Set<Promise<void>>();

  /** Claims due deliveries while slots are free and starts them; returns once nothing more is due. */
  async function pump(): Promise<void> {
    if (stopped) return;
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    try {
      do {
        again = false;
        while (inFlight < options.concurrency && !stopped) {
          const rows = await claim(options.concurrency - inFlight);
          if (rows.length === 0) break;
          for (const row of rows) start(row);
        }
      } while (again && inFlight < options.concurrency);
    } catch (error) {
      log.warn("webhook deliveries could not be claimed", { error: describeError(error) });
    } finally {
      pumping = false;
    }
  }

  function start(row: Claimed): void {
    inFlight++;
    const run = deliver(row)
      .catch((error: unknown) =>
        log.warn("webhook delivery not recorded", { deliveryId: row.id, error: describeError(error) }),
      )
      .finally(() => {
        inFlight--;
        settled.delete(run);
        void pump();
      });
    settled.add(run);
  }

  async function claim(limit: number): Promise<Claimed[]> {
    const rows = rowsOf<{
      id: number | string;
      attempts: number;
      app_id: string;
      payload: Record<string, unknown>;
      received_at: string | Date;
      merchant_id: string;
      webhook_url: string | null;
      webhook_secret_sealed: string | null;
    }>(
      await options.db.execute(sql`
        update webhook_deliveries d
        set lease_until = now() + make_interval(secs => ${leaseSeconds}), attempts = d.attempts + 1, last_attempt_at = now()
        from wechat_events e, merchants m
        where e.id = d.event_id and m.id = d.merchant_id
          and d.status = 'pending' and (d.lease_until is null or d.lease_until < now())
          and d.id in (
            select c.id from (
              select due.id, due.merchant_id, due.next_attempt_at,
                     row_number() over (partition by due.merchant_id order by due.next_attempt_at, due.id) as rn
              from (select id, merchant_id, next_attempt_at from webhook_deliveries
                    where status = 'pending' and next_attempt_at <= now() and (lease_until is null or lease_until < now())
                    order by next_attempt_at limit 500) due
            ) c
            left join (select merchant_id, count(*) as n from webhook_deliveries
                       where status = 'pending' and lease_until >= now() group by merchant_id) busy using (merchant_id)
            where c.rn + coalesce(busy.n, 0) <= ${perMerchant}
            order by c.next_attempt_at
            limit ${limit})
        returning d.id, d.attempts, d.app_id, e.payload, e.received_at, m.id as merchant_id, m.webhook_url, m.webhook_secret_sealed`),
    );
    return rows.map((r) => ({
      id: Number(r.id),
      attempts: r.attempts,
      appId: r.app_id,
      payload: r.payload,
      receivedAt: new Date(r.received_at).toISOString(),
      merchantId: r.merchant_id,
      webhookUrl: r.webhook_url,
      secretSealed: r.webhook_secret_sealed,
    }));
  }

  async function deliver(row: Claimed): Promise<void> {
    if (!row.webhookUrl || !row.secretSealed) {
      await record(
        row,
        { at: new Date().toISOString(), status: null, ms: 0, error: "forwarding turned off" },
        "failed",
      );
      return;
    }
    const started = performance.now();
    const attempt = (status: number | null, error?: string): WebhookAttempt => ({
      at: new Date().toISOString(),
      status,
      ms: Math.round(performance.now() - started),
      ...(error && { error }),
    });

    const id = `dlv_${row.id}`;
    const body = JSON.stringify({
      id,
      type: row.payload.MsgType === "event" ? "event" : "message",
      appId: row.appId,
      receivedAt: row.receivedAt,
      message: row.payload,
    } satisfies WebhookPayload);
    const timestamp = Math.floor(Date.now() / 1000);
    let secret: string;
    try {
      secret = options.secretBox.open(row.secretSealed, sealedAt.merchantWebhookSecret(row.merchantId));
    } catch (error) {
      if (!(error instanceof SecretBoxError)) throw error;
      // A value that is not this merchant's secret signs nothing (the box logged where it was read). Retried with
      // backoff: rotating the secret on the accounts page repairs it.
      await record(row, attempt(null, "signing secret cannot be read; rotate it on the accounts page"));
      return;
    }
    const headers = {
      "content-type": "application/json",
      "user-agent": "wechat-component-portal-webhook/1",
      ...webhookHeaders(secret, id, timestamp, body),
    };
    let status: number;
    try {
      status = await sender.post(row.webhookUrl, headers, body);
    } catch (error) {
      const reason: SendFailure = error instanceof WebhookSendError ? error.reason : "connection_failed";
      await record(row, attempt(null, FAILURE_TEXT[reason](options.timeoutMs)));
      return;
    }
    // A redirect is not followed (it could lead anywhere, including our own network): the merchant fixes the URL.
    const ok = status >= 200 && status < 300;
    await record(row, attempt(status, ok ? undefined : `HTTP ${status}`), ok ? "delivered" : undefined);
  }

  /** The attempt's outcome; fenced by the attempt number, so a lease taken over meanwhile is not overwritten. */
  async function record(row: Claimed, attempt: WebhookAttempt, outcome?: "delivered" | "failed"): Promise<void> {
    const giveUp = outcome === "failed" || (outcome === undefined && row.attempts >= options.maxAttempts);
    const status = outcome === "delivered" ? "delivered" : giveUp ? "failed" : "pending";
    const backoffMs =
      Math.min(options.retryBaseMs * 2 ** (row.attempts - 1), MAX_BACKOFF_MS) * (0.8 + Math.random() * 0.4);
    await options.db.execute(sql`
      update webhook_deliveries set
        status = ${status},
        lease_until = null,
        next_attempt_at = case when ${status} = 'pending' then now() + make_interval(secs => ${backoffMs / 1000}) else next_attempt_at end,
        delivered_at = case when ${status} = 'delivered' then now() else delivered_at end,
        last_status_code = ${attempt.status},
        last_error = ${attempt.error ?? null},
        attempt_log = (case when jsonb_array_length(attempt_log) >= ${ATTEMPT_LOG_LENGTH} then attempt_log - 0 else attempt_log end)
                      || jsonb_build_array(${JSON.stringify(attempt)}::jsonb)
      where id = ${row.id} and attempts = ${row.attempts}`);
    recordWebhookAttempt(status === "delivered" ? "delivered" : status === "failed" ? "given_up" : "retry");
    if (status === "failed")
      log.warn("webhook delivery given up", { deliveryId: row.id, attempts: row.attempts, error: attempt.error });
  }

  return {
    /** Starts delivering whatever is due now (after a message is stored, and on every poll). */
    kick(): Promise<void> {
      return pump();
    },
    start(): void {
      stopped = false;
      timer ??= setInterval(() => void pump(), POLL_INTERVAL_MS);
      timer.unref();
    },
    /** Stops polling; resolves when the deliveries in flight have been recorded. */
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      await Promise.allSettled([...settled]);
      sender.close();
    },
  };
}

export type WebhookDeliverer = ReturnType<typeof createWebhookDeliverer>;
