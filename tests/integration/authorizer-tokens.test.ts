import { eq, inArray, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { rowsOf } from "@/db";
import { authorizerActivity, authorizers, reconcileRuns } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { getHealth } from "@/lib/health";
import { sealedAt } from "@/lib/secrets";
import { createAuthorizerRefresher } from "@/lib/tokens/authorizer-refresher";
import { createAuthorizerTokenService } from "@/lib/tokens/authorizer-tokens";
import { reconcileAuthorizers } from "@/lib/tokens/reconcile";
import { WechatApiError } from "@/lib/wechat/errors";
import { TEST_SECRETS } from "../support/app-server";
import { usingPostgres } from "../support/database";
import { createTestPortal, sandboxControl, sandboxLedger, seedAuthorizedAccounts } from "../support/portal";
import { withTestPortal } from "../support/with-app-server";
import { runWorker } from "../support/workers";

// The portal under test runs in this process on its own database; WeChat is the sandbox of a running app
// server, over HTTP. Refreshes are counted per account on WeChat's side (the sandbox's ledger).

const { app, database, portal } = withTestPortal({ RECONCILE_INTERVAL_MINUTES: "0" });

const row = async (appId: string) => {
  const [r] = await database.db.select().from(authorizers).where(eq(authorizers.appId, appId));
  if (!r) throw new Error(`no row for ${appId}`);
  return r;
};
const refreshTokenOf = async (appId: string) => {
  const r = await row(appId);
  return r.refreshTokenSealed
    ? portal.secretBox.open(r.refreshTokenSealed, sealedAt.authorizerRefreshToken(appId))
    : null;
};
const activity = async (appId: string) =>
  (
    await database.db
      .select()
      .from(authorizerActivity)
      .where(eq(authorizerActivity.appId, appId))
      .orderBy(authorizerActivity.id)
  ).map((a) => a.kind);

describe("on-demand tokens", () => {
  it("refreshes in place near expiry, once for 50 concurrent callers, then serves the stored token", async () => {
    const [appId] = (await seedAuthorizedAccounts(app, portal, 1, { expiresInSeconds: 60 })) as [string];
    const before = (await sandboxLedger(app)).get(appId)!.tokenRefreshes;

    const tokens = await Promise.all(Array.from({ length: 50 }, () => portal.authorizerTokens.getToken(appId)));
    expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(1);
    expect(tokens[0]!.accessToken).not.toBe(`seeded-expiring-${appId}`);
    expect(tokens[0]!.expiresAt.getTime() - Date.now()).toBeGreaterThan(7000 * 1000);
    expect((await sandboxLedger(app)).get(appId)!.tokenRefreshes).toBe(before + 1);

    // A second service (another instance) reads the stored token: no further call.
    const other = createTestPortal(app, database);
    expect((await other.authorizerTokens.getToken(appId)).accessToken).toBe(tokens[0]!.accessToken);
    expect((await sandboxLedger(app)).get(appId)!.tokenRefreshes).toBe(before + 1);

    const stored = await row(appId);
    expect(portal.secretBox.open(stored.accessTokenSealed!, sealedAt.authorizerAccessToken(appId))).toBe(
      tokens[0]!.accessToken,
    );
    // Next scheduled refresh 10–30 minutes before expiry.
    const lead = stored.accessTokenExpiresAt!.getTime() - stored.refreshDueAt!.getTime();
    expect(lead).toBeGreaterThanOrEqual(600_000 - 2000);
    expect(lead).toBeLessThanOrEqual(1_800_000 + 2000);
    expect(stored.refreshLeaseOwner).toBeNull();
  });

  it("withToken retries once with a fresh token when WeChat answers 40001, and only once", async () => {
    const [appId] = (await seedAuthorizedAccounts(app, portal, 1, { expiresInSeconds: 3600 })) as [string];
    const seen: string[] = [];
    const result = await portal.authorizerTokens.withToken(appId, async (token) => {
      seen.push(token);
      if (seen.length === 1) throw new WechatApiError("message/custom/send", 40001, "invalid credential");
      return "sent";
    });
    expect(result).toBe("sent");
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(`seeded-expiring-${appId}`);
    expect(seen[1]).not.toBe(seen[0]);

    const attempts: string[] = [];
    await expect(
      portal.authorizerTokens.withToken(appId, async (token) => {
        attempts.push(token);
        throw new WechatApiError("message/custom/send", 42001, "access_token expired");
      }),
    ).rejects.toMatchObject({ errcode: 42001 });
    expect(attempts).toHaveLength(2);
  });

  it("a token another instance stored just before our lease is served as is, not renewed a second time", async () => {
    const [appId] = (await seedAuthorizedAccounts(app, portal, 1, { expiresInSeconds: 60 })) as [string];
    const before = (await sandboxLedger(app)).get(appId)!.tokenRefreshes;
    // Between our read of the expiring token and our lease (the first raw statement), another instance renews it.
    const other = createTestPortal(app, database);
    let renewedMeanwhile: string | undefined;
    const db = Object.create(database.db) as typeof database.db;
    db.execute = (async (query: Parameters<typeof database.db.execute>[0]) => {
      renewedMeanwhile ??= (await other.authorizerTokens.refreshNow(appId)).accessToken;
      return database.db.execute(query);
    }) as typeof db.execute;
    const tokens = createAuthorizerTokenService({
      database: { db },
      client: portal.client,
      secretBox: portal.secretBox,
    });

    const served = await tokens.getToken(appId);
    expect(renewedMeanwhile).toBeDefined();
    expect(served.accessToken).toBe(renewedMeanwhile);
    expect((await sandboxLedger(app)).get(appId)!.tokenRefreshes).toBe(before + 1);
    expect((await row(appId)).refreshLeaseOwner).toBeNull();
  });

  it("answers clearly for an unknown, a revoked and a broken account", async () => {
    await expect(portal.authorizerTokens.getToken("wx0000000000000000")).rejects.toMatchObject({ code: "not_found" });
    const [revoked, broken] = (await seedAuthorizedAccounts(app, portal, 2)) as [string, string];
    await database.db.update(authorizers).set({ status: "unauthorized" }).where(eq(authorizers.appId, revoked));
    await database.db.update(authorizers).set({ status: "needs_reauthorization" }).where(eq(authorizers.appId, broken));
    const r = await portal.authorizerTokens.getToken(revoked).catch((e: unknown) => e);
    expect(r).toBeInstanceOf(AppError);
    expect(r).toMatchObject({ code: "conflict", status: 409 });
    expect(String((r as Error).message)).toContain("已取消授权");
    await expect(portal.authorizerTokens.getToken(broken)).rejects.toMatchObject({
      code: "conflict",
      message: expect.stringContaining("需要重新授权"),
    });
  });
});

describe("background refresher", () => {
  it("3 refreshers sharing the database, 500 accounts expiring together: each refreshed exactly once, none left expired", async () => {
    const appIds = await seedAuthorizedAccounts(app, portal, 500, { expiresInSeconds: 120 });
    // Due since a minute ago: the health check reports the refresher as that far behind.
    await database.db.execute(sql`update authorizers set refresh_due_at = now() - interval '60 seconds'`);
    expect((await getHealth(portal)).authorizers.refresherLagSeconds).toBeGreaterThanOrEqual(59);
    const refreshers = [0, 1, 2]
      .map(() => createTestPortal(app, database))
      .map((p) => createAuthorizerRefresher({ tokens: p.authorizerTokens, concurrency: 8 }));
    const results = await Promise.all(refreshers.map((r) => r.runPass()));
    expect(results.reduce((n, r) => n + r.refreshed, 0)).toBe(500);
    expect(results.reduce((n, r) => n + r.failed, 0)).toBe(0);
    // Work was shared, not done by one.
    expect(results.filter((r) => r.refreshed > 0).length).toBeGreaterThan(1);

    const ledger = await sandboxLedger(app);
    const counts = appIds.map((id) => ledger.get(id)!.tokenRefreshes);
    expect(counts.every((c) => c === 1)).toBe(true);
    const [stale] = rowsOf<{ n: number }>(
      await database.db.execute(sql`
        select count(*)::int as n from authorizers
        where access_token_expires_at < now() + interval '1 hour' or refresh_due_at < now() + interval '1 hour'
          or refresh_lease_owner is not null`),
    );
    expect(stale?.n).toBe(0);
    // A second pass finds nothing due.
    expect(await refreshers[0]!.runPass()).toEqual({ refreshed: 0, failed: 0 });
  }, 120_000);

  it("stopped mid-pass: the accounts it had claimed but not started are handed back at once", async () => {
    await seedAuthorizedAccounts(app, portal, 10);
    const tokens = portal.authorizerTokens;
    let started = 0;
    let finish!: () => void;
    const held = new Promise<void>((resolve) => (finish = resolve));
    const refresher = createAuthorizerRefresher({
      tokens: {
        claimDue: tokens.claimDue,
        releaseClaims: tokens.releaseClaims,
        refreshClaimed: async (claim, trigger) => {
          started++;
          await held;
          return tokens.refreshClaimed(claim, trigger);
        },
      },
      concurrency: 2,
    });
    const pass = refresher.runPass();
    while (started < 2) await new Promise((r) => setTimeout(r, 20));
    const leased = async () =>
      rowsOf<{ n: number }>(
        await database.db.execute(
          sql`select count(*)::int as n from authorizers where refresh_lease_owner is not null`,
        ),
      )[0]!.n;
    // 2 refreshing, 2 more claimed ahead of them.
    expect(await leased()).toBe(4);
    await refresher.stop();
    finish();
    expect(await pass).toEqual({ refreshed: 2, failed: 0 });
    expect(started).toBe(2);
    // Nothing left leased: the other instances can take the 8 not refreshed right away, not in 2 minutes.
    expect(await leased()).toBe(0);
    const [due] = rowsOf<{ n: number }>(
      await database.db.execute(sql`select count(*)::int as n from authorizers where refresh_due_at <= now()`),
    );
    expect(due!.n).toBe(8);
  });

  it.runIf(usingPostgres)(
    "3 processes sharing PostgreSQL, 500 accounts expiring together: each refreshed exactly once",
    async () => {
      const appIds = await seedAuthorizedAccounts(app, portal, 500, { expiresInSeconds: 120 });
      const { databaseUrl } = database as unknown as { databaseUrl?: string };
      const url = databaseUrl ?? (await currentDatabaseUrl());
      const startAt = Date.now() + 3000;
      const runs = await Promise.all(
        [0, 1, 2].map(() =>
          runWorker<{ refreshed: number; failed: number }>("tests/support/refresh-worker.ts", {
            ...TEST_SECRETS,
            NODE_ENV: "test",
            APP_URL: app.url,
            WECHAT_SANDBOX: "1",
            DATABASE_URL: url,
            AUTHORIZER_REFRESH_CONCURRENCY: "8",
            START_AT: String(startAt),
          }),
        ),
      );
      expect(runs.reduce((n, r) => n + r.refreshed, 0)).toBe(500);
      expect(runs.reduce((n, r) => n + r.failed, 0)).toBe(0);
      expect(runs.filter((r) => r.refreshed > 0).length).toBeGreaterThan(1);
      const ledger = await sandboxLedger(app);
      expect(appIds.filter((id) => ledger.get(id)!.tokenRefreshes !== 1)).toEqual([]);
      const [stale] = rowsOf<{ n: number }>(
        await database.db.execute(
          sql`select count(*)::int as n from authorizers where access_token_expires_at < now() + interval '1 hour'`,
        ),
      );
      expect(stale?.n).toBe(0);
    },
    120_000,
  );
});

describe("faults", () => {
  it("a refresh WeChat applied but whose answer was lost, with a new refresh token in it: recovered, nothing lost", async () => {
    const [appId, other] = (await seedAuthorizedAccounts(app, portal, 2)) as [string, string];
    // The next call for this account is applied (WeChat issues a new refresh token) but its answer is held back
    // past our timeout. Our retry then sends the old refresh token: 61023.
    await sandboxControl(app, "fault", {
      endpoint: "api_authorizer_token",
      appId,
      hangMs: 4000,
      rotateRefreshToken: true,
      times: 1,
    });
    // Short attempts, so the lost answer costs seconds, not ten.
    const impatient = createTestPortal(app, database, { WECHAT_API_TIMEOUT_MS: "1500" });
    const refresher = createAuthorizerRefresher({ tokens: impatient.authorizerTokens, concurrency: 4 });
    expect(await refresher.runPass()).toEqual({ refreshed: 2, failed: 0 });

    const ledger = await sandboxLedger(app);
    expect(await refreshTokenOf(appId)).toBe(ledger.get(appId)!.refreshToken);
    expect(await refreshTokenOf(other)).toBe(ledger.get(other)!.refreshToken);
    expect((await row(appId)).status).toBe("authorized");
    expect(await activity(appId)).toEqual(["refresh_token_recovered", "token_refreshed"]);
    // And the account keeps working: the next refresh succeeds with the stored refresh token.
    await expect(portal.authorizerTokens.refreshNow(appId)).resolves.toMatchObject({ appId });
  }, 60_000);

  it("a burst of -1: the refresh backs off and succeeds later; the other accounts are unaffected", async () => {
    const appIds = await seedAuthorizedAccounts(app, portal, 5);
    const [first] = appIds as [string];
    // 4 answers of -1 for one account: the client's 3 retries are used up, the refresh fails and backs off.
    await sandboxControl(app, "fault", { endpoint: "api_authorizer_token", appId: first, errcode: -1, times: 4 });
    const refresher = createAuthorizerRefresher({ tokens: portal.authorizerTokens, concurrency: 4 });
    expect(await refresher.runPass()).toEqual({ refreshed: 4, failed: 1 });

    const failed = await row(first);
    expect(failed.status).toBe("authorized");
    expect(failed.refreshAttempts).toBe(1);
    expect(failed.refreshFailedAt).not.toBeNull();
    expect(failed.lastRefreshError).toContain("-1");
    // 30 s ± 20 %, counted from the failure (both set by the database in one statement, so no clock of ours is involved).
    const backoff = failed.refreshDueAt!.getTime() - failed.refreshFailedAt!.getTime();
    expect(backoff).toBeGreaterThanOrEqual(24_000 - 1);
    expect(backoff).toBeLessThanOrEqual(36_000 + 1);
    expect(await refreshTokenOf(first)).toBe((await sandboxLedger(app)).get(first)!.refreshToken);
    expect((await getHealth(portal)).authorizers).toMatchObject({
      refreshFailed: 1,
      needsReauthorization: 0,
      refresherLagSeconds: 0,
    });

    // The backoff ends: the next pass renews it and clears the failure.
    await database.db.update(authorizers).set({ refreshDueAt: new Date() }).where(eq(authorizers.appId, first));
    expect(await refresher.runPass()).toEqual({ refreshed: 1, failed: 0 });
    const healed = await row(first);
    expect([healed.refreshAttempts, healed.refreshFailedAt, healed.lastRefreshError]).toEqual([0, null, null]);
    expect(await activity(first)).toEqual(["token_refresh_failed", "token_refreshed"]);
  }, 60_000);

  it("61023 for one account: recovered from the authorizer list when WeChat lists a new token, flagged when it lists none", async () => {
    const [recoverable, broken, ...others] = (await seedAuthorizedAccounts(app, portal, 6)) as [
      string,
      string,
      ...string[],
    ];
    await sandboxControl(app, "rotate-refresh-token", { appId: recoverable });
    await sandboxControl(app, "rotate-refresh-token", { appId: broken, hideFromList: true });
    const brokenTokenBefore = await refreshTokenOf(broken);

    const refresher = createAuthorizerRefresher({ tokens: portal.authorizerTokens, concurrency: 3 });
    expect(await refresher.runPass()).toEqual({ refreshed: 5, failed: 1 });

    const ledger = await sandboxLedger(app);
    expect(await refreshTokenOf(recoverable)).toBe(ledger.get(recoverable)!.refreshToken);
    expect((await row(recoverable)).status).toBe("authorized");

    const flagged = await row(broken);
    expect(flagged.status).toBe("needs_reauthorization");
    expect(flagged.refreshDueAt).toBeNull();
    expect(flagged.lastRefreshError).toContain("61023");
    // The token we held is kept (sealed), not thrown away.
    expect(await refreshTokenOf(broken)).toBe(brokenTokenBefore);
    expect(await activity(broken)).toEqual(["needs_reauthorization"]);
    expect((await getHealth(portal)).authorizers).toMatchObject({ refreshFailed: 0, needsReauthorization: 1 });
    await expect(portal.authorizerTokens.getToken(broken)).rejects.toMatchObject({ code: "conflict" });

    for (const id of others) {
      expect((await row(id)).status).toBe("authorized");
      expect(ledger.get(id)!.tokenRefreshes).toBe(1);
    }
    // Flagged accounts are no longer refreshed.
    await database.db.update(authorizers).set({ refreshDueAt: new Date() }).where(eq(authorizers.appId, broken));
    expect(await refresher.runPass()).toEqual({ refreshed: 0, failed: 0 });
  }, 60_000);

  it("an account WeChat no longer lists (61023, revoked with the event lost) is marked revoked", async () => {
    const [appId] = (await seedAuthorizedAccounts(app, portal, 1)) as [string];
    await sandboxControl(app, "revoke", { appId }); // its `unauthorized` push goes to the app server, not to us
    await expect(portal.authorizerTokens.refreshNow(appId)).rejects.toMatchObject({ code: "conflict" });
    const r = await row(appId);
    expect(r.status).toBe("unauthorized");
    expect([r.refreshTokenSealed, r.accessTokenSealed]).toEqual([null, null]);
    expect(await activity(appId)).toEqual(["revoked_by_wechat"]);
  });

  it("a refresh that finishes after the account was re-authorized does not overwrite the new grant", async () => {
    const [appId] = (await seedAuthorizedAccounts(app, portal, 1)) as [string];
    const [claim] = await portal.authorizerTokens.claimDue(1);
    expect(claim?.appId).toBe(appId);
    // Meanwhile: re-authorized, with a new refresh token and a newer grant version.
    const newer = portal.secretBox.seal("refreshtoken@@@from-the-new-grant", sealedAt.authorizerRefreshToken(appId));
    await database.db
      .update(authorizers)
      .set({ refreshTokenSealed: newer, stateVersion: sql`${authorizers.stateVersion} + 10` })
      .where(eq(authorizers.appId, appId));
    await expect(portal.authorizerTokens.refreshClaimed(claim!, "scheduled")).rejects.toMatchObject({
      code: "conflict",
    });
    expect(await refreshTokenOf(appId)).toBe("refreshtoken@@@from-the-new-grant");
  });
});

describe("a refresh that outlives its lease", () => {
  /**
   * The portal's client, except that each api_authorizer_token answer is held back after WeChat applied the call,
   * until the test releases it: a refresh slower than its lease.
   */
  function holdingAnswers() {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let markApplied!: () => void;
    const applied = new Promise<void>((resolve) => (markApplied = resolve));
    const client = {
      listAllAuthorizers: () => portal.client.listAllAuthorizers(),
      refreshAuthorizerToken: async (appId: string, refreshToken: string) => {
        const answer = await portal.client.refreshAuthorizerToken(appId, refreshToken);
        markApplied();
        await released;
        return answer;
      },
    };
    return {
      service: createAuthorizerTokenService({ database, client, secretBox: portal.secretBox }),
      applied,
      release,
    };
  }
  const leaseRunsOut = (appId: string) =>
    database.db
      .update(authorizers)
      .set({ refreshLeaseUntil: sql`now() - interval '1 second'` })
      .where(eq(authorizers.appId, appId));
  const storedAccessToken = async (appId: string) =>
    portal.secretBox.open((await row(appId)).accessTokenSealed!, sealedAt.authorizerAccessToken(appId));

  it("taken over and stored by another worker meanwhile: its late answer is dropped, the newer token stays", async () => {
    const [appId] = (await seedAuthorizedAccounts(app, portal, 1)) as [string];
    const late = holdingAnswers();
    const [claim] = await late.service.claimDue(1);
    expect(claim?.appId).toBe(appId);
    const refreshing = late.service.refreshClaimed(claim!, "scheduled").catch((error: unknown) => error);
    await late.applied;
    await leaseRunsOut(appId);
    // Another worker finds the lease free, renews the token and stores it; then the first answer arrives.
    const newer = await createTestPortal(app, database).authorizerTokens.refreshNow(appId);
    late.release();

    expect(await refreshing).toMatchObject({ code: "conflict" });
    expect(await storedAccessToken(appId)).toBe(newer.accessToken);
    expect((await row(appId)).accessTokenExpiresAt).toEqual(newer.expiresAt);
    expect((await row(appId)).refreshLeaseOwner).toBeNull();
    expect(await activity(appId)).toEqual(["token_refreshed"]);
    // Both calls reached WeChat; only the later one is kept.
    expect((await sandboxLedger(app)).get(appId)!.tokenRefreshes).toBe(2);
  });

  it("taken over by a worker still refreshing: the late answer writes nothing, the new holder's answer is stored", async () => {
    const [appId] = (await seedAuthorizedAccounts(app, portal, 1)) as [string];
    const late = holdingAnswers();
    const [claim] = await late.service.claimDue(1);
    const refreshingLate = late.service.refreshClaimed(claim!, "scheduled").catch((error: unknown) => error);
    await late.applied;
    await leaseRunsOut(appId);
    const taker = holdingAnswers();
    const refreshingTaker = taker.service.refreshNow(appId);
    await taker.applied;
    const takerLease = (await row(appId)).refreshLeaseOwner;
    expect(takerLease).not.toBeNull();
    expect(takerLease).not.toBe(claim!.owner);

    late.release();
    expect(await refreshingLate).toMatchObject({ code: "conflict" });
    // Nothing written: the seeded token, the new holder's lease, no activity.
    expect(await storedAccessToken(appId)).toBe(`seeded-expiring-${appId}`);
    expect((await row(appId)).refreshLeaseOwner).toBe(takerLease);
    expect(await activity(appId)).toEqual([]);

    taker.release();
    const stored = await refreshingTaker;
    expect(await storedAccessToken(appId)).toBe(stored.accessToken);
    expect((await row(appId)).refreshLeaseOwner).toBeNull();
    expect(await activity(appId)).toEqual(["token_refreshed"]);
  });

  it("not taken over: a late answer is still stored (no worker renewed the token instead)", async () => {
    const [appId] = (await seedAuthorizedAccounts(app, portal, 1)) as [string];
    const late = holdingAnswers();
    const [claim] = await late.service.claimDue(1);
    const refreshing = late.service.refreshClaimed(claim!, "scheduled");
    await late.applied;
    await leaseRunsOut(appId);
    late.release();
    const stored = await refreshing;
    expect(await storedAccessToken(appId)).toBe(stored.accessToken);
    expect((await row(appId)).refreshLeaseOwner).toBeNull();
    expect(await activity(appId)).toEqual(["token_refreshed"]);
  });
});

describe("reconcile with api_get_authorizer_list", () => {
  // The list is compared whole: start from no sandbox accounts, so earlier tests' accounts are not imported.
  beforeEach(() => sandboxControl(app, "clear-accounts"));

  it("imports, restores, updates and revokes what lost events left wrong, records each repair once", async () => {
    const [missing, revokedHere, staleToken, gone, fine] = (await seedAuthorizedAccounts(app, portal, 5)) as [
      string,
      string,
      string,
      string,
      string,
    ];
    // Unknown here (its `authorized` event was lost).
    await database.db.delete(authorizers).where(eq(authorizers.appId, missing));
    // Revoked here, but authorized again at WeChat afterwards.
    await database.db
      .update(authorizers)
      .set({ status: "unauthorized", refreshTokenSealed: null, stateVersion: sql`${authorizers.stateVersion} - 100` })
      .where(eq(authorizers.appId, revokedHere));
    // WeChat holds a newer refresh token (an `updateauthorized` we never saw).
    await sandboxControl(app, "rotate-refresh-token", { appId: staleToken });
    // Revoked at WeChat; the `unauthorized` event went elsewhere.
    await sandboxControl(app, "revoke", { appId: gone });

    const result = await reconcileAuthorizers(portal, "test");
    expect(result.skipped).toBe(false);
    const mine = new Set([missing, revokedHere, staleToken, gone, fine]);
    expect(result.repairs.filter((r) => mine.has(r.appId)).sort((a, b) => a.appId.localeCompare(b.appId))).toEqual(
      [
        { appId: missing, action: "imported" },
        { appId: revokedHere, action: "restored" },
        { appId: staleToken, action: "refresh_token_updated" },
        { appId: gone, action: "revoked" },
      ].sort((a, b) => a.appId.localeCompare(b.appId)),
    );

    const ledger = await sandboxLedger(app);
    expect((await row(missing)).status).toBe("authorized");
    expect((await row(missing)).merchantId).toBeNull();
    expect((await row(missing)).nickName).toBeTruthy();
    expect(await refreshTokenOf(missing)).toBe(ledger.get(missing)!.refreshToken);
    expect((await row(revokedHere)).status).toBe("authorized");
    expect(await refreshTokenOf(revokedHere)).toBe(ledger.get(revokedHere)!.refreshToken);
    expect(await refreshTokenOf(staleToken)).toBe(ledger.get(staleToken)!.refreshToken);
    expect((await row(gone)).status).toBe("unauthorized");
    expect((await row(fine)).status).toBe("authorized");

    const repairs = await database.db
      .select()
      .from(authorizerActivity)
      .where(inArray(authorizerActivity.appId, [...mine]));
    expect(repairs.filter((a) => a.kind === "reconcile_repair")).toHaveLength(4);
    expect(repairs.find((a) => a.appId === gone)?.detail).toMatchObject({
      action: "revoked",
      before: { status: "authorized" },
      after: { status: "unauthorized" },
    });
    const [run] = await database.db.select().from(reconcileRuns);
    expect(run).toMatchObject({ status: "done", repairs: result.repairs.length, checked: result.listed });

    // Nothing left to repair; the restored and imported accounts are now refreshed normally.
    const again = await reconcileAuthorizers(portal, "test");
    expect(again.repairs.filter((r) => mine.has(r.appId))).toEqual([]);
    const refresher = createAuthorizerRefresher({ tokens: portal.authorizerTokens, concurrency: 4 });
    const pass = await refresher.runPass();
    expect(pass.failed).toBe(0);
    expect(pass.refreshed).toBeGreaterThanOrEqual(4);
  }, 60_000);

  it("a grant newer than the run is never undone, and one run at a time", async () => {
    const [appId] = (await seedAuthorizedAccounts(app, portal, 1)) as [string];
    await sandboxControl(app, "revoke", { appId });
    // A grant recorded after the run starts (state_version in the future) must survive even though unlisted.
    await database.db
      .update(authorizers)
      .set({ stateVersion: Math.floor(Date.now() / 1000) + 3600 })
      .where(eq(authorizers.appId, appId));
    const [a, b] = await Promise.all([reconcileAuthorizers(portal, "test"), reconcileAuthorizers(portal, "test")]);
    expect([a.skipped, b.skipped].sort()).toEqual([false, true]);
    expect((await row(appId)).status).toBe("authorized");
  });
});

describe("secrets at rest", () => {
  it("a dump of the portal's database holds no token in plaintext", async () => {
    const appIds = await seedAuthorizedAccounts(app, portal, 3);
    const served = await Promise.all(appIds.map((id) => portal.authorizerTokens.refreshNow(id)));
    const componentToken = await portal.componentToken.getToken();
    const ledger = await sandboxLedger(app);
    const secrets = [
      componentToken,
      ...served.map((t) => t.accessToken),
      ...appIds.map((id) => ledger.get(id)!.refreshToken!),
    ];
    expect(secrets.every((s) => s.length > 20)).toBe(true);

    const tables = rowsOf<{ tablename: string }>(
      await database.db.execute(sql`select tablename from pg_tables where schemaname = 'public'`),
    ).map((t) => t.tablename);
    let dump = "";
    for (const table of tables) {
      const rows = rowsOf<{ r: unknown }>(
        await database.db.execute(sql.raw(`select row_to_json(t) as r from "${table}" t`)),
      );
      dump += rows.map((r) => JSON.stringify(r.r)).join("\n");
    }
    expect(dump).toContain(appIds[0]); // the dump did read the accounts
    for (const secret of secrets) expect(dump).not.toContain(secret);
  });
});

async function currentDatabaseUrl(): Promise<string> {
  const [r] = rowsOf<{ name: string }>(await database.db.execute(sql`select current_database() as name`));
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/${r!.name}`;
  return url.toString();
}
