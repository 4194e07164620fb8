import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { openDatabase, rowsOf, type Database } from "@/db";

/**
 * Test databases. With DATABASE_URL set (CI's second pass), every test gets a fresh database on that
 * PostgreSQL server; without it, a fresh PGlite (in memory for in-process tests, a temp dir for servers).
 */
export const usingPostgres = Boolean(process.env.DATABASE_URL);

export interface TestDatabaseConfig {
  /** Environment for a child process: DATABASE_URL or PGLITE_DIR. */
  env: Record<string, string>;
  databaseUrl?: string;
  pgliteDir: string;
  drop(): Promise<void>;
}

/** A fresh, empty database configuration (not opened). */
export async function createTestDatabaseConfig(): Promise<TestDatabaseConfig> {
  const adminUrl = process.env.DATABASE_URL;
  if (adminUrl) {
    const name = `portal_test_${randomBytes(6).toString("hex")}`;
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return {
      env: { DATABASE_URL: url.toString() },
      databaseUrl: url.toString(),
      pgliteDir: "memory://",
      async drop() {
        const a = postgres(adminUrl, { max: 1, onnotice: () => {} });
        await a.unsafe(`drop database if exists ${name} with (force)`);
        await a.end();
      },
    };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "portal-pglite-"));
  const pgliteDir = path.join(dir, "pglite");
  return {
    env: { PGLITE_DIR: pgliteDir },
    pgliteDir,
    async drop() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type TestDatabase = Database & {
  /** Its PostgreSQL URL (unset for PGlite): for a second connection of the test's own. */
  databaseUrl?: string;
  /** Closes it and deletes it. */
  drop(): Promise<void>;
};

/** A fresh migrated database opened in this process (PGlite in memory, or a new PostgreSQL database). */
export async function openTestDatabase(): Promise<TestDatabase> {
  const config = await createTestDatabaseConfig();
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    pgliteDir: "memory://",
  });
  return {
    ...database,
    databaseUrl: config.databaseUrl,
    async drop() {
      await database.close();
      await config.drop();
    },
  };
}

/** Opens the database behind a config in this process (after the server that owned it has stopped, for PGlite). */
export function openConfiguredDatabase(config: TestDatabaseConfig): Promise<Database> {
  return openDatabase({ databaseUrl: config.databaseUrl, pgliteDir: config.pgliteDir });
}

/** Empties every table (faster than a fresh database per test: PGlite takes seconds to create and migrate). */
export async function truncateAll(database: Database): Promise<void> {
  const { sql } = await import("drizzle-orm");
  const result = await database.db.execute(
    sql`select string_agg(format('%I', tablename), ', ') as names from pg_tables where schemaname = 'public'`,
  );
  const names = rowsOf<{ names: string | null }>(result)[0]?.names;
  if (names) await database.db.execute(sql.raw(`truncate ${names} restart identity cascade`));
}
