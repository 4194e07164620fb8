import type { Db } from "@/db";
import { readOperationalSnapshot, type OperationalSnapshot } from "@/db/queries/metrics";
import { describeError, log } from "@/lib/log";
import { bounded, getMetrics } from "./registry";

/** A scrape reads the database at most this often per instance; scrapes in between get the cached values. */
export const DB_GAUGE_CACHE_MS = 5_000;
const AUTHORIZER_STATUSES = ["authorized", "unauthorized", "needs_reauthorization"];

interface GaugeCache {
  /** When the last read finished (0: never). */
  at: number;
  /** The last snapshot read and when it was read: ages are advanced from it at each scrape. */
  last?: { snapshot: OperationalSnapshot; readAt: number };
  pending?: Promise<void>;
}

const cache = globalThis as unknown as { __portalDbGauges?: GaugeCache };

/**
 * Brings the database gauges up to date for a scrape, reading the database (one statement) at most once per
 * DB_GAUGE_CACHE_MS per instance. Only the first scrape of a process waits for the read; later ones answer at once
 * with the last values read (`stale`) while a fresh read runs in the background, so a scrape's time never includes
 * the database, however large the tables grow. Ages (ticket, token, refresher lag, oldest pending delivery) are
 * advanced to the moment of the scrape, so they stay exact; counts are at most one scrape interval old.
 *
 * Answers how this scrape got its values: `read` (it waited on the read it started), `joined` (it waited on another
 * scrape's first read), `stale` (last values, a read under way) or `cached` (values younger than the cache period).
 */
export async function refreshDatabaseGauges(
  db: Db,
  componentAppId: string,
  now = Date.now(),
): Promise<"read" | "joined" | "stale" | "cached"> {
  const state = (cache.__portalDbGauges ??= { at: 0 });
  let outcome: "read" | "joined" | "stale" | "cached";
  if (state.pending) {
    outcome = state.last ? "stale" : "joined";
  } else if (now - state.at < DB_GAUGE_CACHE_MS) {
    outcome = "cached";
  } else {
    state.pending = read(db, componentAppId, state).finally(() => {
      state.at = Date.now();
      state.pending = undefined;
    });
    outcome = state.last ? "stale" : "read";
  }
  if (outcome === "read" || outcome === "joined") await state.pending;
  if (state.last) setGauges(agedSnapshot(state.last.snapshot, (Date.now() - state.last.readAt) / 1000));
  return outcome;
}

async function read(db: Db, componentAppId: string, state: GaugeCache): Promise<void> {
  const m = getMetrics();
  const started = performance.now();
  try {
    const snapshot = await readOperationalSnapshot(db, componentAppId);
    state.last = { snapshot, readAt: Date.now() };
    m.dbGaugesError.set(0);
  } catch (error) {
    // The gauges keep their previous values; the error gauge says they are old.
    m.dbGaugesError.set(1);
    log.warn("metrics: database gauges not read", { error: describeError(error) });
  } finally {
    m.dbGaugesReadSeconds.set((performance.now() - started) / 1000);
  }
}

/** The snapshot as it would read `elapsedSeconds` after it was read: ages grow, time left shrinks, counts stay. */
export function agedSnapshot(s: OperationalSnapshot, elapsedSeconds: number): OperationalSnapshot {
  const later = (v: number | null, sign = 1) => (v === null ? null : v + sign * elapsedSeconds);
  return {
    ...s,
    ticketAgeSeconds: later(s.ticketAgeSeconds),
    componentTokenSecondsLeft: later(s.componentTokenSecondsLeft, -1),
    earliestDueAgeSeconds: later(s.earliestDueAgeSeconds),
    webhookOldestPendingAgeSeconds: s.webhooksPending > 0 ? s.webhookOldestPendingAgeSeconds + elapsedSeconds : 0,
  };
}

/** How long the most overdue refresh has been due: 0 when none is due yet, or when there is nothing to refresh. */
export function refresherLagSeconds(s: Pick<OperationalSnapshot, "earliestDueAgeSeconds">): number {
  return Math.max(0, s.earliestDueAgeSeconds ?? 0);
}

function setGauges(s: OperationalSnapshot): void {
  const m = getMetrics();
  // Before the first ticket or token: +Inf / -Inf, so "older than 30 minutes" and "under 10 minutes" alerts fire.
  m.ticketAge.set(rounded(s.ticketAgeSeconds, Infinity));
  m.componentTokenSecondsLeft.set(rounded(s.componentTokenSecondsLeft, -Infinity));
  for (const status of AUTHORIZER_STATUSES) m.authorizers.labels(status).set(s.authorizersByStatus[status] ?? 0);
  m.authorizersRefreshFailing.set(s.refreshFailing);
  m.refresherLag.set(rounded(refresherLagSeconds(s), 0));
  m.webhookDeliveries.labels("pending").set(s.webhooksPending);
  m.webhookDeliveries.labels("failed").set(s.webhooksFailed);
  m.webhookOldestPendingAge.set(rounded(s.webhookOldestPendingAgeSeconds, 0));
  // Label sets that vanished (a finished batch's targets) must not linger with their last value.
  m.batches.reset();
  for (const b of s.batches) m.batches.labels(bounded("batch:kind", b.kind), b.status).set(b.n);
  m.batchTargets.reset();
  for (const t of s.batchTargets) m.batchTargets.labels(bounded("batch:kind", t.kind), t.status).set(t.n);
}

function rounded(value: number | null, none: number): number {
  return value === null ? none : Math.round(value * 1000) / 1000;
}
