import { spawn, type ChildProcess } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { openDatabase, rowsOf } from "@/db";
import { startAppServer, type AppServer } from "../support/app-server";
import { createTestDatabaseConfig, type TestDatabaseConfig } from "../support/database";
import { sealTicketPush } from "../support/seal-ticket-push";
import { ensureFloorBuild, FLOOR_PATH } from "./floor-app";
import {
  cpuSeconds,
  load,
  machineBusySeconds,
  processTreeMemory,
  treePids,
  type LoadRequestData,
  type LoadResult,
} from "./load";

/**
 * Ticket pushes per second against `next start` + PostgreSQL, next to two references measured in the same run:
 * an empty route handler under `next start` of the same app (the framework's floor; built into a throwaway copy,
 * floor-app.ts, so the app never ships it) and the same verify + decrypt + insert
 * in a bare node:http server (the machine's ceiling). Every push is a fresh, signed, encrypted
 * component_verify_ticket with a unique ticket and a current timestamp; every acknowledged one is checked in the
 * database afterwards.
 */

export interface TicketPushBenchOptions {
  connections?: number;
  warmupSeconds?: number;
  durationSeconds?: number;
}

const ROOT = path.resolve(import.meta.dirname, "../..");
const PUSH_PATH = "/api/wechat/component/events";
const AIM_FLOOR_RATIO = 0.8;
const AIM_P99_MS = 50;
/** Metrics on may cost at most 5 % of the push rate; a scrape at 100k authorizations answers within 100 ms. */
const AIM_METRICS_RATIO = 0.95;
const AIM_SCRAPE_MS = 100;
const SCRAPE_AUTHORIZERS = 100_000;
/** Scrapes timed at 100k authorizations, 5.2 s apart (each past the 5 s gauge cache). */
const SCRAPES_TIMED = 10;
const BENCH_METRICS_TOKEN = "bench-metrics-token-0123456789abcdef";
/** Enough for ~20,000 req/s over 10 s; a few hundred bytes each. */
const MAX_POOL = 400_000;
const MIN_POOL = 20_000;

let sequence = 0;

interface Push {
  ticket: string;
  query: string;
  body: string;
}

/** A push exactly as WeChat sends one, for a ticket never used before. */
function freshTicketPush(): Push {
  const ticket = `ticket@@@bench-${++sequence}`;
  const { query, body } = sealTicketPush(ticket);
  return { ticket, query: query.toString(), body };
}

/**
 * Pushes for one run. Sealing costs the load generator tens of µs per push, CPU the 2-core machine would
 * otherwise take from the server under test, so the timed run draws from pushes sealed beforehand (seconds
 * before, well inside the route's 600 s timestamp window) and seals live only if the pool runs dry.
 */
class PushSource {
  private pool: Push[] = [];
  private index = 0;
  live = 0;

  fill(count: number): void {
    this.pool = Array.from({ length: count }, freshTicketPush);
    this.index = 0;
    this.live = 0;
  }

  next(): Push {
    if (this.index < this.pool.length) return this.pool[this.index++]!;
    this.live++;
    return freshTicketPush();
  }
}

interface Scenario {
  name: string;
  result: LoadResult;
  /** Tickets answered 200 `success`, warm-up included. */
  acknowledged: Set<string>;
  /** Responses of the warm-up and timed runs together. */
  totals: { ok: number; non2xx: number; errors: number; timeouts: number };
  /** Share of one core over the timed run. `other` is the rest of the machine (other sessions, the OS). */
  cpu: { client: number; server: number; postgres: number; other: number };
  pool: { size: number; live: number };
}

/**
 * A warm-up run (pushes sealed live), then the timed run (pushes from a pool sized from the warm-up's rate), with
 * the CPU use of client, server, PostgreSQL and everything else over the timed run.
 */
