import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import { rowsOf, type Database } from "@/db";
import { createMerchantWithUser } from "@/db/queries/users";
import { authorizationSessions, authorizers } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";
import { SANDBOX_COMPONENT } from "@/lib/sandbox/credentials";
import { startAppServer } from "../support/app-server";
import { createTestDatabaseConfig, openConfiguredDatabase } from "../support/database";
import { signInOverHttp } from "../support/sign-in";
import { generateCases, TARGETS, type CaseSpec, type Target } from "./cases";
import { createMaterializer, type Expectation, type FuzzContext, type MaterializedCase } from "./requests";
import { createWireClient, type WireOutcome } from "./wire";

export interface FuzzOptions {
  seed: number;
  cases: number;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Cases run before the RSS baseline is taken (their own seed; counted apart). */
  warmupCases?: number;
  /** Allowed RSS growth of the server between the baseline and the end. */
  maxRssGrowthMb?: number;
  /** Run only this case of the seed (reproducing a failure). */
  only?: number;
  /** NODE_OPTIONS of the server; default: a 128 MB heap cap, which tells garbage from a leak. */
  serverNodeOptions?: string;
  /** Run only the cases of these targets (same indices as the full run: for bisecting). */
  targets?: Target[];
  progress?: (line: string) => void;
}

export interface Violation {
  /** A target's own failures, or "server" (crash, 5xx-free health, memory) and "rows" (what was stored). */
  scope: Target | "server" | "rows";
  message: string;
}

export interface TargetStats {
  cases: number;
  requests: number;
  statuses: Record<string, number>;
  families: Record<string, number>;
  validCases: number;
  /** Statuses of the valid pushes alone: all 404 means the route is not there at all. */
  validStatuses: Record<string, number>;
}

export interface FuzzReport {
  seed: number;
  cases: number;
  warmupCases: number;
  durationMs: number;
  targets: Record<Target, TargetStats>;
  rows: {
    componentEvents: number;
    authorizerEvents: number;
    webhookDeliveries: number;
    expectedComponent: number;
    expectedAuthorizer: number;
    badMarkers: number;
  };
  rss: { baselineMb: number; endMb: number; peakMb: number };
  violations: Violation[];
}

const AUTHORIZER = { appId: "wx570bc396a51b8ff8", userName: "gh_3c884a361561" };
const MERCHANT_PASSWORD = "fuzz-merchant-password";
const MAX_REASON_LENGTH = 200;
const DEFAULT_SERVER_NODE_OPTIONS = "--max-old-space-size=128";
/** A violation list longer than this is cut (the count is kept): one bug tends to repeat thousands of times. */
const MAX_VIOLATIONS_PER_SCOPE = 25;

