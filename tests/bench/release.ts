import os from "node:os";
import { sql } from "drizzle-orm";
import { rowsOf, type Database } from "@/db";
import { setupAccounts, setupPrivacyContacts } from "@/db/schema";
import type { SetupSnapshot } from "@/db/schema/setup";
import { parseEnv } from "@/lib/env";
import { createReleaseBatch } from "@/lib/releases/release-batches";
import * as code from "@/lib/sandbox/code";
import { ROUTES } from "@/lib/sandbox/routes";
import { computeChecklist, firstBlocking } from "@/lib/setup/checklist";
import { TEST_SECRETS } from "../support/app-server";
import {
  createMerchant,
  createTestPortal,
  sandboxAudits,
  sandboxCalls,
  sandboxControl,
  seedMiniPrograms,
} from "../support/portal";
import { redactUrl } from "./build";
import { startCluster, waitForComponentToken, type Cluster } from "./cluster-support";
import { cpuSeconds, machineBusySeconds, processTreeMemory, treePids } from "./load";
import { resolvePostgres } from "./postgres-server";

/**
 * The release center (issue 14): one release batch (release at once on approval) over N mini programs with
 * permission set 18, all ready for audit, processed by TWO `next start` instances sharing the batch on one
 * PostgreSQL database (the cluster bench's set-up: a round-robin proxy in front, APP_URL = the proxy). WeChat is
 * the sandbox, served by the same instances on the same database: 50 ms latency on every code-management call,
 * audits approved at once and their results pushed to the portal (weapp_audit_success through the proxy, so
 * either instance receives them). Access tokens are fetched before the timed window (an account that has been
 * authorized for a while has one), so what is timed is the release flow alone.
 *
 * Latency-bound limit: code-management calls per account × latency × N / (BATCH_CONCURRENCY × instances): each
 * instance runs at most BATCH_CONCURRENCY steps at once, each step one WeChat call at a time. Aim ≤ 1.25× that.
 * Also: WeChat calls per account by endpoint (aim: the minimum the flow needs: commit, privacy check, submit,
 * release), accounts submitted more than once (sandbox's audit ledger; aim 0), every account released (at WeChat
 * and in the portal), peak RSS of each instance. N: `--accounts N` or RELEASE_BENCH_ACCOUNTS (default 1,000).
 */

export interface ReleaseBenchOptions {
  accounts?: number;
  latencyMs?: number;
  instances?: number;
}

const AIM_RATIO = 1.25;
const VERSION = "9.0.0";
/** The calls the flow cannot do without, per account: commit, privacy check, submit_audit, release. */
const MINIMUM_CODE_CALLS = ["wxa/commit", "wxa/security/get_code_privacy_info", "wxa/submit_audit", "wxa/release"];