async function measure(
  name: string,
  baseUrl: string,
  pathname: string,
  serverPid: number,
  databaseUrl: string,
  options: Required<TicketPushBenchOptions>,
): Promise<Scenario> {
  const acknowledged = new Set<string>();
  const source = new PushSource();
  const requests = [
    {
      method: "POST" as const,
      headers: { "content-type": "text/xml" },
      setupRequest(req: LoadRequestData, context: Record<string, unknown>): LoadRequestData {
        const push = source.next();
        context.ticket = push.ticket;
        return { ...req, path: `${pathname}?${push.query}`, body: push.body };
      },
      onResponse(status: number, body: string, context: Record<string, unknown>) {
        if (status === 200 && body === "success") acknowledged.add(context.ticket as string);
      },
    },
  ];
  const settings = { url: baseUrl, connections: options.connections, requests };
  process.stdout.write(`  ${name}: warm-up ${options.warmupSeconds} s`);
  const warmup = await load({ ...settings, durationSeconds: options.warmupSeconds });

  const warmupRate = (warmup["2xx"] + warmup.non2xx) / warmup.duration;
  // Generous: the warm-up runs cold, and on a busy machine its rate says little about the timed run's.
  const poolSize = Math.min(MAX_POOL, Math.max(MIN_POOL, Math.ceil(warmupRate * options.durationSeconds * 3)));
  process.stdout.write(`, sealing ${poolSize} pushes`);
  source.fill(poolSize);
  process.stdout.write(`, ${options.durationSeconds} s timed\n`);

  const serverPids = treePids(serverPid);
  const pgPids = await postgresPidsServing(databaseUrl);
  const before = {
    client: process.cpuUsage(),
    server: cpuSeconds(serverPids),
    postgres: cpuSeconds(pgPids),
    machine: machineBusySeconds(),
  };
  const result = await load({ ...settings, durationSeconds: options.durationSeconds });
  const clientUsage = process.cpuUsage(before.client);
  const seconds = result.duration;
  const client = (clientUsage.user + clientUsage.system) / 1e6 / seconds;
  const server = (cpuSeconds(serverPids) - before.server) / seconds;
  const postgresCpu = (cpuSeconds(pgPids) - before.postgres) / seconds;
  const machine = (machineBusySeconds() - before.machine) / seconds;
  const cpu = { client, server, postgres: postgresCpu, other: Math.max(0, machine - client - server - postgresCpu) };
  const totals = {
    ok: warmup["2xx"] + result["2xx"],
    non2xx: warmup.non2xx + result.non2xx,
    errors: warmup.errors + result.errors,
    timeouts: warmup.timeouts + result.timeouts,
  };
  return { name, result, acknowledged, totals, cpu, pool: { size: poolSize, live: source.live } };
}

/**
 * The PostgreSQL processes doing this scenario's work: the backends connected to its database (the server's pool,
 * opened during the warm-up) and the server's own background processes (WAL writer, checkpointer, ...), but not
 * the backends of other databases on a shared server.
 */
async function postgresPidsServing(databaseUrl: string): Promise<number[]> {
  const admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
  try {
    const rows = await admin<{ pid: number }[]>`
      select pid from pg_stat_activity
      where (datname = ${new URL(databaseUrl).pathname.slice(1)} or backend_type <> 'client backend') and pid <> pg_backend_pid()`;
    return rows.map((r) => r.pid);
  } finally {
    await admin.end();
  }
}

interface StorageCheck {
  stored: number;
  /** Acknowledged (200 `success`) but not in wechat_events: must be 0. */
  missing: number;
  /** Stored but never acknowledged: requests still in flight when a run stopped (at most connections per run). */
  unacknowledged: number;
}

async function checkStored(databaseUrl: string, acknowledged: Set<string>): Promise<StorageCheck> {
  const database = await openDatabase({ databaseUrl, pgliteDir: "memory://", maxConnections: 2 }); // migrate() holds one connection for its advisory lock and runs on another
  try {
    const rows = rowsOf<{ ticket: string }>(
      await database.db.execute(
        sql`select payload->>'ticket' as ticket from wechat_events where info_type = 'component_verify_ticket' and payload->>'ticket' like 'ticket@@@bench-%'`,
      ),
    );
    const stored = new Set(rows.map((r) => r.ticket));
    let missing = 0;
    for (const ticket of acknowledged) if (!stored.has(ticket)) missing++;
    let unacknowledged = 0;
    for (const ticket of stored) if (!acknowledged.has(ticket)) unacknowledged++;
    return { stored: stored.size, missing, unacknowledged };
  } finally {
    await database.close();
  }
}

