import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { rowsOf, type Database } from "@/db";
import { sandboxCalls, sandboxControl, sandboxLedger } from "../support/portal";
import { describeMachine, ensureBuild } from "./build";
import { startCluster, waitForComponentToken, type Cluster } from "./cluster-support";
import { numberOptions } from "./options";
import {
  authorizationPush,
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
  type Push,
} from "./portal-driver";
import { startThrowawayPostgres, type PostgresServer } from "./postgres-server";

// `npm run bench:faults [-- --load 60 --down 5 ...]`: what the portal does when things break, on a cluster
// of `next start` instances behind a round-robin proxy and a PostgreSQL cluster this script owns.
//  1. PostgreSQL goes down for a few seconds in the middle of a push load (ticket and authorization-change
//     pushes). WeChat retries every push not answered exactly `success`, so afterwards: every acknowledged
//     push is stored, every other one got through on a retry, each is stored once, and every instance is
//     healthy again without a restart.
//  2. Merchants authorize while the sandbox is slow, fails (-1) and loses answers (the call is applied, the
//     answer never comes), on api_query_auth and api_authorizer_token. Afterwards no account has lost its
//     refresh token (the portal's, unsealed, is WeChat's), and every authorization either completed or
//     failed cleanly (a result page with a reason) and succeeded when the merchant tried again.
// Prints what it checked with the counts; exits non-zero if any check fails.

const options = numberOptions({
  instances: 3,
  /** Phase 1: push load duration, PostgreSQL outage start and length, seconds. */
  load: 60,
  "down-at": 20,
  down: 5,
  pushers: 6,
  /** Phase 2: authorization duration, seconds, and merchants authorizing at once. */
  authorize: 45,
  merchants: 3,
});
const INSTANCES = options.instances;
const LOAD_S = options.load;
const DOWN_AT_S = options["down-at"];
const DOWN_S = options.down;
const PUSHERS = options.pushers;
const AUTHORIZE_S = options.authorize;
const MERCHANT_WORKERS = options.merchants;
/** The instances give up on WeChat after this; the injected lost answers are held longer. */
const API_TIMEOUT_MS = 3000;
/** WeChat's retry schedule here: a few seconds apart (the real one is similar in spirit, slower). */
const RETRY_DELAYS_S = [1, 2, 4, 8, 8, 8, 8, 8, 8, 8];

/** WeChat's side of an account (the sandbox's ledger, in the shared database). */
async function setAuthorizedAtWechat(database: Database, appIds: string[], authorized: boolean): Promise<void> {
  if (appIds.length === 0) return;
  await database.db.execute(sql`
    update sandbox_authorizers set authorized = ${authorized}, refresh_token = case when ${authorized} then refresh_token end
    where app_id in (select jsonb_array_elements_text(${JSON.stringify(appIds)}::jsonb))`);
}

// --- phase 1: PostgreSQL restart under push load --------------------------------------------------------

interface TrackedPush {
  push: Push;
  kind: "ticket" | "authorization change";
  attempts: number;
  acknowledgedOnAttempt?: number;
  /** Every answer it got: `200`, `503`, `timeout`… */
  answers: string[];
  dueAt: number;
}

