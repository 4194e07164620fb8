import type { Db } from "@/db";
import { readOperationalSnapshot } from "@/db/queries/metrics";
import { describeError, log } from "@/lib/log";
import { bounded, getMetrics } from "./registry";

/** A scrape reads the database at most this often per instance; scrapes in between get the cached values. */
export const DB_GAUGE_CACHE_MS = 5_000;
const AUTHORIZER_STATUSES = ["authorized", "unauthorized", "needs_reauthorization"];

const cache = globalThis as unknown as { __portalDbGauges?: { at: number; pending?: Promise<void> } };

/**
 * Refreshes the database gauges when the cached values are older than DB_GAUGE_CACHE_MS (one query). Answers how
 * this scrape got its values: `read` (it started the query), `joined` (it waited on another scrape's query) or
 * `cached`.
 */
export async function refreshDatabaseGauges(
  db: Db,
  componentAppId: string,
  now = Date.now(),
): Promise<"read" | "joined" | "cached"> {
  const state = (cache.__portalDbGauges ??= { at: 0 });
  if (state.pending) {
    await state.pending;
    return "joined";
  }
  if (now - state.at < DB_GAUGE_CACHE_MS) return "cached";
  state.pending = read(db, componentAppId).finally(() => {
    state.at = Date.now();
    state.pending = undefined;
  });
  await state.pending;
  return "read";
}

async function read(db: Db, componentAppId: string): Promise<void> {
  const m = getMetrics();
  try {
    const s = await readOperationalSnapshot(db, componentAppId);
    // Before the first ticket or token: +Inf / -Inf, so "older than 30 minutes" and "under 10 minutes" alerts fire.
    m.ticketAge.set(rounded(s.ticketAgeSeconds, Infinity));
    m.componentTokenSecondsLeft.set(rounded(s.componentTokenSecondsLeft, -Infinity));
    for (const status of AUTHORIZER_STATUSES) m.authorizers.labels(status).set(s.authorizersByStatus[status] ?? 0);
    m.authorizersRefreshFailing.set(s.refreshFailing);
    m.refresherLag.set(s.refresherLagSeconds);
    m.webhookDeliveries.labels("pending").set(s.webhooksPending);
    m.webhookDeliveries.labels("failed").set(s.webhooksFailed);
    m.webhookOldestPendingAge.set(s.webhookOldestPendingAgeSeconds);
    // Label sets that vanished (a finished batch's targets) must not linger with their last value.
    m.batches.reset();
    for (const b of s.batches) m.batches.labels(bounded("batch:kind", b.kind), b.status).set(b.n);
    m.batchTargets.reset();
    for (const t of s.batchTargets) m.batchTargets.labels(bounded("batch:kind", t.kind), t.status).set(t.n);
    m.dbGaugesError.set(0);
  } catch (error) {
    m.dbGaugesError.set(1);
    log.warn("metrics: database gauges not read", { error: describeError(error) });
  }
}

function rounded(value: number | null, none: number): number {
  return value === null ? none : Math.round(value * 1000) / 1000;
}
