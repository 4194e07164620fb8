import { execFileSync, spawn, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { freePort } from "../support/app-server";

// PostgreSQL for the cluster and fault benchmarks: the server named by DATABASE_URL, the local one, or a
// throwaway cluster started here (as .ci/run does), which the fault benchmark can also restart.

export const LOCAL_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres";

export interface PostgresServer {
  /** Admin URL: throwaway databases are created on it (tests/support/database.ts reads DATABASE_URL). */
  adminUrl: string;
  /** Where it came from, for the report. */
  origin: "DATABASE_URL" | "local server" | "throwaway cluster";
  version: string;
  /**
   * Only for a throwaway cluster: `pg_ctl stop -m fast` (every connection dropped, as in a failover), down for
   * `downSeconds`, then started again. Resolves with how long it refused connections.
   */
  restart?: (downSeconds: number) => Promise<{ downMs: number }>;
  stop(): Promise<void>;
}

async function answers(url: string): Promise<string | undefined> {
  const sql = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    const [row] = await sql<{ v: string }[]>`select current_setting('server_version') as v`;
    return row?.v;
  } catch {
    return undefined;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

/** DATABASE_URL if set, else the local server if it answers, else a throwaway cluster. */
export async function resolvePostgres(): Promise<PostgresServer> {
  const fromEnv = process.env.DATABASE_URL;
  if (fromEnv) {
    const version = await answers(fromEnv);
    if (!version) throw new Error("DATABASE_URL is set but the server does not answer");
    return { adminUrl: fromEnv, origin: "DATABASE_URL", version, stop: async () => {} };
  }
  const local = await answers(LOCAL_POSTGRES_URL);
  if (local) return { adminUrl: LOCAL_POSTGRES_URL, origin: "local server", version: local, stop: async () => {} };
  return startThrowawayPostgres();
}

function postgresBin(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root).filter((v) => existsSync(path.join(root, v, "bin/pg_ctl")))
    : [];
  const newest = versions.sort((a, b) => Number(a) - Number(b)).at(-1);
  if (!newest) throw new Error("no PostgreSQL binaries under /usr/lib/postgresql (apt-get install -y postgresql)");
  return path.join(root, newest, "bin");
}

/**
 * A cluster of our own on 127.0.0.1 and a free port, with fsync off (nothing here needs to survive a crash
 * of the machine). initdb refuses to run as root, so as root every pg_ctl call runs as the postgres user.
 */
export async function startThrowawayPostgres(): Promise<PostgresServer> {
  const bin = postgresBin();
  const dir = mkdtempSync(path.join(os.tmpdir(), "portal-bench-pg-"));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownSync(dir, Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim()), -1);
  const command = (tool: string, args: string[]): [string, string[]] =>
    asRoot ? ["runuser", ["-u", "postgres", "--", path.join(bin, tool), ...args]] : [path.join(bin, tool), args];
  const run = (tool: string, args: string[]) => {
    const result = spawnSync(...command(tool, args), { encoding: "utf8" });
    if (result.status !== 0) throw new Error(`${tool} ${args[0] ?? ""} failed: ${result.stderr || result.stdout}`);
  };
  // Mid-run the load generator shares this event loop: a synchronous pg_ctl would stall it for the outage.
  const runAsync = (tool: string, args: string[]) =>
    new Promise<void>((resolve, reject) => {
      const child = spawn(...command(tool, args), { stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("exit", (code) =>
        code === 0 ? resolve() : reject(new Error(`${tool} ${args.join(" ")} failed: ${stderr}`)),
      );
    });
  const port = await freePort();
  const data = path.join(dir, "data");
  run("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"]);
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -c unix_socket_directories=${dir} -c fsync=off -c max_connections=200`;
  const pgCtl = (...args: string[]) => run("pg_ctl", ["-D", data, "-l", path.join(dir, "server.log"), "-w", ...args]);
  pgCtl("-o", options, "start");
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const version = (await answers(adminUrl)) ?? "?";
  let stopped = false;
  return {
    adminUrl,
    origin: "throwaway cluster",
    version,
    async restart(downSeconds: number) {
      const ctl = ["-D", data, "-l", path.join(dir, "server.log"), "-w"];
      const started = Date.now();
      await runAsync("pg_ctl", [...ctl, "-m", "fast", "stop"]);
      await new Promise((r) => setTimeout(r, downSeconds * 1000));
      // -w: resolves once the server accepts connections again.
      await runAsync("pg_ctl", [...ctl, "-o", options, "start"]);
      return { downMs: Date.now() - started };
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        pgCtl("-m", "immediate", "stop");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