async function phaseDatabaseRestart(cluster: Cluster, postgres: PostgresServer): Promise<Check[]> {
  const { db } = cluster;
  const recorder = new Recorder();
  console.log(`\n## 1. PostgreSQL restart during ${LOAD_S} s of pushes (down at ${DOWN_AT_S} s for ${DOWN_S} s)`);

  const tickets = await issueTickets(db, LOAD_S * 400);
  // Accounts for authorization-change pushes: authorized in the sandbox, each with a fresh authorization code.
  const seeded = await sandboxControl<{ appId: string }[]>(cluster, "seed-accounts", {
    count: Math.max(200, LOAD_S * 20),
  });
  const codes = seeded.map((s) => ({
    appId: s.appId,
    code: `queryauthcode@@@bench-${randomBytes(16).toString("hex")}`,
  }));
  await db.db.execute(sql`
    insert into sandbox_auth_codes (code, authorizer_app_id, expires_at)
    select c->>'code', c->>'appId', now() + interval '30 minutes' from jsonb_array_elements(${JSON.stringify(codes)}::jsonb) c`);

  // Half of them WeChat revokes (ledger first, then the `unauthorized` push), as it would.
  const revoked = codes.filter((_, i) => i % 2 === 1).map((c) => c.appId);
  await setAuthorizedAtWechat(db, revoked, false);

  const all: TrackedPush[] = [];
  const retries: TrackedPush[] = [];
  let nextTicket = 0;
  let nextAccount = 0;
  const freshPush = (): TrackedPush | undefined => {
    // One in ten is an authorization change: `updateauthorized` with the account's code, or `unauthorized`.
    if (all.length % 10 === 9 && nextAccount < codes.length) {
      const index = nextAccount++;
      const account = codes[index]!;
      const createTime = Math.floor(Date.now() / 1000);
      const push =
        index % 2 === 1
          ? authorizationPush({ infoType: "unauthorized", appId: account.appId, createTime })
          : authorizationPush({
              infoType: "updateauthorized",
              appId: account.appId,
              createTime,
              authCode: account.code,
            });
      return { push, kind: "authorization change", attempts: 0, answers: [], dueAt: 0 };
    }
    if (nextTicket >= tickets.length) return undefined;
    return { push: ticketPush(tickets[nextTicket++]!), kind: "ticket", attempts: 0, answers: [], dueAt: 0 };
  };

  const deliver = async (p: TrackedPush) => {
    p.attempts++;
    const sent = performance.now();
    let answer: string;
    try {
      const result = await deliverPush(cluster.url, p.push);
      answer = result.ok ? "success" : result.status;
    } catch (error) {
      answer = reasonOf(error);
    }
    p.answers.push(answer);
    const kind = `${p.kind} push${p.attempts > 1 ? " (retry)" : ""}`;
    if (answer === "success") {
      p.acknowledgedOnAttempt = p.attempts;
      recorder.ok(kind, performance.now() - sent);
    } else {
      recorder.fail(kind, answer);
      const delay = RETRY_DELAYS_S[p.attempts - 1];
      if (delay !== undefined) {
        p.dueAt = Date.now() + delay * 1000;
        retries.push(p);
      }
    }
  };

  const loadEnds = Date.now() + LOAD_S * 1000;
  const pusher = async () => {
    while (Date.now() < loadEnds) {
      const dueIndex = retries.findIndex((r) => r.dueAt <= Date.now());
      const next = dueIndex >= 0 ? retries.splice(dueIndex, 1)[0]! : freshPush();
      if (!next) break;
      if (next.attempts === 0) all.push(next);
      await deliver(next);
    }
  };

  // Health of each instance, straight to it (not through the proxy), once a second.
  const health: { at: number; statuses: number[] }[] = [];
  let watching = true;
  const watcher = async () => {
    while (watching) {
      const at = Date.now();
      const statuses = await Promise.all(
        cluster.instances.map((i) =>
          fetch(`${i.url}/api/health`, { signal: AbortSignal.timeout(3000) }).then(
            async (r) => (await r.text(), r.status),
            () => 0,
          ),
        ),
      );
      health.push({ at, statuses });
      await sleep(1000);
    }
  };

  const started = Date.now();
  let outage: { from: number; to: number } | undefined;
  const restart = async () => {
    await sleep(DOWN_AT_S * 1000);
    const from = Date.now();
    await postgres.restart!(DOWN_S);
    outage = { from: from - started, to: Date.now() - started };
  };
  const watching$ = watcher();
  await Promise.all([...Array.from({ length: PUSHERS }, pusher), restart()]);

  // After the load: WeChat keeps retrying what is still unacknowledged, on its schedule.
  const drainEnds = Date.now() + 90_000;
  while (retries.length && Date.now() < drainEnds) {
    const due = retries.filter((r) => r.dueAt <= Date.now());
    for (const r of due) retries.splice(retries.indexOf(r), 1);
    await Promise.all(due.map((r) => deliver(r)));
    await sleep(200);
  }
  const unapplied = await waitForEventsApplied(db, 60_000);
  // Accounts the load never got to were never authorized as far as WeChat is concerned: otherwise the
  // instances' reconciliation would import them all during phase 2 and blur its numbers.
  await setAuthorizedAtWechat(
    db,
    codes.slice(nextAccount).map((c) => c.appId),
    false,
  );
  watching = false;
  await watching$;

  // --- checks ---------------------------------------------------------------------------------------------
  const stored = await storedPushKeys(db);
  const acknowledged = all.filter((p) => p.acknowledgedOnAttempt !== undefined);
  const acknowledgedFirstTime = all.filter((p) => p.acknowledgedOnAttempt === 1);
  const lost = acknowledged.filter((p) => !stored.has(p.push.key));
  const neverAcknowledged = all.filter((p) => p.acknowledgedOnAttempt === undefined);
  const retried = all.filter((p) => p.attempts > 1);
  const duplicates = await countDuplicatedEvents(db);
  const answers = new Map<string, number>();
  for (const p of all) for (const a of p.answers) answers.set(a, (answers.get(a) ?? 0) + 1);
  const unexpected = [...answers].filter(([a]) => a !== "success" && a !== "503" && a !== "timeout");
  const finalHealth = await Promise.all(
    cluster.instances.map((i) =>
      fetch(`${i.url}/api/health`).then(
        (r) => r.status,
        () => 0,
      ),
    ),
  );
  const sameProcesses = cluster.instances.every((i) => i.alive());
  const firstUnhealthy = health.find((h) => h.statuses.some((s) => s !== 200));
  const lastUnhealthy = [...health].reverse().find((h) => h.statuses.some((s) => s !== 200));
  const recoveredAfter =
    lastUnhealthy && outage ? Math.max(0, (lastUnhealthy.at - started) / 1000 - outage.to / 1000 + 1) : 0;

  printLatencyTable(recorder, LOAD_S);
  console.log(`\nAnswers over all attempts: ${[...answers].map(([a, n]) => `${a} ×${n}`).join(", ")}`);
  const timeline = health
    .filter((h) => h.statuses.some((st) => st !== 200))
    .map((h) => `${((h.at - started) / 1000).toFixed(1)} s ${h.statuses.join("/")}`);
  console.log(
    `Health of each instance when not all 200 (0 = no answer in 3 s): ${timeline.join(", ") || "always 200"}`,
  );
  console.log(
    `Outage: PostgreSQL stopped at ${((outage?.from ?? 0) / 1000).toFixed(1)} s, accepting connections again at ${((outage?.to ?? 0) / 1000).toFixed(1)} s; ` +
      `health non-200 first seen at ${firstUnhealthy ? ((firstUnhealthy.at - started) / 1000).toFixed(1) : "-"} s, last at ` +
      `${lastUnhealthy ? ((lastUnhealthy.at - started) / 1000).toFixed(1) : "-"} s (≈${recoveredAfter.toFixed(0)} s after restart)`,
  );
  return [
    [
      "every acknowledged push is stored",
      lost.length === 0,
      `${acknowledged.length} acknowledged (${acknowledgedFirstTime.length} on the first attempt), ${lost.length} not stored`,
    ],
    [
      "every push got through on a retry",
      neverAcknowledged.length === 0,
      `${all.length} distinct pushes (${all.filter((p) => p.kind === "ticket").length} tickets, ${all.filter((p) => p.kind !== "ticket").length} authorization changes), ` +
        `${retried.length} needed retries (max ${Math.max(0, ...all.map((p) => p.attempts))} attempts), ${neverAcknowledged.length} never acknowledged`,
    ],
    [
      "each push stored once",
      duplicates.duplicated === 0 && duplicates.events >= acknowledged.length,
      `${duplicates.events} events stored, ${duplicates.duplicated} payloads twice`,
    ],
    [
      "outage answered 503, never 500",
      unexpected.length === 0,
      unexpected.length ? unexpected.map(([a, n]) => `${a} ×${n}`).join(", ") : "only success / 503 / timeout",
    ],
    [
      "recovered without restart",
      finalHealth.every((s) => s === 200) && sameProcesses,
      `health ${finalHealth.join("/")} on the ${cluster.instances.length} instances, same processes ${sameProcesses ? "yes" : "NO"}`,
    ],
    [
      "stored authorization changes applied",
      unapplied === 0,
      unapplied === 0 ? "all applied" : `${unapplied} events still unapplied 60 s after the load`,
    ],
  ];
}

