import { createLeasedWorker } from "@/lib/jobs/leased-worker";
import { log } from "@/lib/log";
import type { AuthorizerTokenService } from "@/lib/tokens/authorizer-tokens";

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
 * The background refresher: every instance runs one (the portal's leased worker loop, lib/jobs/leased-worker.ts).
 * Each pass claims due accounts in batches (row leases, `FOR UPDATE SKIP LOCKED`, so instances share the work
 * without refreshing an account twice) and keeps at most `concurrency` refreshes in flight until nothing is due.
 * Failures back off per account (the token service reschedules them); one account's failure never stops the others.
 */
export function createAuthorizerRefresher(options: RefresherOptions) {
  const worker = createLeasedWorker({
    name: "authorizer token refresher",
    claim: (limit) => options.tokens.claimDue(limit),
    run: async (claim) => void (await options.tokens.refreshClaimed(claim, "scheduled")),
    release: (claims) => options.tokens.releaseClaims(claims),
    concurrency: options.concurrency,
    pollIntervalMs: options.pollIntervalMs ?? 15_000,
    // The token service records each failure on the account (backoff, last error) and logs it.
    onItemError: () => {},
    onPass: (r) => log.info("authorizer tokens refreshed", { refreshed: r.done, failed: r.failed }),
  });

  return {
    /** Refreshes everything due now, then returns. `npm run tokens:refresh` and each background tick call this. */
    async runPass(): Promise<RefreshPassResult> {
      const r = await worker.runPass();
      return { refreshed: r.done, failed: r.failed };
    },
    /** Starts the background loop (first pass after `firstDelayMs`). */
    start: (firstDelayMs = 3_000) => worker.start(firstDelayMs),
    /** Stops scheduling and waits for the pass in progress (its leases are released as its refreshes end). */
    stop: () => worker.stop(),
  };
}

export type AuthorizerRefresher = ReturnType<typeof createAuthorizerRefresher>;
