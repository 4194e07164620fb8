import { processPendingComponentEvents } from "@/lib/authorization/events";
import { describeError, log } from "@/lib/log";
import { pruneOldRecords } from "@/lib/maintenance/retention";
import { flushChartBuckets, pruneChartBuckets } from "@/lib/metrics/chart-buckets";
import { processPendingAuthorizerMessages } from "@/lib/messages/release-test-reply";
import type { Platform } from "@/lib/platform";
import { createRegistrationPoller } from "@/lib/registration/tasks";
import { reconcileAuthorizers } from "@/lib/tokens/reconcile";

const TOKEN_CHECK_INTERVAL_MS = 60_000;
const EVENT_POLL_INTERVAL_MS = 5_000;
const RETENTION_INTERVAL_MS = 3600_000;
const CHART_FLUSH_INTERVAL_MS = 15_000;

export interface BackgroundJobs {
  /** Stops scheduling; resolves when the refresh pass in progress has finished. */
  stop(): Promise<void>;
}

/**
 * Work every instance does on its own schedule: keep the component token fresh ahead of expiry, ask WeChat
 * to resume ticket pushes when they stop, and, with the sandbox on, play WeChat's part by pushing tickets.
 * Coordination between instances happens in the database (advisory lock, conditional updates), not here.
 */
export function startBackgroundJobs(platform: Platform): BackgroundJobs {
  const timers: NodeJS.Timeout[] = [];
  let stopped = false;
  const every = (ms: number, fn: () => Promise<unknown>, firstDelayMs = ms) => {
    const run = async () => {
      if (stopped) return;
      await fn().catch((error: unknown) => log.warn("background job failed", { error: describeError(error) }));
      if (!stopped) timers.push(setTimeout(run, ms * (0.9 + Math.random() * 0.2)).unref());
    };
    timers.push(setTimeout(run, firstDelayMs).unref());
  };

  every(
    TOKEN_CHECK_INTERVAL_MS,
    async () => {
      await platform.componentToken.requestTicketPush();
      await platform.componentToken.refreshIfDue();
    },
    5_000 + Math.random() * 5_000,
  );

  // authorizer_access_token of every account, ahead of expiry (instances share the work through row leases).
  platform.refresher.start(3_000 + Math.random() * 2_000);

  // Repair what lost events left wrong; one instance per interval (elected in reconcileAuthorizers).
  const reconcileMinutes = platform.env.reconcileIntervalMinutes;
  if (reconcileMinutes > 0) {
    every(
      Math.min(reconcileMinutes * 60_000, 15 * 60_000),
      async () => {
        if (!(await platform.componentToken.getStatus()).tokenExpiresAt) return; // nothing can be listed yet
        await reconcileAuthorizers(platform, "scheduled", { minIntervalSeconds: reconcileMinutes * 60 });
      },
      60_000 + Math.random() * 60_000,
    );
  }

  // Authorization events whose immediate processing failed or was cut short (crash, WeChat error).
  every(EVENT_POLL_INTERVAL_MS, () => processPendingComponentEvents(platform), 2_000);
  every(EVENT_POLL_INTERVAL_MS, () => processPendingAuthorizerMessages(platform), 2_500);

  // The staff console's chart counts (WeChat errors, refreshes, webhook attempts) gathered in memory.
  every(CHART_FLUSH_INTERVAL_MS, () => flushChartBuckets(platform.database.db), CHART_FLUSH_INTERVAL_MS);

  // Delivered messages and routine activity past their retention (instances running it at once share the rows).
  every(
    RETENTION_INTERVAL_MS,
    async () => {
      const pruned = await pruneOldRecords(platform.database.db, platform.env.retention);
      await pruneChartBuckets(platform.database.db);
      if (Object.values(pruned).some((n) => n > 0)) log.info("old records pruned", { ...pruned });
    },
    300_000 + Math.random() * 300_000,
  );

  // Release and setup batches: steps due on any account (instances share them through leases).
  platform.batches.worker.start(4_000 + Math.random() * 2_000);

  // Fast registration tasks: WeChat's status by taskid while the confirming person has not finished (leases).
  const registrations = createRegistrationPoller(platform);
  registrations.start(6_000 + Math.random() * 2_000);

  // Merchants' webhooks: whatever is due (new messages are also kicked right after they are answered).
  platform.webhooks.start();

  const sandbox = platform.sandbox;
  if (sandbox) {
    // WeChat pushes a ticket right after the platform is set up, then every 10 minutes.
    const pushUntilDelivered = async (attempt = 0): Promise<void> => {
      if (stopped) return;
      const { delivered } = await sandbox.pushTicket();
      if (!delivered && attempt < 8) {
        await new Promise((r) => setTimeout(r, 500 * 2 ** attempt).unref());
        return pushUntilDelivered(attempt + 1);
      }
    };
    every(platform.env.sandboxTicketIntervalSeconds * 1000, () => pushUntilDelivered(), 500);
    // The sandbox's reviewer: audits whose rule delay has passed resolve and are pushed (lib/sandbox/code.ts).
    every(1_000, () => sandbox.code.resolveDueAudits(), 1_000);
  }

  return {
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      await Promise.all([
        platform.refresher.stop(),
        platform.webhooks.stop(),
        platform.batches.worker.stop(),
        registrations.stop(),
      ]);
    },
  };
}
