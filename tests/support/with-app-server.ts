import { afterAll, beforeAll, beforeEach } from "vitest";
import type { Database } from "@/db";
import type { Platform } from "@/lib/platform";
import { startAppServer, type AppServer } from "./app-server";
import { createTestDatabaseConfig, openConfiguredDatabase, type TestDatabase } from "./database";
import { createTestPortal, giveTicket, sandboxControl } from "./portal";
import { withTestDatabase } from "./with-test-database";

// Like with-test-database.ts: vitest hooks, so neither the benchmarks nor the fuzz harness load this file.

/**
 * A built app server (`next start`, its sandbox playing WeChat) started before the block's tests, stopped after the
 * last and its database dropped. `seed` writes rows first, before the server opens the database (PGlite serves one
 * process at a time). The object is filled in by the `beforeAll` hook: read it inside hooks and tests.
 */
export function withAppServer(
  options: Parameters<typeof startAppServer>[0] & { seed?: (database: Database) => Promise<void> } = {},
): AppServer {
  const { seed, ...serverOptions } = options;
  const app = {} as AppServer;
  beforeAll(async () => {
    if (seed) {
      serverOptions.database ??= await createTestDatabaseConfig();
      const database = await openConfiguredDatabase(serverOptions.database);
      try {
        await seed(database);
      } finally {
        await database.close();
      }
    }
    Object.assign(app, await startAppServer(serverOptions));
  });
  afterAll(async () => {
    await app.stop?.();
    await app.database?.drop();
  });
  return app;
}

/**
 * The usual portal under test: it runs in this process on a fresh database (emptied before each test), WeChat is
 * the sandbox of a built app server (started with `env`). Before each test the sandbox's faults are cleared and the
 * portal is built anew and given a ticket the sandbox issued. Read the objects inside hooks and tests.
 */
export function withTestPortal(env: Record<string, string>): {
  app: AppServer;
  database: TestDatabase;
  portal: Platform;
} {
  const app = withAppServer({ env });
  const database = withTestDatabase();
  const portal = {} as Platform;
  beforeEach(async () => {
    await sandboxControl(app, "clear-faults");
    Object.assign(portal, createTestPortal(app, database));
    await giveTicket(app, portal);
  });
  return { app, database, portal };
}
