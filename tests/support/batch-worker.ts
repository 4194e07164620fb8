// A separate portal process for the killed-worker test: the production wiring on the test's database (PostgreSQL,
// or the PGlite directory the test has closed meanwhile), its batch worker running in the background with leases of
// LEASE_MS. Every 100 ms it prints the targets' state (`STATE [...]`), so the test knows when to kill it (SIGKILL:
// no clean-up runs, its leases stay on the rows until they expire).
import { asc } from "drizzle-orm";
import { openDatabase } from "@/db";
import { batchTargets } from "@/db/schema";
import { createBatchEngine } from "@/lib/jobs/batches";
import { BATCH_KINDS } from "@/lib/jobs/kinds";
import { parseEnv } from "@/lib/env";
import { setLogLevel } from "@/lib/log";
import { createPlatform, type Platform } from "@/lib/platform";

const { LEASE_MS = "5000" } = process.env;

setLogLevel("error");
const env = parseEnv(process.env);
const database = await openDatabase({
  databaseUrl: env.databaseUrl,
  pgliteDir: env.pgliteDir,
});
const platform: Platform = createPlatform(env, database);
platform.batches = createBatchEngine<Platform>({
  db: database.db,
  kinds: BATCH_KINDS,
  deps: () => platform,
  concurrency: env.batchConcurrency,
  leaseMs: Number(LEASE_MS),
  pollIntervalMs: 100,
});
platform.batches.worker.start(0);

setInterval(() => {
  void database.db
    .select({ appId: batchTargets.appId, step: batchTargets.step, status: batchTargets.status })
    .from(batchTargets)
    .orderBy(asc(batchTargets.id))
    .then((rows) => process.stdout.write(`\nSTATE ${JSON.stringify(rows)}\n`))
    .catch(() => {});
}, 100);
