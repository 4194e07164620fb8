import { and, eq, gt, inArray, sql } from "drizzle-orm";
import { advisoryKeyFor, rowsOf, type Database } from "@/db";
import { authorizerActivity, authorizerGrants, authorizers, reconcileRuns } from "@/db/schema";
import { grantedFuncIds, revokedColumns, storeProfile } from "@/lib/authorization/grants";
import { describeError, log } from "@/lib/log";
import { sealedAt, type SecretBox } from "@/lib/secrets";
import type { AuthorizerInfo, AuthorizerListItem, ComponentClient } from "@/lib/wechat/client";
import { MAX_AUTHORIZER_LIST_COUNT } from "@/lib/wechat/client";

/** A run that has not reported progress for this long crashed; the next run may start. */
const HEARTBEAT_TIMEOUT_SECONDS = 120;

export type RepairAction = "imported" | "restored" | "refresh_token_updated" | "refresh_token_recovered" | "revoked";

export interface ReconcileResult {
  runId: number | null;
  /** Another instance is reconciling already. */
  skipped: boolean;
  listed: number;
  checked: number;
  repairs: { appId: string; action: RepairAction }[];
}

export interface ReconcileDeps {
  database: Pick<Database, "db" | "withAdvisoryLock">;
  client: ComponentClient;
  secretBox: SecretBox;
}

/**
 * Compares api_get_authorizer_list (WeChat's truth) with our records and repairs what a lost event left wrong:
 * - listed but unknown here: imported (no merchant yet; staff assign it);
 * - listed but revoked here, authorized again after our revocation: restored;
 * - listed with a refresh token different from ours: ours replaced (an `updateauthorized` we never saw), and an
 *   account flagged for re-authorization gets working again;
 * - authorized here but no longer listed: revoked (an `unauthorized` we never saw).
 * Each repair is recorded in `authorizer_activity`. Changes made after the run started (a grant arriving
 * meanwhile) are never undone: every write is conditional on the grant version it compared.
 * One run at a time across all instances; progress is kept in `reconcile_runs` for the staff console.
 */
export async function reconcileAuthorizers(
  deps: ReconcileDeps,
  trigger: string,
  opts: { minIntervalSeconds?: number; onStart?: (runId: number) => void } = {},
): Promise<ReconcileResult> {
  const { db } = deps.database;
  const run = await deps.database.withAdvisoryLock(advisoryKeyFor("reconcile", "start"), () =>
    startRun(db, trigger, opts.minIntervalSeconds ?? 0),
  );
  if (!run) return { runId: null, skipped: true, listed: 0, checked: 0, repairs: [] };
  const { runId, runStartedAt } = run;
  opts.onStart?.(runId);

  const repairs: ReconcileResult["repairs"] = [];
  const listedIds = new Set<string>();
  let checked = 0;
  let listed = 0;
  try {
    for (let offset = 0; ; offset += MAX_AUTHORIZER_LIST_COUNT) {
      const page = await deps.client.getAuthorizerList(offset, MAX_AUTHORIZER_LIST_COUNT);
      listed = page.totalCount;
      for (const item of page.list) listedIds.add(item.authorizerAppId);
      repairs.push(...(await reconcilePage(deps, page.list, runId)));
      checked += page.list.length;
      await db
        .update(reconcileRuns)
        .set({ listed, checked, repairs: repairs.length, heartbeatAt: sql`now()` })
        .where(eq(reconcileRuns.id, runId));
      if (offset + MAX_AUTHORIZER_LIST_COUNT >= page.totalCount || page.list.length === 0) break;
    }

    // Authorized here but no longer listed. Only grants older than the run: a newer one may not be listed yet.
    let after = "";
    for (;;) {
      const batch = await db
        .select({ appId: authorizers.appId, stateVersion: authorizers.stateVersion })
        .from(authorizers)
        .where(and(inArray(authorizers.status, ["authorized", "needs_reauthorization"]), gt(authorizers.appId, after)))
        .orderBy(authorizers.appId)
        .limit(1000);
      if (batch.length === 0) break;
      after = batch[batch.length - 1]!.appId;
      for (const row of batch) {
        if (listedIds.has(row.appId) || row.stateVersion >= runStartedAt) continue;
        if (await markRevoked(db, row.appId, row.stateVersion, runId))
          repairs.push({ appId: row.appId, action: "revoked" });
      }
    }

    await db
      .update(reconcileRuns)
      .set({
        status: "done",
        finishedAt: sql`now()`,
        listed,
        checked,
        repairs: repairs.length,
        heartbeatAt: sql`now()`,
      })
      .where(eq(reconcileRuns.id, runId));
    log.info("reconcile finished", { runId, listed, checked, repairs: repairs.length });
    return { runId, skipped: false, listed, checked, repairs };
  } catch (error) {
    const message = describeError(error).slice(0, 500);
    await db
      .update(reconcileRuns)
      .set({ status: "failed", finishedAt: sql`now()`, error: message, checked, repairs: repairs.length })
      .where(eq(reconcileRuns.id, runId))
      .catch(() => {});
    log.error("reconcile failed", { runId, error: message });
    throw error;
  }
}