// --- phase 2: WeChat slow, failing and losing answers during authorizations ---------------------------------

async function phaseSandboxFaults(cluster: Cluster): Promise<Check[]> {
  const { db } = cluster;
  const recorder = new Recorder();
  const ids = readActionIds();
  console.log(`\n## 2. ${AUTHORIZE_S} s of authorizations while WeChat is slow, fails and loses answers`);
  const merchants = await createMerchants(db, Math.max(30, AUTHORIZE_S * 4));
  const before = new Set((await sandboxLedger(cluster)).keys());

  const completed: { appId: string; merchantId: string; attempts: number }[] = [];
  const gaveUp: { merchantId: string; reasons: string[] }[] = [];
  const unclean: string[] = [];
  const wechatSide: string[] = [];
  const failureReasons = new Map<string, number>();
  let nextMerchant = 0;
  const ends = Date.now() + AUTHORIZE_S * 1000;
  // The reasons a merchant sees on the result page or as the form's message: a clean, retryable failure.
  const CLEAN = /^(callback: (wechat_error|unavailable|code_invalid|code_expired)|start: no redirect)/;
  // WeChat's own page failing (here the sandbox's, served by the same instances): not the portal's answer,
  // but counted and shown; the account it may have granted must still reach the portal through the push.
  const WECHAT_PAGE = /^(page|confirm): /;

  const merchant = async () => {
    while (Date.now() < ends) {
      const m = merchants[nextMerchant++ % merchants.length]!;
      let cookie: string;
      try {
        cookie = await recorder.time("auth: sign-in", () => signIn(cluster.url, m));
      } catch {
        continue;
      }
      const reasons: string[] = [];
      const flowStarted = performance.now();
      // A merchant whose attempt failed tries again, as the result page invites them to.
      for (let attempt = 1; attempt <= 4; attempt++) {
        const outcome = await authorizeOnce(cluster.url, cookie, ids, recorder);
        if (outcome.ok) {
          recorder.ok("authorization (end to end, with retries)", performance.now() - flowStarted);
          completed.push({ appId: outcome.appId, merchantId: m.merchantId, attempts: attempt });
          break;
        }
        const reason = `${outcome.step}: ${outcome.reason}`;
        reasons.push(reason);
        failureReasons.set(reason, (failureReasons.get(reason) ?? 0) + 1);
        if (WECHAT_PAGE.test(reason)) wechatSide.push(reason);
        else if (!CLEAN.test(reason)) unclean.push(reason);
        if (attempt === 4) gaveUp.push({ merchantId: m.merchantId, reasons });
        await sleep(500);
      }
    }
  };

  // Backend services that saw WeChat refuse a token ask for a new one (x-stale-token): api_authorizer_token.
  const reader = async () => {
    while (Date.now() < ends) {
      await sleep(300);
      const pick = completed[Math.floor(Math.random() * completed.length)];
      if (!pick) continue;
      try {
        const current = await readToken(cluster.url, pick.appId);
        if (current.status !== 200 || !current.token) {
          recorder.fail("token refresh (x-stale-token)", String(current.status));
          continue;
        }
        await recorder.time("token refresh (x-stale-token)", async () => {
          const fresh = await readToken(cluster.url, pick.appId, current.token);
          if (fresh.status !== 200) throw new Error(String(fresh.status));
        });
      } catch {
        // counted by the recorder
      }
    }
  };

  const faults = async () => {
    const step = (AUTHORIZE_S * 1000) / 4;
    const slow = { latencyMs: 400 };
    const set = (endpoint: string, fault: Record<string, unknown>) =>
      sandboxControl(cluster, "fault", { endpoint, ...slow, ...fault });
    // 0: WeChat is slow.
    await set("api_query_auth", {});
    await set("api_authorizer_token", {});
    await sleep(step);
    // 1/4: and answers -1 (system error) to the next calls.
    await set("api_query_auth", { errcode: -1, times: 6 });
    await set("api_authorizer_token", { errcode: -1, times: 6 });
    await sleep(step);
    // 2/4: applies calls but the answers never arrive (held past the instances' timeout); on
    // api_authorizer_token WeChat also rotates the refresh token meanwhile, the case that loses it.
    await set("api_query_auth", { hangMs: API_TIMEOUT_MS + 2000, times: 3 });
    await set("api_authorizer_token", { hangMs: API_TIMEOUT_MS + 2000, times: 3, rotateRefreshToken: true });
    await sleep(step);
    // 3/4: WeChat is well again.
    await sandboxControl(cluster, "clear-faults");
  };

  await Promise.all([...Array.from({ length: MERCHANT_WORKERS }, merchant), reader(), reader(), faults()]);
  await sandboxControl(cluster, "clear-faults");
  // Let pushes be applied and any refresh that was cut short be finished by the instances.
  const unapplied = await waitForEventsApplied(db, 60_000);
  const [{ returned = 0, limbo = 0 } = {}] = rowsOf<{ returned: number; limbo: number }>(
    await db.db.execute(sql`
      select count(*) filter (where outcome = 'returned')::int as returned,
             count(*) filter (where used_at is not null and outcome is null)::int as limbo
      from authorization_sessions`),
  );
  const sessionOutcomes = rowsOf<{ outcome: string | null; n: number }>(
    await db.db.execute(
      sql`select outcome, count(*)::int as n from authorization_sessions group by outcome order by n desc`,
    ),
  );

  // Every account granted at WeChat during this phase, and every one the portal holds as authorized.
  const ledger = await sandboxLedger(cluster);
  const grantedNow = [...ledger.values()].filter((e) => !before.has(e.appId) && e.authorized).map((e) => e.appId);
  const portalAuthorized = rowsOf<{ app_id: string }>(
    await db.db.execute(
      sql`select app_id from authorizers where status = 'authorized' and refresh_token_sealed is not null`,
    ),
  ).map((r) => r.app_id);
  const tokens = await checkRefreshTokens(db, ledger, [...grantedNow, ...completed.map((c) => c.appId)]);
  const allPortal = await checkRefreshTokens(db, ledger, portalAuthorized);
  const [{ broken = 0 } = {}] = rowsOf<{ broken: number }>(
    await db.db.execute(sql`select count(*)::int as broken from authorizers where status = 'needs_reauthorization'`),
  );
  const calls = await sandboxCalls(cluster);

  printLatencyTable(recorder, AUTHORIZE_S);
  const retriedOk = completed.filter((c) => c.attempts > 1);
  for (const appId of [...tokens.mismatched, ...allPortal.mismatched]) {
    const [row] = rowsOf<Record<string, unknown>>(
      await db.db
        .execute(sql`select status, refresh_attempts, last_refresh_error, refresh_failed_at, refresh_due_at, refresh_lease_until,
        state_version, merchant_id from authorizers where app_id = ${appId}`),
    );
    console.log(
      `Refresh token ≠ WeChat's: ${appId}, WeChat: ${JSON.stringify({ authorized: ledger.get(appId)?.authorized })}, portal: ${JSON.stringify(row)}`,
    );
  }
  console.log(`\nFailed attempts by reason: ${[...failureReasons].map(([r, n]) => `${r} ×${n}`).join("; ") || "none"}`);
  console.log(
    `Authorization sessions by outcome: ${sessionOutcomes.map((o) => `${o.outcome ?? "(not back yet)"} ×${o.n}`).join(", ")}`,
  );
  console.log(
    `Sandbox calls in total: ${Object.entries(calls)
      .map(([e, n]) => `${e} ${n}`)
      .join(", ")}`,
  );
  return [
    [
      "no authorizer lost its refresh token",
      tokens.missing.length + tokens.mismatched.length === 0 && allPortal.mismatched.length === 0 && broken === 0,
      `${grantedNow.length} accounts granted at WeChat in this phase: portal token missing ${tokens.missing.length}, ≠ WeChat's ${tokens.mismatched.length}; ` +
        `all ${allPortal.checked} authorized in the portal: ≠ WeChat's ${allPortal.mismatched.length}; needs re-authorization ${broken}`,
    ],
    [
      "every authorization completed, or failed cleanly and then completed",
      gaveUp.length === 0 && unclean.length === 0,
      `${completed.length} completed (${retriedOk.length} after a failed attempt), ${gaveUp.length} gave up after 4 attempts, ` +
        `${unclean.length} unclean failures${unclean.length ? ` (${[...new Set(unclean)].join("; ")})` : ""}, ` +
        `${wechatSide.length} on WeChat's page${wechatSide.length ? ` (${[...new Set(wechatSide)].join("; ")})` : ""}`,
    ],
    [
      "no authorization left half-done",
      returned === 0 && limbo === 0,
      `${returned} sessions stuck after the code came back, ${limbo} used without outcome`,
    ],
    [
      "stored authorization events applied",
      unapplied === 0,
      unapplied === 0 ? "all applied" : `${unapplied} still unapplied after 60 s`,
    ],
  ];
}

