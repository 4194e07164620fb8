// npm run tokens:refresh: one pass of the authorizer token refresher (every account due now), then exit.
// Safe beside running instances: accounts are claimed with row leases, so none is refreshed twice.
// --all: renew every authorized account now, not only those due.
import { sql } from "drizzle-orm";
import { openDatabase } from "@/db";
import { getEnv } from "@/lib/env";
import { createPlatform } from "@/lib/platform";

const env = getEnv();
const database = await openDatabase({ databaseUrl: env.databaseUrl, pgliteDir: env.pgliteDir });
try {
  const platform = createPlatform(env, database);
  if (process.argv.includes("--all")) {
    await database.db.execute(sql`
      update authorizers set refresh_due_at = now()
      where status = 'authorized' and refresh_token_sealed is not null`);
  }
  const started = Date.now();
  const result = await platform.refresher.runPass();
  const seconds = (Date.now() - started) / 1000;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  console.log(
    `refreshed ${result.refreshed}, failed ${result.failed} in ${seconds.toFixed(1)} s (peak RSS ${peakRssMb.toFixed(0)} MB)`,
  );
  if (process.argv.includes("--json")) {
    const cpu = process.cpuUsage();
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    console.log(
      `RESULT ${JSON.stringify({ ...result, seconds, peakRssMb, cpuSeconds, concurrency: env.authorizerRefreshConcurrency })}`,
    );
  }
  process.exitCode = result.failed > 0 ? 1 : 0;
} finally {
  await database.close();
}