interface BareServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** The bare node:http baseline, in its own process so it does not share an event loop with the load generator. */
async function startBareServer(databaseUrl: string): Promise<BareServer> {
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", path.join(ROOT, "tests/bench/bare-push-server.ts")],
    {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: "production", BENCH_DATABASE_URL: databaseUrl },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once("line", (line) => resolve((JSON.parse(line) as { port: number }).port));
    child.once("exit", (code) => reject(new Error(`bare server exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const pct = (share: number) => `${(share * 100).toFixed(0)}%`;

export async function benchTicketPushes(opts: TicketPushBenchOptions = {}): Promise<void> {
  const options: Required<TicketPushBenchOptions> = { connections: 50, warmupSeconds: 2, durationSeconds: 10, ...opts };
  console.log(
    `\n## Ticket pushes: ${options.connections} connections, ${options.warmupSeconds} s warm-up + ${options.durationSeconds} s timed per scenario`,
  );

  let floor: AppServer | undefined;
  let app: AppServer | undefined;
  let metricsApp: AppServer | undefined;
  let bare: BareServer | undefined;
  let bareDatabase: TestDatabaseConfig | undefined;
  const cleanUp = async () => {
    await bare?.stop().catch(() => {});
    await bareDatabase?.drop().catch(() => {});
    for (const server of [floor, app, metricsApp]) {
      if (!server) continue;
      await server.stop().catch(() => {});
      await server.database.drop().catch(() => {});
    }
  };
  // The servers run detached: on Ctrl-C, stop them and drop their databases rather than leave them behind.
  const onSignal = () => void cleanUp().finally(() => process.exit(130));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    // --- next start of the floor app: the empty route ---------------------------------------------------
    const floorDir = await ensureFloorBuild();
    floor = await startAppServer({ cwd: floorDir, env: { BACKGROUND_JOBS: "0" } });
    const probe = await fetch(`${floor.url}${FLOOR_PATH}`, { method: "POST", body: "" });
    if (probe.status !== 200) throw new Error(`${FLOOR_PATH} answered ${probe.status} in the floor app (${floorDir})`);
    console.log(`next start (floor app): pid ${floor.pid}, ${floor.url}`);
    const empty = await measure(
      "empty route (next start)",
      floor.url,
      FLOOR_PATH,
      floor.pid,
      floor.database.databaseUrl!,
      options,
    );
    await floor.stop();

    // --- next start of the app: the ticket push route ------------------------------------------------------
    app = await startAppServer({ env: { BACKGROUND_JOBS: "0" } });
    console.log(`next start: pid ${app.pid}, ${app.url}`);
    const push = await measure(
      "ticket push (next start)",
      app.url,
      PUSH_PATH,
      app.pid,
      app.database.databaseUrl!,
      options,
    );
    const nextMemory = processTreeMemory(app.pid);
    const pushStorage = await checkStored(app.database.databaseUrl!, push.acknowledged);
    await app.stop();

    // --- metrics on: the same route with METRICS_TOKEN set (recording on) and Prometheus-like scrapes every second,
    // then scrapes at 100,000 authorizations, each past the 5 s gauge cache (it answers with the last values and
    // starts a database read in the background; the read's own time is printed beside) ---------------------------
    metricsApp = await startAppServer({ env: { BACKGROUND_JOBS: "0", METRICS_TOKEN: BENCH_METRICS_TOKEN } });
    await seedAuthorizers(metricsApp.database.databaseUrl!, SCRAPE_AUTHORIZERS);
    const scraper = startScraper(metricsApp.url, 1000);
    const pushOn = await measure(
      "ticket push, metrics on (next start)",
      metricsApp.url,
      PUSH_PATH,
      metricsApp.pid,
      metricsApp.database.databaseUrl!,
      options,
    );
    const scrapesDuringLoad = await scraper.stop();
    const pushOnStorage = await checkStored(metricsApp.database.databaseUrl!, pushOn.acknowledged);
    const scrapes = await timeScrapes(metricsApp.url, SCRAPES_TIMED);
    const scrapeTimes = scrapes.map((x) => x.ms);
    await metricsApp.stop();

    // --- bare node:http: the same receiver, no framework ------------------------------------------------
    bareDatabase = await createTestDatabaseConfig();
    bare = await startBareServer(bareDatabase.databaseUrl!);
    console.log(`bare node:http: pid ${bare.pid}, ${bare.url}`);
    const ceiling = await measure(
      "ticket push (bare node:http)",
      bare.url,
      "/",
      bare.pid,
      bareDatabase.databaseUrl!,
      options,
    );
    const bareMemory = processTreeMemory(bare.pid);
    const bareStorage = await checkStored(bareDatabase.databaseUrl!, ceiling.acknowledged);

    // --- report -------------------------------------------------------------------------------------------
    const scenarios = [empty, push, pushOn, ceiling];
    const header = [
      "scenario",
      "req/s",
      "p50 ms",
      "p99 ms",
      "max ms",
      "2xx",
      "non-2xx",
      "errors",
      "CPU client/server/pg/other",
    ];
    const rows = scenarios.map((s) => [
      s.name,
      s.result.requests.average.toFixed(0),
      String(s.result.latency.p50),
      String(s.result.latency.p99),
      String(s.result.latency.max),
      String(s.result["2xx"]),
      String(s.result.non2xx),
      `${s.result.errors}${s.result.timeouts ? ` (${s.result.timeouts} timeouts)` : ""}`,
      `${pct(s.cpu.client)} / ${pct(s.cpu.server)} / ${pct(s.cpu.postgres)} / ${pct(s.cpu.other)}`,
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) =>
      cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
    console.log("");
    console.log(line(header));
    console.log(widths.map((w) => "-".repeat(w)).join("  "));
    for (const row of rows) console.log(line(row));

    const floorRatio = push.result.requests.average / empty.result.requests.average;
    const ceilingRatio = push.result.requests.average / ceiling.result.requests.average;
    const p99 = push.result.latency.p99;
    const verdict = (ok: boolean) => (ok ? "PASS" : "FAIL");
    const sum = (list: { peakRss: number }[]) => list.reduce((a, p) => a + p.peakRss, 0);
    const max = (list: { peakRss: number }[]) => Math.max(...list.map((p) => p.peakRss));
    const describeTree = (list: { pid: number; command: string; peakRss: number }[]) =>
      list.map((p) => `${p.command}[${p.pid}] ${mb(p.peakRss)}`).join(", ");

    console.log("");
    console.log(
      `push / empty route (floor):   ${floorRatio.toFixed(2)}x   aim >= ${AIM_FLOOR_RATIO}x   ${verdict(floorRatio >= AIM_FLOOR_RATIO)}`,
    );
    console.log(`push / bare node:http:        ${ceilingRatio.toFixed(2)}x`);
    const onRatio = pushOn.result.requests.average / push.result.requests.average;
    console.log(
      `push metrics on / off:        ${onRatio.toFixed(3)}x   aim >= ${AIM_METRICS_RATIO}x   ${verdict(onRatio >= AIM_METRICS_RATIO)}`,
    );
    console.log(
      `scrapes during the metrics-on run: ${scrapesDuringLoad.ok} answered 200 of ${scrapesDuringLoad.sent}, median ${median(scrapesDuringLoad.ms).toFixed(0)} ms`,
    );
    console.log(
      `scrape at ${SCRAPE_AUTHORIZERS.toLocaleString("en")} authorizations (each past the 5 s gauge cache): ${scrapeTimes.map((ms) => ms.toFixed(0)).join(", ")} ms; ` +
        `median ${median(scrapeTimes).toFixed(0)} ms   aim <= ${AIM_SCRAPE_MS} ms   ${verdict(median(scrapeTimes) <= AIM_SCRAPE_MS)}`,
    );
    console.log(
      `  where the time went (server): ${scrapes.map((x) => `db ${x.dbMs.toFixed(0)} (${x.gauges}) + render ${x.renderMs.toFixed(0)}`).join("; ")} ms; ` +
        `median db ${median(scrapes.map((x) => x.dbMs)).toFixed(0)} ms, render ${median(scrapes.map((x) => x.renderMs)).toFixed(0)} ms`,
    );
    console.log(
      `  the database read behind them (in the background after the first): ${scrapes.map((x) => x.lastReadMs.toFixed(0)).join(", ")} ms; ` +
        `median ${median(scrapes.map((x) => x.lastReadMs)).toFixed(0)} ms`,
    );
    console.log(`push p99 (next start):        ${p99} ms   aim <= ${AIM_P99_MS} ms   ${verdict(p99 <= AIM_P99_MS)}`);
    console.log(
      `peak RSS, next start:         ${mb(max(nextMemory))} max, ${mb(sum(nextMemory))} sum of ${nextMemory.length} process(es): ${describeTree(nextMemory)}`,
    );
    console.log(`peak RSS, bare node:http:     ${mb(max(bareMemory))} (${describeTree(bareMemory)})`);
    console.log("");
    for (const [s, storage] of [
      [push, pushStorage],
      [pushOn, pushOnStorage],
      [ceiling, bareStorage],
    ] as const) {
      const ok = storage.missing === 0 && s.totals.non2xx === 0 && s.totals.errors === 0;
      console.log(
        `stored check, ${s.name}: ${s.acknowledged.size} acknowledged (warm-up + timed; autocannon 2xx ${s.totals.ok}), ` +
          `${storage.stored} stored, ${storage.missing} acknowledged but missing, ${storage.unacknowledged} stored but unanswered ` +
          `(in flight at a run's end), ${s.totals.non2xx} non-2xx, ${s.totals.errors} errors   ${verdict(ok)}`,
      );
    }
    const cores = os.cpus().length;
    console.log(
      `\nCPU: share of one core over the timed run (${cores} cores: ${cores * 100}% is all of them); pg = the backends of the scenario's database plus PostgreSQL's background processes; ` +
        `other = the rest of the machine (other sessions, the OS). All three scenarios send the ` +
        `same pushes, sealed before the timed run (${scenarios.map((s) => `${s.pool.size} pooled, ${s.pool.live} sealed live`).join("; ")}).`,
    );
    const busy = scenarios.filter((s) => s.cpu.other > 0.25);
    if (busy.length) {
      console.log(
        `WARNING: the machine was busy with other work during ${busy.map((s) => s.name).join(", ")} ` +
          `(other CPU up to ${pct(Math.max(...busy.map((s) => s.cpu.other)))}): absolute figures are depressed; rerun on a quiet machine.`,
      );
    }
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await cleanUp();
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor(sorted.length / 2)]!;
};

interface Scrape {
  status: number;
  /** As the scraper saw it: request to the last byte. */
  ms: number;
  /** From the app's Server-Timing: waiting on the database gauges, and rendering the registry. */
  dbMs: number;
  renderMs: number;
  /** read, joined, stale or cached */
  gauges: string;
  /** portal_metrics_database_read_seconds in the body: how long the last database read took, in ms. */
  lastReadMs: number;
}

async function scrape(url: string): Promise<Scrape> {
  const started = performance.now();
  const response = await fetch(`${url}/api/metrics`, { headers: { authorization: `Bearer ${BENCH_METRICS_TOKEN}` } });
  const body = await response.text();
  const ms = performance.now() - started;
  const timing = response.headers.get("server-timing") ?? "";
  const dur = (name: string) => Number(new RegExp(`${name};dur=([\\d.]+)`).exec(timing)?.[1] ?? NaN);
  const gauges = /db;dur=[\d.]+;desc="(\w+)"/.exec(timing)?.[1] ?? "?";
  const lastRead = /^portal_metrics_database_read_seconds ([\d.e+-]+)$/m.exec(body)?.[1];
  return {
    status: response.status,
    ms,
    dbMs: dur("db"),
    renderMs: dur("render"),
    gauges,
    lastReadMs: Number(lastRead) * 1000,
  };
}

/** Scrapes every `intervalMs` until stopped, like a Prometheus with a 1 s interval. */
function startScraper(url: string, intervalMs: number) {
  const result = { sent: 0, ok: 0, ms: [] as number[] };
  let running = true;
  const done = (async () => {
    while (running) {
      result.sent++;
      const { status, ms } = await scrape(url).catch(() => ({ status: 0, ms: NaN }));
      if (status === 200) {
        result.ok++;
        result.ms.push(ms);
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await done;
      return result;
    },
  };
}

/** `count` scrapes, each after the gauge cache has expired, so each one reads the database. */
async function timeScrapes(url: string, count: number): Promise<Scrape[]> {
  const scrapes: Scrape[] = [];
  for (let i = 0; i < count; i++) {
    await new Promise((r) => setTimeout(r, 5_200));
    const result = await scrape(url);
    if (result.status !== 200) throw new Error(`/api/metrics answered ${result.status}`);
    scrapes.push(result);
  }
  return scrapes;
}

/** 100k accounts in the mix a large platform has: mostly authorized (refresh due later), some needing attention. */
async function seedAuthorizers(databaseUrl: string, count: number): Promise<void> {
  const sqlClient = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await sqlClient`
      insert into authorizers (app_id, kind, status, refresh_token_sealed, refresh_due_at, refresh_failed_at)
      select 'wxb' || lpad(i::text, 15, '0'), 'official_account',
             case when i % 20 = 0 then 'needs_reauthorization' when i % 20 = 1 then 'unauthorized' else 'authorized' end,
             case when i % 20 > 1 then 'sealed' end,
             case when i % 20 > 1 then now() + make_interval(secs => 600 + i % 6000) end,
             case when i % 100 = 2 then now() end
      from generate_series(1, ${count}) as i`;
    await sqlClient`analyze authorizers`;
  } finally {
    await sqlClient.end();
  }
}
