import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import * as schema from "./schema";

export type Schema = typeof schema;
/** The drizzle instance, whichever driver is behind it. Inside `db.transaction` always use `tx` (docs/toolchain.md G8). */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  db: Db;
  kind: "pglite" | "postgres";
  /**
   * Runs `fn` while holding a PostgreSQL session-level advisory lock, so that one process in the whole
   * deployment runs it at a time. Callers in this process queue on an in-process mutex first, so a burst
   * of callers takes one connection, not one each.
   */
  withAdvisoryLock<T>(key: bigint, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl?: string;
  /** A directory, or `memory://` for a throwaway in-memory database (tests). */
  pgliteDir: string;
  /** postgres.js pool size. */
  maxConnections?: number;
}

// Resolved from the working directory (the project root for `next dev`, `next start`, scripts and tests):
// Next bundles this module, so import.meta.url does not point at the source tree.
const MIGRATIONS_FOLDER = path.resolve(process.cwd(), "db/migrations");

/** Opens a database and applies pending migrations. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const database = options.databaseUrl
    ? openPostgres(options.databaseUrl, options.maxConnections)
    : await openPglite(options.pgliteDir);
  try {
    await database.migrate();
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}

type OpenedDatabase = Database & { migrate(): Promise<void> };

function openPostgres(url: string, maxConnections = 10): OpenedDatabase {
  const client = postgres(url, {
    // At least 2: migrations run on the pool while a reserved connection holds the migration lock.
    max: Math.max(2, maxConnections),
    onnotice: () => {},
    connection: { application_name: "wechat-portal" },
  });
  const db = drizzlePostgres({ client, schema }) as unknown as Db;
  const mutex = createKeyedMutex();

  const withAdvisoryLock = <T>(key: bigint, fn: () => Promise<T>): Promise<T> =>
    mutex(key, async () => {
      const reserved = await client.reserve();
      try {
        await reserved`select pg_advisory_lock(${key.toString()}::bigint)`;
        try {
          return await fn();
        } finally {
          await reserved`select pg_advisory_unlock(${key.toString()}::bigint)`;
        }
      } finally {
        reserved.release();
      }
    });

  return {
    db,
    kind: "postgres",
    withAdvisoryLock,
    // Several instances may start together: one migrates, the others wait and then find nothing to do.
    migrate: () =>
      withAdvisoryLock(MIGRATION_LOCK_KEY, () =>
        migratePostgres(drizzlePostgres({ client }), { migrationsFolder: MIGRATIONS_FOLDER }),
      ),
    close: () => client.end({ timeout: 5 }),
  };
}

async function openPglite(dir: string): Promise<OpenedDatabase> {
  const inMemory = dir.startsWith("memory://");
  let releaseDirLock = () => {};
  if (!inMemory) {
    mkdirSync(dir, { recursive: true });
    releaseDirLock = lockPgliteDir(dir);
  }
  let client: PGlite;
  try {
    // pg_trgm backs the staff console's search index (migration 0004); PostgreSQL servers ship it in contrib.
    client = await PGlite.create({ ...(inMemory ? {} : { dataDir: dir }), extensions: { pg_trgm } });
  } catch (error) {
    releaseDirLock();
    throw error;
  }
  const db = drizzlePglite({ client, schema }) as unknown as Db;
  const mutex = createKeyedMutex();
  return {
    db,
    kind: "pglite",
    // PGlite lives in exactly one process (see lockPgliteDir), so the in-process mutex is the whole story.
    withAdvisoryLock: (key, fn) => mutex(key, fn),
    migrate: () => migratePglite(drizzlePglite({ client }), { migrationsFolder: MIGRATIONS_FOLDER }),
    close: async () => {
      await client.close();
      releaseDirLock();
    },
  };
}

/**
 * PGlite has no cross-process locking: a second process opening the same directory silently loses writes
 * (docs/toolchain.md G7). Refuse instead, naming the process that holds it.
 */
function lockPgliteDir(dir: string): () => void {
  const lockFile = path.join(dir, "..", `${path.basename(dir)}.lock`);
  const tryCreate = () => writeFileSync(lockFile, String(process.pid), { flag: "wx" });
  try {
    tryCreate();
  } catch {
    const holder = Number.parseInt(readFileSync(lockFile, "utf8"), 10);
    if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
      throw new Error(
        `The PGlite database in ${dir} is already open in process ${holder}. PGlite serves one process only: ` +
          "stop that process, use another PGLITE_DIR, or set DATABASE_URL to share a PostgreSQL server.",
      );
    }
    rmSync(lockFile, { force: true });
    tryCreate();
  }
  const release = () => rmSync(lockFile, { force: true });
  process.once("exit", release);
  return release;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Serializes async work per key inside this process. */
function createKeyedMutex() {
  const tails = new Map<bigint, Promise<unknown>>();
  return <T>(key: bigint, fn: () => Promise<T>): Promise<T> => {
    const previous = tails.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => {});
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
}

/** Advisory lock keys: one namespace per purpose, fixed so every instance agrees. */
export const MIGRATION_LOCK_KEY = 0x5743_0001n;
export const COMPONENT_TOKEN_LOCK_KEY = 0x5743_0002n;

/** A lock key derived from a string (e.g. one authorization code), in its own namespace. */
export function advisoryKeyFor(namespace: string, value: string): bigint {
  const digest = createHash("sha256").update(namespace).update("\0").update(value).digest();
  return digest.readBigInt64BE(0);
}

/** `db.execute()` returns an array on postgres.js and `{ rows }` on PGlite (docs/toolchain.md G17). */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

// ------------------------------------------------------------------------------------------------
// The app's shared instance: one per process, cached on globalThis so dev reloads, route bundles and
// instrumentation all share it (PGlite must not be opened twice).
// ------------------------------------------------------------------------------------------------

const globalForDb = globalThis as unknown as { __portalDatabase?: Promise<Database> };

export function getDatabase(): Promise<Database> {
  if (!globalForDb.__portalDatabase) {
    // Imported lazily so that config-free modules (tests with their own database) never parse the env.
    // The one import of lib/ from db/, on purpose (docs/architecture.md, Layers): configuration is read in one place,
    // lib/env.ts, which is a leaf (zod and two constant modules: no database, no policy, no cycle back here).
    // eslint-disable-next-line no-restricted-syntax -- the database's two settings come from the one env reader
    const pending = import("@/lib/env").then(({ getEnv }) => {
      const env = getEnv();
      return openDatabase({ databaseUrl: env.databaseUrl, pgliteDir: env.pgliteDir });
    });
    globalForDb.__portalDatabase = pending;
    pending.catch(() => {
      if (globalForDb.__portalDatabase === pending) globalForDb.__portalDatabase = undefined;
    });
  }
  return globalForDb.__portalDatabase;
}

export async function getDb(): Promise<Db> {
  return (await getDatabase()).db;
}