/** `wxa/commit` from `POST /wxa/commit` (the route table's naming, lib/sandbox/routes.ts). */
const endpointOf = (route: string) =>
  route
    .split(" ")[1]!
    .replace(/^\/cgi-bin\/component\//, "")
    .replace(/^\/cgi-bin\//, "")
    .replace(/^\//, "");

/** Every code-management endpoint of the sandbox (the handlers of lib/sandbox/code.ts). */
const CODE_ENDPOINTS = Object.entries(ROUTES)
  .filter(([, handler]) => (Object.values(code) as unknown[]).includes(handler))
  .map(([route]) => endpointOf(route));

function accountsFromArgs(): number | undefined {
  const argv = process.argv;
  const i = argv.findIndex((a) => a === "--accounts" || a.startsWith("--accounts="));
  const raw =
    i < 0 ? process.env.RELEASE_BENCH_ACCOUNTS : argv[i]!.includes("=") ? argv[i]!.split("=")[1] : argv[i + 1];
  const n = Number(raw);
  return raw && Number.isInteger(n) && n > 0 ? n : undefined;
}

async function inBatches<T>(items: T[], concurrency: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Ready to submit, on both sides: WeChat's (filed, an approved category) and the portal's stored checklist. */
async function makeReady(cluster: Cluster, db: Database, merchantId: string, appIds: string[]): Promise<void> {
  await inBatches(appIds, 8, (appId) =>
    sandboxControl(cluster, "setup-state", {
      appId,
      icpStatus: 6,
      categories: [{ first: 304, second: 305 }],
    }),
  );
  // The portal's side as a read of WeChat would store it (written directly, for speed): the merchant gave a
  // privacy contact, the guideline covers the key the code uses; the checklist is computed by the portal's code.
  const snapshot: SetupSnapshot = {
    basic: { nickname: "门店", headImageUrl: "https://example.com/a.png", signature: "门店小程序" },
    verify: { qualification: true, naming: true, annualReview: true },
    icp: { status: 6 },
    categories: [{ first: 304, firstName: "商业服务", second: 305, secondName: "软件服务", auditStatus: 3 }],
    privacy: { configured: true, keys: ["UserInfo"], missingKeys: [], codeExist: true },
  };
  const checklist = computeChecklist({
    snapshot,
    intended: null,
    hasContacts: true,
    nowSeconds: Math.floor(Date.now() / 1000),
  });
  const blocking = firstBlocking(checklist);
  if (blocking) throw new Error(`set-up: the checklist still blocks on ${blocking.id}`);
  for (let i = 0; i < appIds.length; i += 500) {
    const chunk = appIds.slice(i, i + 500);
    await db.db
      .insert(setupPrivacyContacts)
      .values(chunk.map((appId) => ({ appId, merchantId, contactEmail: `privacy@${appId}.example.com` })));
    await db.db
      .insert(setupAccounts)
      .values(chunk.map((appId) => ({ appId, snapshot, checklist, blockingItem: null, readAt: new Date() })));
  }
}

export async function benchRelease(opts: ReleaseBenchOptions = {}): Promise<void> {
  const { accounts, latencyMs, instances } = {
    accounts: accountsFromArgs() ?? 1_000,
    latencyMs: 50,
    instances: 2,
    ...opts,
  };
  console.log(
    `\n## Release center: ${accounts} mini programs, one release batch, ${instances} instances, ` +
      `WeChat latency ${latencyMs} ms per code-management call`,
  );
  const postgres = await resolvePostgres();
  console.log(`PostgreSQL ${postgres.version}: ${postgres.origin}, ${redactUrl(postgres.adminUrl)}`);
  const instanceEnv: Record<string, string> = {
    RECONCILE_INTERVAL_MINUTES: "0",
    ...(process.env.BATCH_CONCURRENCY && { BATCH_CONCURRENCY: process.env.BATCH_CONCURRENCY }),
  };
  // The configured steps in flight per instance, as the instances read it.
  const { batchConcurrency } = parseEnv({
    ...TEST_SECRETS,
    APP_URL: "http://127.0.0.1:1",
    WECHAT_SANDBOX: "1",
    NODE_ENV: "production",
    ...instanceEnv,
  });
  let cluster: Cluster | undefined;
  try {
    cluster = await startCluster({ postgres, instances, env: instanceEnv });
    const { db } = cluster;
    await waitForComponentToken(cluster);

    // --- set-up (untimed) ---------------------------------------------------------------------------------
    const setupStarted = performance.now();
    const portal = createTestPortal(cluster.instances[0]!, db);
    const { merchantId } = await createMerchant(db, "ReleaseBench");
    const appIds = await seedMiniPrograms(cluster, db, portal.secretBox, merchantId, accounts);
    await makeReady(cluster, db, merchantId, appIds);
    await inBatches(appIds, 8, (appId) => portal.authorizerTokens.getToken(appId));
    await sandboxControl(cluster, "code-settings", {
      pushEvents: true,
      privacyCheckMs: 0,
      auditDelayMs: 0,
      defaultRule: "approve",
      appRules: {},
      quotaRest: accounts + 100,
      quotaLimit: accounts + 100,
    });
    for (const endpoint of CODE_ENDPOINTS) await sandboxControl(cluster, "fault", { endpoint, latencyMs });
    await sandboxControl(cluster, "reset-calls");
    console.log(
      `Set-up: ${accounts} mini programs (set 18) seeded, ready to submit, tokens fetched, in ` +
        `${((performance.now() - setupStarted) / 1000).toFixed(1)} s; latency on ${CODE_ENDPOINTS.length} endpoints`,
    );

    // --- the batch ----------------------------------------------------------------------------------------
    const instancePids = () => cluster!.instances.flatMap((i) => treePids(i.pid));
    const cpuAt = () => ({ instances: cpuSeconds(instancePids()), machine: machineBusySeconds() });
    const cpuBefore = cpuAt();
    let cpuAtLastMove = cpuBefore;
    const started = performance.now();
    const created = await createReleaseBatch(portal, {
      params: { templateId: 1, version: VERSION, description: "发布基准", onApproval: "release" },
      appIds,
      createdByUserId: null,
    });
    if (created.batchId === null || created.targeted.length !== accounts)
      throw new Error(`batch not created for all: ${JSON.stringify(created.ineligible.slice(0, 5))}`);
    const batchId = created.batchId;
    let firstStepAt: number | undefined;
    // Waits for the batch to finish, or until nothing moved for STALL_MS (a target left waiting for an audit
    // event that woke nothing waits for the reconcile, RELEASE_AUDIT_RECONCILE_MINUTES, an hour by default).
    const STALL_MS = 30_000;
    let finished = false;
    let lastProgress = "";
    let lastProgressAt = performance.now();
    let endedAt = performance.now();
    for (;;) {
      const [row] = rowsOf<{ status: string; moved: number; progress: string }>(
        await db.db.execute(sql`
          select (select status from batches where id = ${batchId}) as status,
                 (select count(*)::int from batch_targets
                   where batch_id = ${batchId} and (step <> 'commit' or status <> 'pending')) as moved,
                 (select string_agg(step || '/' || status || ' ' || n, ',' order by step, status) from
                   (select step, status, count(*) as n from batch_targets where batch_id = ${batchId} group by 1, 2) s) as progress`),
      );
      const now = performance.now();
      if (firstStepAt === undefined && (row?.moved ?? 0) > 0) firstStepAt = now;
      if (row?.progress !== lastProgress) {
        lastProgress = row?.progress ?? "";
        lastProgressAt = now;
        cpuAtLastMove = cpuAt();
      }
      if (row?.status === "finished") {
        finished = true;
        endedAt = now;
        break;
      }
      if (now - lastProgressAt > STALL_MS) {
        endedAt = lastProgressAt;
        break;
      }
      await sleep(200);
    }
    // Unfinished: the time until the last target moved (the stalled ones are reported below).
    const seconds = (endedAt - started) / 1000;
    const memory = cluster.instances.map((i) => Math.max(...processTreeMemory(i.pid).map((p) => p.peakRss)));

    // --- checks -------------------------------------------------------------------------------------------
    const calls = await sandboxCalls(cluster);
    const targets = rowsOf<{ status: string; step: string; n: number }>(
      await db.db.execute(
        sql`select status, step, count(*)::int as n from batch_targets where batch_id = ${batchId} group by 1, 2`,
      ),
    );
    const succeeded = targets
      .filter((t) => t.status === "succeeded" && t.step === "release")
      .reduce((n, t) => n + t.n, 0);
    const ledger = await sandboxAudits(cluster);
    const auditsPer = new Map<string, number>();
    for (const a of ledger) auditsPer.set(a.appId, (auditsPer.get(a.appId) ?? 0) + 1);
    const doubles = appIds.filter((id) => (auditsPer.get(id) ?? 0) > 1).length;
    const never = appIds.filter((id) => !auditsPer.has(id)).length;
    const [online] = rowsOf<{ wechat: number; portal: number }>(
      await db.db.execute(sql`
        select (select count(*)::int from sandbox_code_accounts
                 where online->>'version' = ${VERSION} and app_id in (select app_id from batch_targets where batch_id = ${batchId})) as wechat,
               (select count(*)::int from release_accounts
                 where online_version = ${VERSION} and app_id in (select app_id from batch_targets where batch_id = ${batchId})) as portal`),
    );

    // --- report -------------------------------------------------------------------------------------------
    const concurrency = batchConcurrency * instances;
    const codeCalls = CODE_ENDPOINTS.reduce((n, e) => n + (calls[e] ?? 0), 0);
    const codeCallsPer = codeCalls / accounts;
    const limit = (codeCallsPer * latencyMs * accounts) / 1000 / concurrency;
    const minimumLimit = (MINIMUM_CODE_CALLS.length * latencyMs * accounts) / 1000 / concurrency;
    const ratio = seconds / limit;
    const pickup = firstStepAt === undefined ? undefined : (firstStepAt - started) / 1000;
    console.log(
      `\nConcurrency: BATCH_CONCURRENCY ${batchConcurrency} per instance × ${instances} instances = ${concurrency} WeChat calls in flight`,
    );
    console.log("| accounts | time | latency-bound limit | ratio | aim ≤ 1.25× | first step done after |");
    console.log("|---|---|---|---|---|---|");
    console.log(
      `| ${accounts} | ${seconds.toFixed(1)} s${finished ? "" : " (NOT FINISHED: until the last move)"} | ${limit.toFixed(1)} s ` +
        `(${codeCallsPer.toFixed(2)} code calls × ${latencyMs} ms × ${accounts} / ${concurrency}) | ${ratio.toFixed(2)}× | ` +
        `${ratio <= AIM_RATIO ? "met" : "missed"} | ${pickup === undefined ? "-" : `${pickup.toFixed(1)} s`} |`,
    );
    console.log(
      `With the flow's minimum (${MINIMUM_CODE_CALLS.length} code calls per account) the limit is ${minimumLimit.toFixed(1)} s: ` +
        `${(seconds / minimumLimit).toFixed(2)}×; from the first finished step on (the instances poll for new batches): ` +
        `${pickup === undefined ? "-" : `${((seconds - pickup) / limit).toFixed(2)}×`}`,
    );
    const windowSeconds = seconds;
    const instanceCpu = cpuAtLastMove.instances - cpuBefore.instances;
    const machineCpu = cpuAtLastMove.machine - cpuBefore.machine;
    const cores = os.cpus().length;
    console.log(
      `CPU over the window: instances (portal + sandbox) ${instanceCpu.toFixed(1)} s, ` +
        `${((instanceCpu / accounts) * 1000).toFixed(1)} ms per account; machine busy ` +
        `${((machineCpu / windowSeconds / cores) * 100).toFixed(0)}% of ${cores} cores (other work included)`,
    );
    const perEndpoint = Object.entries(calls)
      .filter(([, n]) => n > 0)
      .sort(([, a], [, b]) => b - a)
      .map(([e, n]) => `${e} ${(n / accounts).toFixed(3)}${CODE_ENDPOINTS.includes(e) ? "" : " (no latency)"}`);
    const allCalls = Object.values(calls).reduce((n, c) => n + c, 0);
    const extra = CODE_ENDPOINTS.filter((e) => !MINIMUM_CODE_CALLS.includes(e) && (calls[e] ?? 0) > 0);
    console.log(
      `WeChat calls per account: ${(allCalls / accounts).toFixed(2)} in all, ${codeCallsPer.toFixed(2)} code management ` +
        `(minimum ${MINIMUM_CODE_CALLS.length}${extra.length ? `; beyond it: ${extra.map((e) => `${e} ×${calls[e]}`).join(", ")}` : ""})`,
    );
    console.log(`  by endpoint: ${perEndpoint.join(", ")}`);
    console.log(
      `Double submissions (accounts with more than one audit in the sandbox's ledger): ${doubles}` +
        `${doubles === 0 ? " (aim met)" : " (AIM MISSED)"}; never submitted: ${never}`,
    );
    const allReleased = succeeded === accounts && online?.wechat === accounts && online.portal === accounts;
    console.log(
      `Every account released: ${allReleased ? "yes" : "NO"}: ${succeeded}/${accounts} targets succeeded at release, ` +
        `online at WeChat ${online?.wechat ?? 0}, in the portal ${online?.portal ?? 0}; targets ${targets
          .map((t) => `${t.step}/${t.status} ${t.n}`)
          .join(", ")}`,
    );
    const stuck = rowsOf<Record<string, unknown>>(
      await db.db.execute(sql`
        select t.app_id, t.step, t.status, t.attempts, t.next_run_at, r.audit_id, r.audit_status,
               r.audit_updated_at, r.submit_intent_at, r.audit_submitted_at, a.status as wechat_status, a.push_status
          from batch_targets t
          left join release_accounts r on r.app_id = t.app_id
          left join sandbox_code_audits a on a.audit_id = r.audit_id
         where t.batch_id = ${batchId} and t.status <> 'succeeded'
         limit 5`),
    );
    for (const t of stuck) console.log(`  not released: ${JSON.stringify(t)}`);
    console.log(
      `Peak RSS per instance (each also serves the sandbox): ${memory.map((b) => `${(b / 2 ** 20).toFixed(0)} MB`).join(", ")}`,
    );
    const counts = await cluster.stop();
    cluster = undefined;
    console.log(`Requests per instance through the proxy (pushes and sandbox calls included): ${counts.join(" / ")}`);
  } finally {
    await cluster?.stop().catch(() => {});
    await postgres.stop();
  }
}