async function main(): Promise<number> {
  console.log(`Machine: ${describeMachine()}`);
  await ensureBuild();
  // Always a cluster of our own: this script stops and starts it.
  const postgres = await startThrowawayPostgres();
  console.log(`PostgreSQL ${postgres.version}: ${postgres.origin} at ${postgres.adminUrl}`);
  let cluster: Cluster | undefined;
  const cleanUp = async () => {
    await cluster?.stop().catch(() => {});
    cluster = undefined;
    await postgres.stop();
  };
  const onSignal = () => void cleanUp().finally(() => process.exit(130));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    cluster = await startCluster({
      postgres,
      instances: INSTANCES,
      env: { WECHAT_API_TIMEOUT_MS: String(API_TIMEOUT_MS) },
    });
    console.log(`${INSTANCES} instances behind ${cluster.url}`);
    await waitForComponentToken(cluster);
    const checks = [...(await phaseDatabaseRestart(cluster, postgres))];
    console.log("");
    printChecks(checks);
    const second = await phaseSandboxFaults(cluster);
    console.log("");
    printChecks(second);
    checks.push(...second);
    const ok = checks.every(([, passed]) => passed);
    console.log(ok ? "\nAll checks passed." : "\nSOME CHECKS FAILED.");
    return ok ? 0 : 1;
  } finally {
    await cleanUp();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