/**
 * Starts a run unless one is running (a crashed one is marked abandoned first) or, for scheduled runs, one
 * started within `minIntervalSeconds`. Null: nothing to start. `runStartedAt`: the database's clock, epoch seconds.
 */
async function startRun(
  db: Database["db"],
  trigger: string,
  minIntervalSeconds: number,
): Promise<{ runId: number; runStartedAt: number } | null> {
  await db.execute(sql`
    update reconcile_runs set status = 'abandoned', finished_at = now()
    where status = 'running' and heartbeat_at < now() - make_interval(secs => ${HEARTBEAT_TIMEOUT_SECONDS})`);
  if (minIntervalSeconds > 0) {
    const recent = rowsOf(
      await db.execute(sql`
        select 1 from reconcile_runs
        where status in ('running', 'done') and started_at > now() - make_interval(secs => ${minIntervalSeconds})
        limit 1`),
    );
    if (recent.length > 0) return null;
  }
  const [inserted] = rowsOf<{ id: number | string; started: number | string }>(
    await db.execute(sql`
      insert into reconcile_runs (trigger) values (${trigger})
      on conflict (status) where status = 'running' do nothing
      returning id, extract(epoch from started_at)::bigint as started`),
  );
  return inserted ? { runId: Number(inserted.id), runStartedAt: Number(inserted.started) } : null;
}

async function reconcilePage(deps: ReconcileDeps, items: AuthorizerListItem[], runId: number) {
  const { db } = deps.database;
  const repairs: ReconcileResult["repairs"] = [];
  if (items.length === 0) return repairs;
  const ours = new Map(
    (
      await db
        .select({
          appId: authorizers.appId,
          status: authorizers.status,
          stateVersion: authorizers.stateVersion,
          refreshTokenSealed: authorizers.refreshTokenSealed,
        })
        .from(authorizers)
        .where(
          inArray(
            authorizers.appId,
            items.map((i) => i.authorizerAppId),
          ),
        )
    ).map((r) => [r.appId, r] as const),
  );

  for (const item of items) {
    const row = ours.get(item.authorizerAppId);
    const listedToken = item.refreshToken;
    try {
      if (!row) {
        if (await importAccount(deps, item, runId)) repairs.push({ appId: item.authorizerAppId, action: "imported" });
        continue;
      }
      const ourToken = row.refreshTokenSealed
        ? openQuietly(deps.secretBox, row.refreshTokenSealed, item.authorizerAppId)
        : undefined;
      if (row.status === "unauthorized") {
        // Authorized again after the revocation we hold (or we missed the grant): WeChat lists it now.
        if (listedToken && item.authTime > row.stateVersion) {
          await restore(deps, item, row.stateVersion, item.authTime, runId, "restored");
          repairs.push({ appId: item.authorizerAppId, action: "restored" });
        }
        continue;
      }
      if (!listedToken || listedToken === ourToken) continue;
      const action: RepairAction =
        row.status === "needs_reauthorization" ? "refresh_token_recovered" : "refresh_token_updated";
      if (await restore(deps, item, row.stateVersion, row.stateVersion, runId, action)) {
        repairs.push({ appId: item.authorizerAppId, action });
      }
    } catch (error) {
      log.warn("reconcile could not repair an account", { appId: item.authorizerAppId, error: describeError(error) });
    }
  }
  return repairs;
}

function openQuietly(box: SecretBox, sealed: string, appId: string): string | undefined {
  try {
    return box.open(sealed, sealedAt.authorizerRefreshToken(appId));
  } catch {
    return undefined;
  }
}

