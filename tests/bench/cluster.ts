import { sql } from "drizzle-orm";
import { rowsOf, type Database } from "@/db";
import { sandboxLedger } from "../support/portal";
import { describeMachine, ensureBuild, redactUrl } from "./build";
import { startCluster, waitForComponentToken, type Cluster } from "./cluster-support";
import { processTreeMemory } from "./load";
import { numberOptions } from "./options";
import {
  authorizeOnce,
  checkRefreshTokens,
  countDuplicatedEvents,
  createMerchants,
  deliverPush,
  issueTickets,
  printChecks,
  printLatencyTable,
  readActionIds,
  readToken,
  reasonOf,
  Recorder,
  signIn,
  sleep,
  storedPushKeys,
  ticketPush,
  waitForEventsApplied,
  type Check,
} from "./portal-driver";
import { resolvePostgres } from "./postgres-server";

// `npm run bench:cluster [-- --duration 45 --instances 3 ...]`: several `next start` instances on one
// PostgreSQL database behind a round-robin proxy, driven at once by WeChat's ticket pushes, merchants
// authorizing end to end through the sandbox, and backend services reading tokens, while the component token
// is forced to expire a few times. Then it checks what must hold across instances, prints a table, and exits
// non-zero when a check fails. Numbers from a shared 2-core machine are noisy: compare runs, not absolutes.

const options = numberOptions({
  duration: 45,
  instances: 3,
  pushers: 6,
  merchants: 3,
  readers: 3,
  refreshes: 4,
  /** WeChat-style duplicates: this share of acknowledged ticket pushes is delivered a second time. */
  "duplicate-share": 0.05,
});
const DURATION_S = options.duration;
const INSTANCES = options.instances;
const PUSHERS = options.pushers;
const MERCHANT_WORKERS = options.merchants;
const READERS = options.readers;
const REFRESHES = options.refreshes;
const DUPLICATE_SHARE = options["duplicate-share"];

async function componentTokenCalls(database: Database): Promise<number> {
  const [row] = rowsOf<{ n: string | number }>(
    await database.db.execute(
      sql`select coalesce(sum(count), 0) as n from sandbox_calls where endpoint = 'api_component_token'`,
    ),
  );
  return Number(row?.n ?? 0);
}

async function componentTokensIssued(database: Database): Promise<number> {
  const [row] = rowsOf<{ n: number }>(
    await database.db.execute(sql`select count(*)::int as n from sandbox_tokens where kind = 'component'`),
  );
  return row?.n ?? 0;
}

/**
 * WeChat ends the current component token early (42001 from now on) and the portal's stored copy is due: the
 * next call on any instance meets 42001 and refreshes. Returns once a new token was issued (or after 30 s).
 */
