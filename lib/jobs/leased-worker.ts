import { describeError, log } from "@/lib/log";

/**
 * The one worker loop shape of the portal (token refresher, release and setup batches, registration tasks).
 *
 * Work lives in PostgreSQL rows; a worker *claims* due rows under a lease (one conditional UPDATE with
 * `FOR UPDATE SKIP LOCKED`, so every instance can run the same loop without two of them taking one row), runs each
 * claimed item with at most `concurrency` in flight, and writes the outcome fenced by its claim. A worker that dies
 * leaves its leases to expire; another instance claims the rows again. Nothing here knows what the rows are.
 */
export interface LeasedWorkerOptions<C> {
  /** For logs. */
  name: string;
  /** Claims up to `limit` due items (leasing them). An empty answer means nothing is due now. */
  claim(limit: number): Promise<C[]>;
  /** Runs one claimed item. A throw counts as a failure of that item only. */
  run(item: C): Promise<void>;
  /** Hands back claimed items that were not started (on stop), so they need not wait for their lease to expire. */
  release?(items: C[]): Promise<void>;
  /** Items in flight at once in this process. */
  concurrency: number;
  /** How often an idle worker looks for due items (±20 %). */
  pollIntervalMs: number;
  /** An item's failure (default: a warning in the log). Items that record their own failure pass a no-op. */
  onItemError?: (error: unknown) => void;
  /** After each background pass that did something (default: a debug line). */
  onPass?: (result: PassResult) => void;
}

export interface PassResult {
  done: number;
  failed: number;
}

export interface LeasedWorker {
  /** Runs everything due now, then returns (scripts, tests, and each background tick). */
  runPass(): Promise<PassResult>;
  /** Starts the background loop (first pass after `firstDelayMs`). */
  start(firstDelayMs?: number): void;
  /** Asks for a pass soon (new work was just queued), instead of at the next poll. */
  kick(): void;
  /** Stops scheduling and waits for the pass in progress; its unstarted claims are released. */
  stop(): Promise<void>;
}

export function createLeasedWorker<C>(options: LeasedWorkerOptions<C>): LeasedWorker {
  const concurrency = Math.max(1, options.concurrency);
  const onItemError =
    options.onItemError ??
    ((error: unknown) => log.warn(`${options.name}: item failed`, { error: describeError(error) }));
  const onPass = options.onPass ?? ((r: PassResult) => log.debug(`${options.name}: pass`, { ...r }));
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<PassResult> | undefined;
  let kicked = false;
  let stopped = true;
  /** Set by stop(): the pass in progress claims nothing more and finishes what it holds. */
  let stopping = false;
  /** Passes in progress, told by kick() that new work was queued (they claim again instead of only finishing). */
  const passesToWake = new Set<() => void>();

  /**
   * Claims run ahead of the work (a local queue of up to 2 × concurrency leased items), so a slot that frees up
   * starts the next item at once instead of waiting for a claim query.
   */
  async function runPass(): Promise<PassResult> {
    const result: PassResult = { done: 0, failed: 0 };
    const queue: C[] = [];
    const inflight = new Set<Promise<void>>();
    let refill: Promise<void> | undefined;
    let drained = false;
    // Work queued while this pass still runs (an item moved on to its next step) is claimed in this pass: a slow
    // item in flight (a WeChat call held for its whole timeout) must not hold back everything due behind it.
    const wake = () => (drained = false);
    passesToWake.add(wake);

    const start = (item: C) => {
      const task: Promise<void> = options
        .run(item)
        .then(
          () => void result.done++,
          (error: unknown) => {
            result.failed++;
            onItemError(error);
          },
        )
        .finally(() => inflight.delete(task));
      inflight.add(task);
    };

    try {
      for (;;) {
        if (stopping) drained = true;
        while (!stopping && inflight.size < concurrency && queue.length > 0) start(queue.shift()!);
        if (!drained && !refill && queue.length < concurrency) {
          refill = options
            .claim(concurrency * 2 - queue.length)
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
      passesToWake.delete(wake);
      // Stopped (or a claim failed) with leased items not started: hand them back now, not when the lease ends.
      if (queue.length > 0) await options.release?.(queue.splice(0)).catch(() => {});
    }
  }

  function schedule(delayMs: number): void {
    if (stopped || timer) return;
    timer = setTimeout(tick, delayMs * (0.8 + Math.random() * 0.4));
    timer.unref();
  }

  function tick(): void {
    timer = undefined;
    kicked = false;
    running = runPass();
    running
      .then(
        (r) => {
          if (r.done + r.failed > 0) onPass(r);
        },
        (error: unknown) => log.warn(`${options.name}: pass failed`, { error: describeError(error) }),
      )
      .finally(() => {
        running = undefined;
        // Work queued while the pass ran is picked up at once.
        schedule(kicked ? 0 : options.pollIntervalMs);
      });
  }

  return {
    runPass,
    start(firstDelayMs = 3_000) {
      if (!stopped) return;
      stopped = false;
      stopping = false;
      schedule(firstDelayMs);
    },
    kick() {
      if (stopped) return;
      if (running) {
        kicked = true;
        for (const wake of passesToWake) wake();
        return;
      }
      if (timer) clearTimeout(timer);
      timer = undefined;
      schedule(0);
    },
    async stop() {
      stopped = true;
      stopping = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running?.catch(() => {});
    },
  };
}