async function importAccount(deps: ReconcileDeps, item: AuthorizerListItem, runId: number): Promise<boolean> {
  const { db } = deps.database;
  // One api_get_authorizer_info answers both the granted sets and the profile.
  const info = await fetchAuthorizerInfo(deps, item.authorizerAppId);
  const funcIds = info && grantedFuncIds(info.authorization.funcInfo);
  const inserted = await db.transaction(async (tx) => {
    const rows = await tx
      .insert(authorizers)
      .values({
        appId: item.authorizerAppId,
        merchantId: null,
        funcIds: funcIds ?? [],
        status: item.refreshToken ? "authorized" : "needs_reauthorization",
        stateVersion: item.authTime,
        refreshTokenSealed: item.refreshToken
          ? deps.secretBox.seal(item.refreshToken, sealedAt.authorizerRefreshToken(item.authorizerAppId))
          : null,
        refreshDueAt: item.refreshToken ? sql`now()` : null,
        authorizedAt: new Date(item.authTime * 1000),
      })
      .onConflictDoNothing()
      .returning({ appId: authorizers.appId });
    if (rows.length === 0) return false;
    if (info) await storeProfile(tx, item.authorizerAppId, info);
    await tx.insert(authorizerGrants).values({
      appId: item.authorizerAppId,
      source: "reconcile",
      funcIds: funcIds ?? [],
      stateVersion: item.authTime,
    });
    await tx.insert(authorizerActivity).values({
      appId: item.authorizerAppId,
      kind: "reconcile_repair",
      detail: {
        runId,
        action: "imported",
        before: null,
        after: { status: item.refreshToken ? "authorized" : "needs_reauthorization" },
      },
    });
    return true;
  });
  return inserted;
}

/** Stores the listed refresh token and makes the account authorized again (due for a refresh now). */
async function restore(
  deps: ReconcileDeps,
  item: AuthorizerListItem,
  seenVersion: number,
  newVersion: number,
  runId: number,
  action: RepairAction,
): Promise<boolean> {
  const info = action === "restored" ? await fetchAuthorizerInfo(deps, item.authorizerAppId) : undefined;
  const funcIds = info && grantedFuncIds(info.authorization.funcInfo);
  return deps.database.db.transaction(async (tx) => {
    const before = await tx
      .select({ status: authorizers.status })
      .from(authorizers)
      .where(eq(authorizers.appId, item.authorizerAppId));
    const updated = await tx
      .update(authorizers)
      .set({
        status: "authorized",
        stateVersion: newVersion,
        refreshTokenSealed: deps.secretBox.seal(
          item.refreshToken,
          sealedAt.authorizerRefreshToken(item.authorizerAppId),
        ),
        refreshDueAt: sql`now()`,
        refreshAttempts: 0,
        refreshFailedAt: null,
        lastRefreshError: null,
        revokedAt: null,
        ...(funcIds ? { funcIds, authorizedAt: new Date(item.authTime * 1000) } : {}),
        updatedAt: sql`now()`,
      })
      .where(and(eq(authorizers.appId, item.authorizerAppId), eq(authorizers.stateVersion, seenVersion)))
      .returning({ appId: authorizers.appId });
    if (updated.length === 0) return false;
    if (funcIds) {
      await tx
        .insert(authorizerGrants)
        .values({ appId: item.authorizerAppId, source: "reconcile", funcIds, stateVersion: newVersion });
    }
    await tx.insert(authorizerActivity).values({
      appId: item.authorizerAppId,
      kind: "reconcile_repair",
      detail: { runId, action, before: { status: before[0]?.status ?? null }, after: { status: "authorized" } },
    });
    return true;
  });
}

async function markRevoked(db: Database["db"], appId: string, seenVersion: number, runId: number): Promise<boolean> {
  return db.transaction(async (tx) => {
    const before = await tx
      .select({ status: authorizers.status })
      .from(authorizers)
      .where(eq(authorizers.appId, appId));
    const updated = await tx
      .update(authorizers)
      .set(revokedColumns)
      .where(
        and(
          eq(authorizers.appId, appId),
          eq(authorizers.stateVersion, seenVersion),
          inArray(authorizers.status, ["authorized", "needs_reauthorization"]),
        ),
      )
      .returning({ appId: authorizers.appId });
    if (updated.length === 0) return false;
    await tx.insert(authorizerGrants).values({ appId, source: "reconcile", funcIds: [], stateVersion: seenVersion });
    await tx.insert(authorizerActivity).values({
      appId,
      kind: "reconcile_repair",
      detail: {
        runId,
        action: "revoked",
        before: { status: before[0]?.status ?? null },
        after: { status: "unauthorized" },
      },
    });
    return true;
  });
}

/** api_get_authorizer_info, best effort: undefined when WeChat does not answer (the repair goes ahead without it). */
async function fetchAuthorizerInfo(deps: ReconcileDeps, appId: string): Promise<AuthorizerInfo | undefined> {
  try {
    return await deps.client.getAuthorizerInfo(appId);
  } catch (error) {
    log.warn("reconcile: authorizer info not fetched", { appId, error: describeError(error) });
    return undefined;
  }
}