async function forceComponentTokenRefresh(database: Database): Promise<boolean> {
  const before = await componentTokensIssued(database);
  await database.db.transaction(async (tx) => {
    await tx.execute(
      sql`update sandbox_tokens set expires_at = now() where kind = 'component' and superseded_at is null and expires_at > now()`,
    );
    await tx.execute(sql`update wechat_component set access_token_expires_at = now()`);
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if ((await componentTokensIssued(database)) > before) return true;
    await sleep(100);
  }
  return false;
}

async function run(cluster: Cluster): Promise<boolean> {
  const { db } = cluster;
  const recorder = new Recorder();
  const ids = readActionIds();
  await waitForComponentToken(cluster);

  // Enough of everything for a fast run; the workers reuse or stop when they run out.
  const merchants = await createMerchants(db, Math.max(50, DURATION_S * 8));
  const tickets = await issueTickets(db, DURATION_S * 600);
  console.log(`Setup: ${merchants.length} merchants, ${tickets.length} tickets issued in the sandbox's ledger`);

  const callsBefore = await componentTokenCalls(db);
  const issuedBefore = await componentTokensIssued(db);
  const acknowledged = new Set<string>();
  let duplicatesSent = 0;
  const completed: { appId: string; merchantId: string }[] = [];
  const authFailures: string[] = [];
  let refreshesForced = 0;
  let refreshesObserved = 0;

  const startedAt = performance.now();
  const deadline = Date.now() + DURATION_S * 1000;
  const running = () => Date.now() < deadline;
  let nextTicket = 0;
  let nextMerchant = 0;

  const pusher = async () => {
    while (running() && nextTicket < tickets.length) {
      const push = ticketPush(tickets[nextTicket++]!);
      const sent = performance.now();
      try {
        const answer = await deliverPush(cluster.url, push);
        if (!answer.ok) {
          recorder.fail("ticket push", answer.status);
          continue;
        }
        recorder.ok("ticket push", performance.now() - sent);
        acknowledged.add(push.key);
        // WeChat delivers some pushes twice (a slow answer, its own retry): the same push must be stored once.
        if (Math.random() < DUPLICATE_SHARE) {
          duplicatesSent++;
          const again = performance.now();
          const second = await deliverPush(cluster.url, push);
          if (second.ok) recorder.ok("ticket push (repeat)", performance.now() - again);
          else recorder.fail("ticket push (repeat)", second.status);
        }
      } catch (error) {
        recorder.fail("ticket push", reasonOf(error));
      }
    }
  };

  const merchant = async () => {
    while (running()) {
      const m = merchants[nextMerchant++ % merchants.length]!;
      const flowStarted = performance.now();
      let cookie: string;
      try {
        cookie = await recorder.time("auth: sign-in", () => signIn(cluster.url, m));
      } catch {
        continue;
      }
      const outcome = await authorizeOnce(cluster.url, cookie, ids, recorder);
      if (outcome.ok) {
        recorder.ok("authorization (end to end)", performance.now() - flowStarted);
        completed.push({ appId: outcome.appId, merchantId: m.merchantId });
      } else {
        recorder.fail("authorization (end to end)", `${outcome.step}: ${outcome.reason}`);
        authFailures.push(`${outcome.step}: ${outcome.reason}`);
      }
    }
  };

  const reader = async () => {
    while (running()) {
      if (completed.length === 0) {
        await sleep(100);
        continue;
      }
      const { appId } = completed[Math.floor(Math.random() * completed.length)]!;
      const sent = performance.now();
      try {
        const answer = await readToken(cluster.url, appId);
        if (answer.status === 200 && answer.token) recorder.ok("token read", performance.now() - sent);
        else recorder.fail("token read", String(answer.status));
      } catch (error) {
        recorder.fail("token read", reasonOf(error));
      }
    }
  };

  const refresher = async () => {
    for (let k = 1; k <= REFRESHES; k++) {
      const at = startedAt + (DURATION_S * 1000 * k) / (REFRESHES + 1);
      await sleep(Math.max(0, at - performance.now()));
      refreshesForced++;
      if (await forceComponentTokenRefresh(db)) refreshesObserved++;
    }
  };

  console.log(
    `Driving for ${DURATION_S} s: ${PUSHERS} ticket pushers, ${MERCHANT_WORKERS} merchants authorizing, ${READERS} token readers, ` +
      `${REFRESHES} forced component token refreshes`,
  );
  await Promise.all([
    ...Array.from({ length: PUSHERS }, pusher),
    ...Array.from({ length: MERCHANT_WORKERS }, merchant),
    ...Array.from({ length: READERS }, reader),
    refresher(),
  ]);
  const seconds = (performance.now() - startedAt) / 1000;
  const memory = cluster.instances.map((i) => Math.max(...processTreeMemory(i.pid).map((p) => p.peakRss)));

  // --- checks -------------------------------------------------------------------------------------------
  const pendingEvents = await waitForEventsApplied(db, 30_000);
  const calls = (await componentTokenCalls(db)) - callsBefore;
  const issued = (await componentTokensIssued(db)) - issuedBefore;
  const duplicates = await countDuplicatedEvents(db);
  const stored = await storedPushKeys(db);
  const lostTickets = [...acknowledged].filter((t) => !stored.has(t));
  const ledger = await sandboxLedger(cluster);
  const tokens = await checkRefreshTokens(
    db,
    ledger,
    completed.map((c) => c.appId),
  );
  const owners = rowsOf<{ app_id: string; merchant_id: string | null; status: string }>(
    await db.db.execute(sql`select app_id, merchant_id, status from authorizers`),
  );
  const ownerOf = new Map(owners.map((o) => [o.app_id, o]));
  const wrongOwner = completed.filter(
    (c) => ownerOf.get(c.appId)?.merchant_id !== c.merchantId || ownerOf.get(c.appId)?.status !== "authorized",
  );
  const [authorizedEvents] = rowsOf<{ n: number }>(
    await db.db.execute(
      sql`select count(*)::int as n from wechat_events where source = 'component' and info_type = 'authorized'`,
    ),
  );

  // --- report -------------------------------------------------------------------------------------------
  console.log(`\nWindow: ${seconds.toFixed(1)} s. Latency in ms, measured by the driver through the proxy.`);
  const order = [
    "ticket push",
    "ticket push (repeat)",
    "token read",
    "authorization (end to end)",
    "auth: sign-in",
    "auth: start action",
    "auth: WeChat page",
    "auth: confirm action",
    "auth: callback",
  ];
  const kinds = [
    ...order.filter((k) => recorder.kinds().includes(k)),
    ...recorder.kinds().filter((k) => !order.includes(k)),
  ];
  printLatencyTable(recorder, seconds, kinds);
  const failures = kinds.flatMap((k) =>
    Object.entries(recorder.summary(k, seconds).failures).map(([reason, n]) => `${k}: ${reason} ×${n}`),
  );
  if (failures.length) console.log(`\nFailures: ${failures.join("; ")}`);

  const checks: Check[] = [
    [
      "1 api_component_token call per refresh",
      calls === refreshesForced && refreshesObserved === refreshesForced && issued === calls,
      `${refreshesForced} forced, ${refreshesObserved} observed, ${calls} api_component_token calls, ${issued} tokens issued (${INSTANCES} instances)`,
    ],
    [
      "no duplicated events",
      duplicates.duplicated === 0,
      `${duplicates.events} component events stored, ${duplicates.duplicated} payloads stored twice (${duplicatesSent} pushes delivered twice)`,
    ],
    [
      "no lost ticket push",
      lostTickets.length === 0,
      `${acknowledged.size} acknowledged, ${lostTickets.length} of them not stored`,
    ],
    [
      "no lost authorization",
      tokens.missing.length + tokens.mismatched.length + tokens.notAuthorizedAtWechat.length + wrongOwner.length === 0,
      `${completed.length} completed; refresh token missing ${tokens.missing.length}, ≠ WeChat's ${tokens.mismatched.length}, ` +
        `not authorized at WeChat ${tokens.notAuthorizedAtWechat.length}, wrong merchant/status ${wrongOwner.length}; ` +
        `${authorizedEvents?.n ?? 0} 'authorized' pushes stored, ${pendingEvents} events unapplied after 30 s`,
    ],
    [
      "authorization events applied",
      pendingEvents === 0,
      `${pendingEvents} stored events still unapplied 30 s after the load`,
    ],
    [
      "no errors",
      failures.length === 0,
      failures.length
        ? `${kinds.reduce((n, k) => n + recorder.summary(k, seconds).failed, 0)} failed requests or flows`
        : "none",
    ],
  ];
  console.log("");
  printChecks(checks);
  console.log(`\nPeak RSS per instance: ${memory.map((b) => `${(b / 2 ** 20).toFixed(0)} MB`).join(", ")}`);
  if (authFailures.length) console.log(`Authorization failures: ${[...new Set(authFailures)].join("; ")}`);
  return checks.every(([, ok]) => ok);
}

async function main(): Promise<number> {
  console.log(`Machine: ${describeMachine()}`);
  await ensureBuild();
  const postgres = await resolvePostgres();
  console.log(
    `PostgreSQL ${postgres.version}: ${postgres.origin}, ${redactUrl(postgres.adminUrl)} (a throwaway database, dropped afterwards)`,
  );
  let cluster: Cluster | undefined;
  const cleanUp = async () => {
    const counts = await cluster?.stop();
    await postgres.stop();
    return counts;
  };
  const onSignal = () => void cleanUp().finally(() => process.exit(130));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    cluster = await startCluster({ postgres, instances: INSTANCES });
    console.log(`${INSTANCES} instances (${cluster.instances.map((i) => i.url).join(", ")}) behind ${cluster.url}`);
    const ok = await run(cluster);
    const counts = await cleanUp();
    cluster = undefined;
    if (counts?.length)
      console.log(`Requests per instance (through the proxy, sandbox calls included): ${counts.join(" / ")}`);
    console.log(ok ? "\nAll checks passed." : "\nSOME CHECKS FAILED.");
    return ok ? 0 : 1;
  } finally {
    await cleanUp().catch(() => {});
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
