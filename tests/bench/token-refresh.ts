import os from "node:os";
import { sql } from "drizzle-orm";
import { openDatabase, rowsOf } from "@/db";
import { sealedAt } from "@/lib/secrets";
import { startAppServer, TEST_SECRETS, type AppServer } from "../support/app-server";
import { createTestDatabaseConfig, type TestDatabaseConfig } from "../support/database";
import { createTestPortal, giveTicket, sandboxControl, sandboxLedger, seedAuthorizedAccounts } from "../support/portal";
import { runWorker } from "../support/workers";
import { cpuSeconds, machineBusySeconds, treePids } from "./load";

/**
 * The authorizer token refresher against WeChat with 50 ms latency per api_authorizer_token call: 10,000
 * accounts all due at once, refreshed by one `npm run tokens:refresh` process at a given concurrency. The
 * latency-bound limit is accounts × latency / concurrency; the aim is within 1.25 × that. Afterwards every
 * account is checked against WeChat's side (the sandbox's ledger): refreshed exactly once, and holding the
 * refresh token WeChat holds.
 */

export interface TokenRefreshBenchOptions {
  accounts?: number;
  latencyMs?: number;
  concurrencies?: number[];
}

const AIM_RATIO = 1.25;

export async function benchTokenRefresh(opts: TokenRefreshBenchOptions = {}): Promise<void> {
  const { accounts, latencyMs, concurrencies } = { accounts: 10_000, latencyMs: 50, concurrencies: [8, 32], ...opts };
  console.log(`\n## Authorizer token refresh: ${accounts} accounts due at once, WeChat latency ${latencyMs} ms`);

  let app: AppServer | undefined;
  let portalDatabase: TestDatabaseConfig | undefined;
  try {
    // WeChat: the sandbox in `next start` on its own database. The portal: a separate database, refreshed by
    // the real CLI in its own process.
    app = await startAppServer({ env: { RECONCILE_INTERVAL_MINUTES: "0", LOG_LEVEL: "error" } });
    portalDatabase = await createTestDatabaseConfig();
    const database = await openDatabase({
      databaseUrl: portalDatabase.databaseUrl,
      pgliteDir: portalDatabase.pgliteDir,
    });
    const portal = createTestPortal(app, database);
    await giveTicket(app, portal);
    await portal.componentToken.getToken();

    const cpuLines: string[] = [];
    console.log(
      "| concurrency | refreshed | failed | time | latency-bound limit | ratio | aim ≤ 1.25× | peak RSS (refresher) | lost refresh tokens | refreshed ≠ once |",
    );
    console.log("|---|---|---|---|---|---|---|---|---|---|");
    for (const concurrency of concurrencies) {
      await sandboxControl(app, "clear-accounts");
      await database.db.execute(sql`truncate authorizers, authorizer_activity`);
      const appIds = await seedAuthorizedAccounts(app, portal, accounts, { expiresInSeconds: 600 });
      await sandboxControl(app, "fault", { endpoint: "api_authorizer_token", latencyMs });

      const appCpuBefore = cpuSeconds(treePids(app.pid));
      const machineBefore = machineBusySeconds();
      const run = await runWorker<{
        refreshed: number;
        failed: number;
        seconds: number;
        peakRssMb: number;
        cpuSeconds: number;
      }>(
        "scripts/tokens-refresh.ts",
        {
          ...TEST_SECRETS,
          NODE_ENV: "production",
          APP_URL: app.url,
          WECHAT_SANDBOX: "1",
          LOG_LEVEL: "error",
          ...portalDatabase.env,
          AUTHORIZER_REFRESH_CONCURRENCY: String(concurrency),
        },
        // The CLI exits 1 when any refresh failed; its RESULT line is still wanted (failures are in the table).
        { args: ["--json"], anyExitCode: true },
      );
      const appCpu = cpuSeconds(treePids(app.pid)) - appCpuBefore;
      const machineCpu = machineBusySeconds() - machineBefore;
      cpuLines.push(
        `concurrency ${concurrency}: CPU per refresh — refresher ${((run.cpuSeconds / accounts) * 1000).toFixed(1)} ms (incl. start-up), ` +
          `WeChat sandbox (next start) ${((appCpu / accounts) * 1000).toFixed(1)} ms, ` +
          `PostgreSQL and the rest ${(((machineCpu - appCpu - run.cpuSeconds) / accounts) * 1000).toFixed(1)} ms; ` +
          `machine busy ${((machineCpu / run.seconds / os.cpus().length) * 100).toFixed(0)}% of ${os.cpus().length} cores`,
      );
      await sandboxControl(app, "clear-faults");

      const ledger = await sandboxLedger(app);
      const stored = rowsOf<{ app_id: string; refresh_token_sealed: string | null; expired: boolean }>(
        await database.db.execute(sql`
          select app_id, refresh_token_sealed, access_token_expires_at < now() + interval '1 hour' as expired from authorizers`),
      );
      let lost = 0;
      let expired = 0;
      for (const row of stored) {
        const wechat = ledger.get(row.app_id)?.refreshToken;
        if (
          !row.refresh_token_sealed ||
          portal.secretBox.open(row.refresh_token_sealed, sealedAt.authorizerRefreshToken(row.app_id)) !== wechat
        )
          lost++;
        if (row.expired) expired++;
      }
      lost += appIds.length - stored.length;
      const notOnce = appIds.filter((id) => ledger.get(id)?.tokenRefreshes !== 1).length;
      const limit = (accounts * latencyMs) / 1000 / concurrency;
      const ratio = run.seconds / limit;
      console.log(
        `| ${concurrency} | ${run.refreshed} | ${run.failed} | ${run.seconds.toFixed(1)} s | ${limit.toFixed(1)} s | ${ratio.toFixed(2)}× | ${
          ratio <= AIM_RATIO ? "met" : "missed"
        } | ${run.peakRssMb.toFixed(0)} MB | ${lost} | ${notOnce}${expired ? ` (${expired} still expiring)` : ""} |`,
      );
    }
    for (const line of cpuLines) console.log(line);
    await database.close();
  } finally {
    await app?.stop().catch(() => {});
    await app?.database.drop().catch(() => {});
    await portalDatabase?.drop().catch(() => {});
  }
}
