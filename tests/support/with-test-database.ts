import { afterAll, beforeAll, beforeEach } from "vitest";
import { openTestDatabase, truncateAll, type TestDatabase } from "./database";

// Apart from database.ts, which the benchmarks and the fuzz harness load outside vitest.

/**
 * The usual set-up of a test file or `describe` block: one fresh database opened before its tests, emptied before
 * each test (before the block's own `beforeEach` hooks that come after this call), dropped after the last. The object
 * is filled in by the `beforeAll` hook: read it inside hooks and tests, not at collection time.
 */
export function withTestDatabase(): TestDatabase {
  const database = {} as TestDatabase;
  beforeAll(async () => {
    Object.assign(database, await openTestDatabase());
  });
  afterAll(async () => {
    await database.drop?.();
  });
  beforeEach(async () => {
    await truncateAll(database);
  });
  return database;
}
