import { describeError, log } from "@/lib/log";
import type { AuthorizerTokenService, Claim } from "@/lib/tokens/authorizer-tokens";

export interface RefresherOptions {
  tokens: Pick<AuthorizerTokenService, "claimDue" | "refreshClaimed" | "releaseClaims">;
  /** Refreshes in flight at once in this process (AUTHORIZER_REFRESH_CONCURRENCY). */
  concurrency: number;
  /** How often an idle refresher looks for due accounts. Default 15 s (±20 %). */
  pollIntervalMs?: number;
}

export interface RefreshPassResult {
  refreshed: number;
  failed: number;
}

/**
 * The background refresher: every instance runs one. Each pass claims due accounts in batches (row leases,
 * `FOR UPDATE SKIP LOCKED`, so instances share the work without refreshing an account twice) and keeps at
 * most `concurrency` refreshes in flight until nothing is due. Failures back off per account (the token
 * service reschedules them); one account's failure never stops the others.
 */
export function createAuthorizerRefresher(options: RefresherOptions) {
  const concurrency = Math.max(1, options.concurrency);
  const pollIntervalMs = options.pollIntervalMs ?? 15_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<RefreshPassResult> | undefined;
  let stopped = true;
  /** Set by stop(): the pass in progress claims nothing more and finishes what it holds. */
  let stopping = false;

  /**
   * Refreshes everything due now, then returns. `npm run tokens:refresh` and each background tick call this.
   * Claims run ahead of the refreshes (a local queue of up to 2 × concurrency leased accounts), so a slot that
   * frees up starts the next refresh at once instead of waiting for a claim query.
   */
  async function runPass(): Promise<RefreshPassResult> {
    const result: RefreshPassResult = { refreshed: 0, failed: 0 };
    const queue: Claim[] = [];
    const inflight = new Set<Promise<void>>();
    let refill: Promise<void> | undefined;
    let drained = false;

    const start = (claim: Claim) => {
      const task: Promise<void> = options.tokens
        .refreshClaimed(claim, "scheduled")
        .then(
          () => void result.refreshed++,
          () => void result.failed++,
        )
        .finally(() => inflight.delete(task));
      inflight.add(task);
    };

    try {
      for (;;) {
        if (stopping) drained = true;
        while (!stopping && inflight.size < concurrency && queue.length > 0) start(queue.shift()!);
        if (!drained && !refill && queue.length < concurrency) {
          refill = options.tokens
            .claimDue(concurrency * 2 - queue.length)
            .then((claims) => {
              if (claims.length === 0) drained = true;
              queue.push(...claims);
            })
            .finally(() => (refill = undefined));
        }
        if (inflight.size === 0 && !refill && (queue.length === 0 || stopping)) return result;
        await Promise.race(refill ? [...inflight, refill] : [...inflight]);
      }
    } finally {
      // Stopped (or a claim failed) with leased accounts not started: hand them back now, not in 2 minutes.
      if (queue.length > 0) await options.tokens.releaseClaims(queue.splice(0)).catch(() => {});
    }
  }

  function schedule(delayMs: number): void {
    if (stopped) return;
    timer = setTimeout(tick, delayMs * (0.8 + Math.random() * 0.4));
    timer.unref();
  }

  function tick(): void {
    timer = undefined;
    running = runPass();
    running
      .then(
        (r) => {
          if (r.refreshed + r.failed > 0) log.info("authorizer tokens refreshed", { ...r });
        },
        (error: unknown) => log.warn("authorizer refresh pass failed", { error: describeError(error) }),
      )
      .finally(() => {
        running = undefined;
        schedule(pollIntervalMs);
      });
  }

  return {
    runPass,
    /** Starts the background loop (first pass after `firstDelayMs`). */
    start(firstDelayMs = 3_000): void {
      if (!stopped) return;
      stopped = false;
      stopping = false;
      schedule(firstDelayMs);
    },
    /** Stops scheduling and waits for the pass in progress (its leases are released as its refreshes end). */
    async stop(): Promise<void> {
      stopped = true;
      stopping = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running?.catch(() => {});
    },
  };
}

export type AuthorizerRefresher = ReturnType<typeof createAuthorizerRefresher>;
