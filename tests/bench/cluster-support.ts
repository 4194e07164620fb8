import { openDatabase, type Database } from "@/db";
import { freePort, startAppServer, type AppServer } from "../support/app-server";
import { createTestDatabaseConfig, type TestDatabaseConfig } from "../support/database";
import { SERVICE_KEY } from "./portal-driver";
import type { PostgresServer } from "./postgres-server";
import { startRoundRobinProxy, type RoundRobinProxy } from "./round-robin-proxy";

// Several `next start` instances on one PostgreSQL database behind a round-robin proxy: a deployment in
// miniature. APP_URL is the proxy, so the sandbox's pushes and redirects go through it like WeChat's would.

export interface Cluster {
  /** The proxy: every client request and every sandbox push goes here. */
  url: string;
  instances: AppServer[];
  database: TestDatabaseConfig;
  /** The same database opened in the driver, for setup and the checks afterwards. */
  db: Database;
  proxyPid: number;
  /** Stops instances and proxy, drops the database; resolves with the requests each instance got. */
  stop(): Promise<number[]>;
}

export async function startCluster(options: {
  postgres: PostgresServer;
  instances: number;
  env?: Record<string, string>;
}): Promise<Cluster> {
  // tests/support/database.ts creates the throwaway database on the server DATABASE_URL names.
  process.env.DATABASE_URL = options.postgres.adminUrl;
  const database = await createTestDatabaseConfig();
  // Migrated once here, before the instances start (they would agree through the migration lock anyway).
  const db = await openDatabase({ databaseUrl: database.databaseUrl, pgliteDir: "memory://", maxConnections: 4 });

  const ports = await Promise.all(Array.from({ length: options.instances }, () => freePort()));
  const proxyPort = await freePort();
  const proxy: RoundRobinProxy = await startRoundRobinProxy(
    proxyPort,
    ports.map((p) => `http://127.0.0.1:${p}`),
  );
  const env = {
    APP_URL: proxy.url,
    INTERNAL_API_KEYS: SERVICE_KEY,
    LOG_LEVEL: "error",
    ...options.env,
  };
  const instances: AppServer[] = [];
  const stopAll = async () => {
    await Promise.all(instances.map((i) => i.stop().catch(() => {})));
    const counts = await proxy.stop();
    await db.close().catch(() => {});
    await database.drop().catch(() => {});
    return counts;
  };
  try {
    const started = await Promise.allSettled(ports.map((port) => startAppServer({ port, database, env })));
    for (const s of started) if (s.status === "fulfilled") instances.push(s.value);
    const failed = started.find((s) => s.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
  } catch (error) {
    await stopAll();
    throw error;
  }
  return { url: proxy.url, instances, database, db, proxyPid: proxy.pid, stop: stopAll };
}

/** Waits until the portal holds a component token (an instance's background job fetches one at start). */
export async function waitForComponentToken(cluster: Cluster, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const health = (await (await fetch(`${cluster.url}/api/health`)).json()) as { componentToken?: { ok: boolean } };
    if (health.componentToken?.ok) return;
    if (Date.now() > deadline) throw new Error("no component token within a minute: is the sandbox pushing tickets?");
    await new Promise((r) => setTimeout(r, 500));
  }
}