/**
 * The hostile-input run: a fresh database with one merchant, one authorized account and a few authorization states,
 * the built app on it, then `cases` generated requests over real HTTP. Afterwards the server must be alive and
 * healthy, its memory steady, every answer as expected, and the database must hold exactly the valid pushes.
 */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const concurrency = options.concurrency ?? 4;
  const warmupCount = options.only !== undefined ? 0 : (options.warmupCases ?? 100);
  const progress = options.progress ?? (() => {});
  const runId = randomBytes(4).toString("hex");
  const config = await createTestDatabaseConfig();
  const violations: Violation[] = [];
  const counts = new Map<string, number>();
  const violate = (scope: Violation["scope"], message: string) => {
    const n = (counts.get(scope) ?? 0) + 1;
    counts.set(scope, n);
    if (n <= MAX_VIOLATIONS_PER_SCOPE) violations.push({ scope, message });
  };

  const seeded = await seedDatabase(config, runId);
  // A capped heap: uncapped, V8 lets garbage pile up (+150 MB over 10,000 cases, gone under the cap), which hides
  // a leak as well as it fakes one. Under the cap a leak ends in a crash or a rising RSS, and both fail the run.
  const env: Record<string, string> = {
    BACKGROUND_JOBS: "0",
    NODE_OPTIONS: options.serverNodeOptions ?? DEFAULT_SERVER_NODE_OPTIONS,
  };
  const app = await startAppServer({ database: config, env });
  const client = createWireClient({ port: app.port, timeoutMs: 30_000 });
  const targets = Object.fromEntries(
    TARGETS.map((t) => [t, { cases: 0, requests: 0, statuses: {}, families: {}, validCases: 0, validStatuses: {} }]),
  ) as Record<Target, TargetStats>;
  const expectedRows: Record<"component" | "authorizer", number> = { component: 0, authorizer: 0 };
  const rss = { baselineMb: 0, endMb: 0, peakMb: 0 };
  const started = performance.now();
  try {
    const ctx: FuzzContext = {
      component: SANDBOX_COMPONENT,
      authorizer: AUTHORIZER,
      merchantCookie: await signInOverHttp(app.url, seeded.email, MERCHANT_PASSWORD),
      states: seeded.states,
      runId,
    };
    const materialize = createMaterializer(ctx);

    async function runCase(spec: CaseSpec, index: number, counted: boolean): Promise<void> {
      const built = materialize(spec, index);
      const outcomes = built.concurrent
        ? await Promise.all(built.requests.map((r) => client.send(r)))
        : await sequential(built);
      if (built.rows > 0 && spec.target !== "callback") expectedRows[spec.target] += built.rows;
      if (!counted) return;
      const stats = targets[spec.target];
      stats.cases++;
      stats.requests += outcomes.length;
      stats.families[spec.family] = (stats.families[spec.family] ?? 0) + 1;
      if (built.rows > 0) stats.validCases++;
      for (const outcome of outcomes) {
        const key = outcome.kind === "response" ? String(outcome.status) : outcome.kind;
        stats.statuses[key] = (stats.statuses[key] ?? 0) + 1;
        if (built.rows > 0) stats.validStatuses[key] = (stats.validStatuses[key] ?? 0) + 1;
        const problem = check(outcome, built.expect, app.url);
        if (problem) violate(spec.target, `case ${index} ${spec.family}/${spec.variant}: ${problem}`);
      }
    }

    async function sequential(built: MaterializedCase): Promise<WireOutcome[]> {
      const outcomes: WireOutcome[] = [];
      for (const request of built.requests) outcomes.push(await client.send(request));
      return outcomes;
    }

    async function runAll(cases: { spec: CaseSpec; index: number }[], counted: boolean): Promise<void> {
      let next = 0;
      const worker = async () => {
        while (next < cases.length) {
          const i = next++;
          const { spec, index } = cases[i]!;
          await runCase(spec, index, counted);
          if (counted && (i + 1) % 1000 === 0) {
            if (!app.alive()) throw new Error(`server process ${app.pid} died after case ${index}`);
            rss.peakMb = Math.max(rss.peakMb, rssMb(app.pid));
            progress(`${i + 1}/${cases.length} cases, RSS ${rssMb(app.pid).toFixed(0)} MB`);
          }
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
    }

    const numbered = (specs: CaseSpec[], first = 0) => specs.map((spec, i) => ({ spec, index: first + i }));
    if (warmupCount > 0) await runAll(numbered(generateCases(options.seed ^ 0x5eed, warmupCount), 10_000_000), false);
    rss.baselineMb = await rssFloorMb(app.pid, 3);
    rss.peakMb = rss.baselineMb;
    progress(`warm-up: ${warmupCount} cases; RSS baseline ${rss.baselineMb.toFixed(0)} MB`);

    const all = generateCases(options.seed, options.only !== undefined ? options.only + 1 : options.cases);
    if (options.only !== undefined) await runAll(numbered(all).slice(options.only), true);
    else
      await runAll(
        numbered(all).filter(({ spec }) => !options.targets || options.targets.includes(spec.target)),
        true,
      );

    rss.endMb = await rssFloorMb(app.pid, 5);
    rss.peakMb = Math.max(rss.peakMb, rss.endMb);
    if (!app.alive()) violate("server", `server process ${app.pid} is gone`);
    const health = await fetch(`${app.url}/api/health`).catch((error: Error) => error);
    if (health instanceof Error || health.status !== 200) {
      violate("server", `health after the run: ${health instanceof Error ? health.message : health.status}`);
    }
    const growth = rss.endMb - rss.baselineMb;
    const limit = options.maxRssGrowthMb ?? 64;
    if (options.only === undefined && growth > limit) {
      violate(
        "server",
        `RSS grew ${growth.toFixed(1)} MB (${rss.baselineMb.toFixed(0)} → ${rss.endMb.toFixed(0)} MB), limit ${limit} MB`,
      );
    }
  } finally {
    const output = app.output();
    await app.stop();
    // Next logs an error that escaped a handler with ⨯ (and answers 500): none may, whatever the status said.
    const escaped = output.split("\n").filter((line) => line.includes("⨯") || /uncaught|unhandled/i.test(line));
    if (escaped.length > 0)
      violate(
        "server",
        `the server logged ${escaped.length} escaped errors, first: ${escaped.slice(0, 3).join(" | ")}`,
      );
  }
  const durationMs = performance.now() - started;

  const rows = await countAndCheckRows(config, seeded, runId, expectedRows, violate);
  await config.drop();

  // A route missing from the build answers no valid push with 200 but with Next's 404 page (or, for a multipart
  // content type, Next's 500 of a failed server-action parse): say that once, instead of once per case.
  const authorizer = targets.authorizer;
  if (authorizer.validCases > 0 && !authorizer.validStatuses["200"] && authorizer.validStatuses["404"]) {
    for (let i = violations.length - 1; i >= 0; i--) if (violations[i]!.scope === "authorizer") violations.splice(i, 1);
    counts.delete("authorizer");
    violations.push({
      scope: "authorizer",
      message: `no valid push to /api/wechat/authorizers/[appid]/events succeeded (${JSON.stringify(authorizer.validStatuses)}): the route is not in this build`,
    });
  }
  for (const [scope, n] of counts) {
    if (n > MAX_VIOLATIONS_PER_SCOPE)
      violations.push({ scope: scope as Violation["scope"], message: `… and ${n - MAX_VIOLATIONS_PER_SCOPE} more` });
  }
  return {
    seed: options.seed,
    cases: options.only !== undefined ? 1 : options.cases,
    warmupCases: warmupCount,
    durationMs,
    targets,
    rows,
    rss,
    violations,
  };
}

/** What is wrong with one answer, or null. */
function check(outcome: WireOutcome, expect: Expectation, baseUrl: string): string | null {
  if (outcome.kind === "timeout") return `no answer within ${Math.round(outcome.ms)} ms (hang)`;
  if (outcome.kind === "closed")
    return expect.mayClose
      ? null
      : `connection closed without an answer after ${Math.round(outcome.ms)} ms (${outcome.error})`;
  const { status, body, headers } = outcome;
  const shown = JSON.stringify(body.slice(0, 120));
  if (status >= 500) return `${status} ${shown}`;
  const allowed = expect.statuses === "4xx" ? status >= 400 && status < 500 : expect.statuses.includes(status);
  if (!allowed)
    return `status ${status}, expected ${expect.statuses === "4xx" ? "a 4xx" : expect.statuses.join("/")}; body ${shown}`;
  if (expect.bodies)
    return expect.bodies.includes(body)
      ? null
      : `body ${shown}, expected ${expect.bodies.map((b) => JSON.stringify(b)).join(" or ")}`;
  if (expect.location && status >= 300 && status < 400) {
    const location = headers.location;
    if (!location) return `redirect without a Location`;
    const target = new URL(location, baseUrl);
    if (target.origin !== new URL(baseUrl).origin) return `redirect off-site: ${location.slice(0, 200)}`;
    const local = `${target.pathname}${target.search}`;
    return expect.location.test(local) ? null : `redirect to ${local.slice(0, 200)}, expected ${expect.location}`;
  }
  if (status >= 400) {
    if (body === "success") return `answered \`success\` with ${status}`;
    if (!(expect.frameworkBody && status === 404) && body.length > MAX_REASON_LENGTH)
      return `reason is ${body.length} characters: ${shown}`;
    if (/\bat .+\.(js|ts):\d+/.test(body)) return `stack trace in the answer: ${shown}`;
  }
  return null;
}

interface Seeded {
  email: string;
  states: FuzzContext["states"];
  authorizerRows: number;
  sessions: string;
}

/** Before the server opens the database (PGlite allows one process per directory): the accounts the cases need. */
async function seedDatabase(
  config: Awaited<ReturnType<typeof createTestDatabaseConfig>>,
  runId: string,
): Promise<Seeded> {
  const database = await openConfiguredDatabase(config);
  try {
    const email = `fuzz-${runId}@example.com`;
    const passwordHash = await hashPassword(MERCHANT_PASSWORD);
    const merchant = await createMerchantWithUser(database.db, { businessName: "Fuzz merchant", email, passwordHash });
    const other = await createMerchantWithUser(database.db, {
      businessName: "Other merchant",
      email: `other-${email}`,
      passwordHash,
    });
    if (!merchant || !other) throw new Error("fuzz merchants not created");
    await database.db.insert(authorizers).values({
      appId: AUTHORIZER.appId,
      userName: AUTHORIZER.userName,
      merchantId: merchant.merchantId,
      kind: "official_account",
      status: "authorized",
      funcIds: [1],
    });
    const states = {
      expired: `expired-${runId}-state-0001`,
      used: `used-${runId}-state-00001`,
      foreign: `foreign-${runId}-state-0001`,
    };
    const hour = 3600_000;
    const session = (state: string, owner: typeof merchant, expiresAt: Date, usedAt: Date | null) => ({
      state,
      merchantId: owner.merchantId,
      userId: owner.userId,
      preAuthCode: `preauthcode@@@${state}`,
      authType: 3,
      expiresAt,
      usedAt,
      outcome: usedAt ? "authorized" : null,
    });
    await database.db
      .insert(authorizationSessions)
      .values([
        session(states.expired, merchant, new Date(Date.now() - hour), null),
        session(states.used, merchant, new Date(Date.now() + hour), new Date()),
        session(states.foreign, other, new Date(Date.now() + hour), null),
      ]);
    return {
      email,
      states,
      authorizerRows: await countRows(database, "authorizers"),
      sessions: await sessionsSnapshot(database),
    };
  } finally {
    await database.close();
  }
}

async function countRows(database: Database, table: string, where = "true"): Promise<number> {
  const result = await database.db.execute(sql.raw(`select count(*)::int as n from ${table} where ${where}`));
  return rowsOf<{ n: number }>(result)[0]?.n ?? 0;
}

async function sessionsSnapshot(database: Database): Promise<string> {
  const result = await database.db.execute(
    sql`select state, used_at, outcome, authorizer_app_id from authorization_sessions order by state`,
  );
  return JSON.stringify(rowsOf(result));
}

/**
 * After the server stopped: wechat_events holds exactly one row per valid push (retries included), nothing carries
 * a FUZZ-BAD marker, no delivery is queued (the seeded merchants have no webhook, so one would be a delivery queued
 * for nobody), and the seeded accounts and authorization states are untouched.
 */
async function countAndCheckRows(
  config: Awaited<ReturnType<typeof createTestDatabaseConfig>>,
  seeded: Seeded,
  runId: string,
  expected: Record<"component" | "authorizer", number>,
  violate: (scope: Violation["scope"], message: string) => void,
): Promise<FuzzReport["rows"]> {
  const database = await openConfiguredDatabase(config);
  try {
    const componentEvents = await countRows(database, "wechat_events", "source = 'component'");
    const authorizerEvents = await countRows(database, "wechat_events", "source = 'authorizer'");
    const badMarkers = await countRows(database, "wechat_events", `payload::text like '%FUZZ-BAD-${runId}%'`);
    const validComponent = await countRows(
      database,
      "wechat_events",
      `source = 'component' and payload::text like '%FUZZ-VALID-${runId}%'`,
    );
    const webhookDeliveries = await countRows(database, "webhook_deliveries");

    if (badMarkers > 0) violate("rows", `${badMarkers} wechat_events rows come from pushes that had to be refused`);
    if (componentEvents !== expected.component || validComponent !== expected.component) {
      violate(
        "rows",
        `component events: ${componentEvents} rows (${validComponent} of this run's valid pushes), expected ${expected.component}`,
      );
    }
    if (authorizerEvents !== expected.authorizer)
      violate("rows", `authorizer events: ${authorizerEvents} rows, expected ${expected.authorizer}`);
    if (webhookDeliveries !== 0)
      violate("rows", `webhook_deliveries: ${webhookDeliveries} rows queued for merchants without a webhook`);
    const authorizerRows = await countRows(database, "authorizers");
    if (authorizerRows !== seeded.authorizerRows)
      violate("rows", `authorizers: ${authorizerRows} rows, seeded ${seeded.authorizerRows}`);
    if ((await sessionsSnapshot(database)) !== seeded.sessions)
      violate("rows", "authorization_sessions changed: a refused callback consumed or rewrote a state");
    return {
      componentEvents,
      authorizerEvents,
      webhookDeliveries,
      expectedComponent: expected.component,
      expectedAuthorizer: expected.authorizer,
      badMarkers,
    };
  } finally {
    await database.close();
  }
}

/** Resident memory of the server and any processes it started (Next may fork a worker), in MB. */
function rssMb(pid: number): number {
  let kb = 0;
  const visit = (p: number) => {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, "utf8"))?.[1] ?? 0);
      for (const child of readFileSync(`/proc/${p}/task/${p}/children`, "utf8").split(" ").filter(Boolean))
        visit(Number(child));
    } catch {
      // gone between listing and reading
    }
  };
  visit(pid);
  return kb / 1024;
}

/**
 * The lowest RSS over `samples` seconds, after 2 s for in-flight work (batched inserts, cancelled uploads) to finish.
 * We cannot make the server collect garbage, and its heap swings by ±50 MB between collections under this load;
 * a leak raises the floor, uncollected garbage does not.
 */
async function rssFloorMb(pid: number, samples: number): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 2000));
  let floor = Infinity;
  for (let i = 0; i < samples; i++) {
    floor = Math.min(floor, rssMb(pid));
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return floor;
}

/** The report as the long run prints it (and the quick test on failure). */
export function formatReport(report: FuzzReport): string {
  const lines = [
    `seed ${report.seed} (FUZZ_SEED=${report.seed} reproduces it), ${report.cases} cases + ${report.warmupCases} warm-up in ${(report.durationMs / 1000).toFixed(1)} s`,
  ];
  for (const target of TARGETS) {
    const t = report.targets[target];
    const statuses = Object.entries(t.statuses)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([s, n]) => `${s}×${n}`)
      .join(" ");
    const families = Object.entries(t.families)
      .map(([f, n]) => `${f} ${n}`)
      .join(", ");
    lines.push(`  ${target}: ${t.cases} cases (${t.validCases} valid), ${t.requests} requests; statuses ${statuses}`);
    lines.push(`    families: ${families}`);
  }
  const r = report.rows;
  lines.push(
    `  rows: wechat_events component ${r.componentEvents} (expected ${r.expectedComponent}), authorizer ${r.authorizerEvents} (expected ${r.expectedAuthorizer}), ` +
      `webhook_deliveries ${r.webhookDeliveries}, from refused input ${r.badMarkers}`,
  );
  lines.push(
    `  server RSS: ${report.rss.baselineMb.toFixed(0)} MB after warm-up → ${report.rss.endMb.toFixed(0)} MB at the end (peak ${report.rss.peakMb.toFixed(0)} MB)`,
  );
  lines.push(
    report.violations.length === 0
      ? "  violations: none"
      : `  violations:\n${report.violations.map((v) => `    [${v.scope}] ${v.message}`).join("\n")}`,
  );
  return lines.join("\n");
}
