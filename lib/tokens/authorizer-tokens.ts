import { randomBytes } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { rowsOf, type Database } from "@/db";
import { authorizerActivity, authorizers } from "@/db/schema";
import { revokedColumns } from "@/lib/authorization/grants";
import { AppError } from "@/lib/errors";
import { wechatErrorText } from "@/lib/i18n/wechat-errors";
import { describeError, log } from "@/lib/log";
import { recordTokenRefresh } from "@/lib/metrics/record";
import { sealedAt, type SecretBox } from "@/lib/secrets";
import { refreshDueInSeconds } from "@/lib/tokens/refresh-schedule";
import type { ComponentClient } from "@/lib/wechat/client";
import { isTokenInvalidError, WechatApiError } from "@/lib/wechat/errors";

/**
 * authorizer_access_token for every authorized account, shared by every instance through PostgreSQL.
 *
 * One mechanism serves the background refresher and on-demand callers: a row lease (`refresh_lease_owner`,
 * `refresh_lease_until`) taken with a conditional UPDATE (the refresher claims batches with `FOR UPDATE SKIP
 * LOCKED`). Whoever holds the lease calls WeChat; the others wait for its result or keep using the still-valid
 * token. No connection or transaction is held open during the HTTP call, and a crashed holder's lease simply
 * runs out. The write is fenced: it lands only while the account's grant (`state_version`) is unchanged, so a
 * refresh that raced a re-authorization or a revocation can neither bring back a revoked account's tokens nor
 * overwrite a newer refresh token; and only while the refresh still holds its lease, so one that outlived it (its
 * answer later than LEASE_SECONDS) and was taken over by another worker cannot overwrite that worker's newer token.
 */

/** On-demand callers refresh in place when the stored token has less than this left. */
export const ON_DEMAND_MARGIN_SECONDS = 300;
/** Longer than the worst refresh: 10 s per attempt, 3 retries with backoff, then a list recovery. */
export const LEASE_SECONDS = 120;
const BACKOFF_BASE_SECONDS = 30;
const BACKOFF_MAX_SECONDS = 600;
const WAIT_POLL_MS = 150;
/** 61023 refresh_token is invalid; 61003 component is not authorized by this account. */
const REFRESH_TOKEN_INVALID = 61023;
/** The errors of refreshes whose result was dropped because another grant or lease holder won (not failures). */
const supersededErrors = new WeakSet<Error>();
const NOT_AUTHORIZED = 61003;

export type RefreshTrigger = "scheduled" | "on_demand" | "manual";

export interface AuthorizerToken {
  appId: string;
  accessToken: string;
  expiresAt: Date;
}

export interface AuthorizerTokenServiceOptions {
  database: Pick<Database, "db">;
  client: Pick<ComponentClient, "refreshAuthorizerToken" | "listAllAuthorizers">;
  secretBox: SecretBox;
  /** How long an on-demand caller waits for another holder's refresh before giving up. Default 15 s. */
  waitTimeoutMs?: number;
  /** Backoff after a failed refresh: base · 2^(attempts−1), capped. Seconds. */
  backoffBaseSeconds?: number;
  backoffMaxSeconds?: number;
  random?: () => number;
}

/** A leased account, as the refresher claimed it. */
export interface Claim {
  appId: string;
  owner: string;
  stateVersion: number;
  refreshTokenSealed: string;
}

export function createAuthorizerTokenService(options: AuthorizerTokenServiceOptions) {
  const { db } = options.database;
  const random = options.random ?? Math.random;
  const waitTimeoutMs = options.waitTimeoutMs ?? 15_000;
  const backoffBase = options.backoffBaseSeconds ?? BACKOFF_BASE_SECONDS;
  const backoffMax = options.backoffMaxSeconds ?? BACKOFF_MAX_SECONDS;
  const inflight = new Map<string, { promise: Promise<AuthorizerToken>; staleToken?: string }>();
  const newOwner = () => randomBytes(9).toString("base64url");

  // --- on demand -----------------------------------------------------------------------------------

  /**
   * A token good for at least 5 more minutes, refreshed in place when needed. With `staleToken` (WeChat just
   * answered 40001/42001 to it), refresh unless the stored token is already a different one (compare-and-swap).
   * Throws AppError: not_found (unknown appid), conflict (revoked, or needs re-authorization), unavailable.
   * Every call reads the account's row (one query), so a revocation is seen at once; concurrent callers in this
   * process share that read and any refresh.
   */
  async function getToken(appId: string, opts: { staleToken?: string } = {}): Promise<AuthorizerToken> {
    let entry = inflight.get(appId);
    if (!entry || (opts.staleToken && entry.staleToken !== opts.staleToken)) {
      const promise = loadOrRefresh(appId, opts.staleToken).finally(() => {
        if (inflight.get(appId)?.promise === promise) inflight.delete(appId);
      });
      entry = { promise, staleToken: opts.staleToken };
      inflight.set(appId, entry);
    }
    return entry.promise;
  }

  /** Runs `fn` with the account's token; on 40001/42001 gets a fresh one (compare-and-swap) and retries once. */
  async function withToken<T>(appId: string, fn: (accessToken: string) => Promise<T>): Promise<T> {
    const { accessToken } = await getToken(appId);
    try {
      return await fn(accessToken);
    } catch (error) {
      if (!isTokenInvalidError(error)) throw error;
      const fresh = await getToken(appId, { staleToken: accessToken });
      return fn(fresh.accessToken);
    }
  }

  async function readRow(appId: string) {
    const [row] = await db
      .select({
        status: authorizers.status,
        stateVersion: authorizers.stateVersion,
        refreshTokenSealed: authorizers.refreshTokenSealed,
        accessTokenSealed: authorizers.accessTokenSealed,
        accessTokenExpiresAt: authorizers.accessTokenExpiresAt,
        leaseUntil: authorizers.refreshLeaseUntil,
      })
      .from(authorizers)
      .where(eq(authorizers.appId, appId));
    return row;
  }

  function assertUsable(
    appId: string,
    row: Awaited<ReturnType<typeof readRow>>,
  ): asserts row is NonNullable<typeof row> {
    if (!row) throw new AppError("not_found", `No authorized account ${appId} is known to the platform.`);
    if (row.status === "unauthorized") throw notAuthorizedError(appId, "unauthorized");
    if (row.status === "needs_reauthorization" || !row.refreshTokenSealed)
      throw notAuthorizedError(appId, "needs_reauthorization");
  }

  async function loadOrRefresh(appId: string, staleToken: string | undefined): Promise<AuthorizerToken> {
    const deadline = Date.now() + waitTimeoutMs;
    for (;;) {
      const row = await readRow(appId);
      assertUsable(appId, row);
      const stored =
        row.accessTokenSealed && row.accessTokenExpiresAt
          ? {
              token: options.secretBox.open(row.accessTokenSealed, sealedAt.authorizerAccessToken(appId)),
              expiresAt: row.accessTokenExpiresAt,
            }
          : undefined;
      const usable = stored && stored.token !== staleToken;
      if (usable && stored.expiresAt.getTime() - Date.now() > ON_DEMAND_MARGIN_SECONDS * 1000) {
        return { appId, accessToken: stored.token, expiresAt: stored.expiresAt };
      }

      const claim = await claimOne(appId, row.stateVersion);
      if (claim) {
        // The row as the lease found it: another holder may have stored a new token since our first read.
        if (claim.current) {
          const token = options.secretBox.open(claim.current.accessTokenSealed, sealedAt.authorizerAccessToken(appId));
          if (token !== staleToken && token !== stored?.token) {
            await releaseClaims([claim]);
            return { appId, accessToken: token, expiresAt: claim.current.expiresAt };
          }
        }
        return refreshClaimed(claim, "on_demand");
      }

      // Someone else holds the lease and is refreshing: a token with more than a minute left is fine meanwhile.
      if (usable && stored.expiresAt.getTime() - Date.now() > 60_000) {
        return { appId, accessToken: stored.token, expiresAt: stored.expiresAt };
      }
      if (Date.now() > deadline) {
        throw new AppError(
          "unavailable",
          `The token of ${appId} is being renewed by another instance; try again shortly.`,
        );
      }
      await new Promise((r) => setTimeout(r, WAIT_POLL_MS));
    }
  }

  /**
   * Takes the lease on one account, if nobody holds it and its grant is the one we read. Also answers the access
   * token the row holds as the lease is taken, so the caller needs no second read to see a holder's new token.
   */
  async function claimOne(
    appId: string,
    stateVersion: number,
  ): Promise<(Claim & { current?: { accessTokenSealed: string; expiresAt: Date } }) | undefined> {
    const owner = newOwner();
    const [row] = rowsOf<{
      refresh_token_sealed: string;
      state_version: number | string;
      access_token_sealed: string | null;
      access_token_expires_at: Date | string | null;
    }>(
      await db.execute(sql`
        update authorizers
        set refresh_lease_owner = ${owner}, refresh_lease_until = now() + make_interval(secs => ${LEASE_SECONDS})
        where app_id = ${appId} and status = 'authorized' and refresh_token_sealed is not null
          and state_version = ${stateVersion}
          and (refresh_lease_until is null or refresh_lease_until < now())
        returning refresh_token_sealed, state_version, access_token_sealed, access_token_expires_at`),
    );
    if (!row) return undefined;
    const claim = {
      appId,
      owner,
      stateVersion: Number(row.state_version),
      refreshTokenSealed: row.refresh_token_sealed,
    };
    return row.access_token_sealed && row.access_token_expires_at
      ? {
          ...claim,
          current: { accessTokenSealed: row.access_token_sealed, expiresAt: new Date(row.access_token_expires_at) },
        }
      : claim;
  }

  /**
   * The background refresher's claim: up to `limit` due accounts, oldest due first. `SKIP LOCKED` lets every
   * instance claim at once without waiting on (or double-claiming) each other's rows.
   */
  async function claimDue(limit: number): Promise<Claim[]> {
    const owner = newOwner();
    const rows = rowsOf<{ app_id: string; refresh_token_sealed: string; state_version: number | string }>(
      await db.execute(sql`
        update authorizers
        set refresh_lease_owner = ${owner}, refresh_lease_until = now() + make_interval(secs => ${LEASE_SECONDS})
        where app_id in (
          select app_id from authorizers
          where status = 'authorized' and refresh_token_sealed is not null and refresh_due_at <= now()
            and (refresh_lease_until is null or refresh_lease_until < now())
          order by refresh_due_at
          limit ${limit}
          for update skip locked
        )
        returning app_id, refresh_token_sealed, state_version`),
    );
    return rows.map((r) => ({
      appId: r.app_id,
      owner,
      stateVersion: Number(r.state_version),
      refreshTokenSealed: r.refresh_token_sealed,
    }));
  }

  /** Hands back leases not used (a stopping refresher's queue): one statement, however many. */
  async function releaseClaims(claims: Claim[]): Promise<void> {
    if (claims.length === 0) return;
    const held = sql.join(
      claims.map((c) => sql`(${c.appId}, ${c.owner})`),
      sql`, `,
    );
    await db.execute(sql`
      update authorizers set refresh_lease_owner = null, refresh_lease_until = null
      where (app_id, refresh_lease_owner) in (${held})`);
  }

  // --- the refresh itself ----------------------------------------------------------------------------

  /**
   * Calls api_authorizer_token for a leased account and stores the result. On 61023 the current refresh token
   * is looked up in api_get_authorizer_list and the refresh retried once with it; when that fails the account
   * is flagged for re-authorization and no longer refreshed. On 61003 it is marked revoked. Other failures
   * back off.
   */
  async function refreshClaimed(claim: Claim, trigger: RefreshTrigger): Promise<AuthorizerToken> {
    let refreshToken = options.secretBox.open(claim.refreshTokenSealed, sealedAt.authorizerRefreshToken(claim.appId));
    let recovered = false;
    for (;;) {
      try {
        const issued = await options.client.refreshAuthorizerToken(claim.appId, refreshToken);
        return await storeRefreshed(claim, refreshToken, issued, trigger, recovered);
      } catch (error) {
        // Superseded (another grant or another lease holder won): not a failed refresh, nothing to back off from.
        if (error instanceof Error && supersededErrors.has(error)) throw error;
        if (error instanceof WechatApiError && error.errcode === REFRESH_TOKEN_INVALID && !recovered) {
          let listed: string | undefined | null = null;
          try {
            listed = await findListedRefreshToken(claim.appId);
          } catch (listError) {
            log.warn("api_get_authorizer_list failed during 61023 recovery", {
              appId: claim.appId,
              error: describeError(listError),
            });
          }
          if (listed) {
            if (listed !== refreshToken) {
              refreshToken = listed;
              recovered = true;
              // Keep it at once: even if the retry fails for another reason, this is the token WeChat holds.
              await persistRefreshToken(claim, listed);
              await recordActivity(claim.appId, "refresh_token_recovered", {
                trigger,
                source: "api_get_authorizer_list",
              });
              continue;
            }
          } else if (listed === undefined) {
            // WeChat no longer lists the account at all: it cancelled the authorization and the event was lost.
            throw await recordFailure(claim, error, trigger, "unauthorized");
          }
        }
        throw await recordFailure(claim, error, trigger);
      }
    }
  }

  /** The refresh token WeChat lists for the account: '' when it lists none, undefined when it lists no such account. */
  async function findListedRefreshToken(appId: string): Promise<string | undefined> {
    for await (const item of options.client.listAllAuthorizers()) {
      if (item.authorizerAppId === appId) return item.refreshToken;
    }
    return undefined;
  }

  async function storeRefreshed(
    claim: Claim,
    sentRefreshToken: string,
    issued: { accessToken: string; expiresIn: number; refreshToken?: string },
    trigger: RefreshTrigger,
    recovered: boolean,
  ): Promise<AuthorizerToken> {
    // WeChat normally returns the refresh token it was sent; a different one replaces ours (docs/wechat-protocol.md §3.5).
    const refreshToken = issued.refreshToken || sentRefreshToken;
    const refreshTokenChanged = refreshToken !== sentRefreshToken;
    const dueIn = refreshDueInSeconds(issued.expiresIn, random);
    const detail = JSON.stringify({ trigger, expiresIn: issued.expiresIn, refreshTokenChanged, recovered });
    // One statement (one round trip, atomic): the tokens and the activity row are written together.
    // Only the lease holder writes. A lease that ran out is still ours until another worker claims the account; once
    // one has, our answer is the older one at WeChat (we called first), and its token, stored or on its way, wins.
    const [written] = rowsOf<{ access_token_expires_at: Date | string }>(
      await db.execute(sql`
        with updated as (
          update authorizers set
            access_token_sealed = ${options.secretBox.seal(issued.accessToken, sealedAt.authorizerAccessToken(claim.appId))},
            access_token_expires_at = now() + make_interval(secs => ${issued.expiresIn}),
            refresh_token_sealed = ${options.secretBox.seal(refreshToken, sealedAt.authorizerRefreshToken(claim.appId))},
            refresh_due_at = now() + make_interval(secs => ${dueIn}),
            refresh_lease_owner = null, refresh_lease_until = null,
            refresh_attempts = 0, refresh_failed_at = null, last_refresh_error = null,
            last_refreshed_at = now()
          where app_id = ${claim.appId} and status = 'authorized' and state_version = ${claim.stateVersion}
            and refresh_lease_owner = ${claim.owner}
          returning app_id, access_token_expires_at
        ), logged as (
          insert into authorizer_activity (app_id, kind, detail)
          select app_id, 'token_refreshed', ${detail}::jsonb from updated
        )
        select access_token_expires_at from updated`),
    );
    const stored = written ? new Date(written.access_token_expires_at) : undefined;
    if (!stored) {
      // The grant changed while we were refreshing (re-authorized, revoked), or another worker took over the lease we
      // outlived: that state wins, ours is dropped.
      log.info("authorizer token refresh superseded", { appId: claim.appId });
      recordTokenRefresh("authorizer", "superseded");
      const error = new AppError(
        "conflict",
        `Account ${claim.appId} changed while its token was being renewed; try again.`,
      );
      supersededErrors.add(error);
      throw error;
    }
    if (refreshTokenChanged) log.info("authorizer refresh token replaced by WeChat", { appId: claim.appId });
    recordTokenRefresh("authorizer", "ok");
    return { appId: claim.appId, accessToken: issued.accessToken, expiresAt: stored };
  }

  async function persistRefreshToken(claim: Claim, refreshToken: string): Promise<void> {
    await db.execute(sql`
      update authorizers set refresh_token_sealed = ${options.secretBox.seal(refreshToken, sealedAt.authorizerRefreshToken(claim.appId))}
      where app_id = ${claim.appId} and state_version = ${claim.stateVersion} and status = 'authorized'`);
  }

  /** Records a failed refresh and returns the error to throw (an AppError safe to show). */
  async function recordFailure(
    claim: Claim,
    error: unknown,
    trigger: RefreshTrigger,
    verdict?: "unauthorized",
  ): Promise<AppError> {
    const description =
      error instanceof WechatApiError
        ? `${error.errcode} ${wechatErrorText(error.errcode, "en")}`
        : describeError(error);
    const errcode = error instanceof WechatApiError ? error.errcode : undefined;

    if (verdict || errcode === REFRESH_TOKEN_INVALID || errcode === NOT_AUTHORIZED) {
      const status = verdict ?? (errcode === NOT_AUTHORIZED ? "unauthorized" : "needs_reauthorization");
      recordTokenRefresh("authorizer", status);
      const flagged = await db
        .update(authorizers)
        .set({
          ...(status === "unauthorized"
            ? revokedColumns
            : { status, refreshDueAt: null, refreshLeaseOwner: null, refreshLeaseUntil: null, updatedAt: sql`now()` }),
          refreshFailedAt: sql`coalesce(${authorizers.refreshFailedAt}, now())`,
          lastRefreshError: description.slice(0, 500),
        })
        .where(
          and(
            eq(authorizers.appId, claim.appId),
            eq(authorizers.status, "authorized"),
            eq(authorizers.stateVersion, claim.stateVersion),
          ),
        )
        .returning({ appId: authorizers.appId });
      if (flagged.length > 0) {
        await recordActivity(claim.appId, status === "unauthorized" ? "revoked_by_wechat" : "needs_reauthorization", {
          trigger,
          errcode,
        });
        log.warn(
          status === "unauthorized"
            ? "authorizer no longer authorizes the platform"
            : "authorizer needs re-authorization",
          {
            appId: claim.appId,
            errcode,
          },
        );
      }
      return notAuthorizedError(claim.appId, status, error);
    }

    const rows = rowsOf<{ refresh_attempts: number }>(
      await db.execute(sql`
        update authorizers set
          refresh_attempts = refresh_attempts + 1,
          refresh_failed_at = coalesce(refresh_failed_at, now()),
          last_refresh_error = ${description.slice(0, 500)},
          refresh_due_at = now() + make_interval(secs => least(${backoffMax}, ${backoffBase} * power(2, refresh_attempts)) * ${0.8 + random() * 0.4}),
          refresh_lease_owner = null, refresh_lease_until = null
        where app_id = ${claim.appId} and refresh_lease_owner = ${claim.owner}
        returning refresh_attempts`),
    );
    recordTokenRefresh("authorizer", "failed");
    await recordActivity(claim.appId, "token_refresh_failed", { trigger, errcode, error: description.slice(0, 200) });
    log.warn("authorizer token refresh failed", {
      appId: claim.appId,
      attempts: rows[0]?.refresh_attempts,
      error: description,
    });
    return new AppError(
      error instanceof AppError ? error.code : "upstream",
      error instanceof AppError ? error.message : `WeChat did not renew the token of ${claim.appId}: ${description}`,
      { cause: error },
    );
  }

  async function recordActivity(appId: string, kind: string, detail: Record<string, unknown>): Promise<void> {
    await db.insert(authorizerActivity).values({ appId, kind, detail });
  }

  /** Renews one account now, whatever its schedule (staff "refresh now", the CLI). */
  async function refreshNow(appId: string, trigger: RefreshTrigger = "manual"): Promise<AuthorizerToken> {
    const row = await readRow(appId);
    assertUsable(appId, row);
    const claim = await claimOne(appId, row.stateVersion);
    if (!claim) throw new AppError("conflict", `The token of ${appId} is being renewed right now; try again shortly.`);
    return refreshClaimed(claim, trigger);
  }

  return { getToken, withToken, refreshNow, claimDue, refreshClaimed, releaseClaims };
}

export type AuthorizerTokenService = ReturnType<typeof createAuthorizerTokenService>;

/** The 409 for an account whose tokens can no longer be had: revoked, or its refresh token refused. */
function notAuthorizedError(
  appId: string,
  status: "unauthorized" | "needs_reauthorization",
  cause?: unknown,
): AppError {
  return new AppError(
    "conflict",
    status === "unauthorized"
      ? `Account ${appId} has cancelled its authorization (已取消授权); the merchant must authorize again.`
      : `Account ${appId} needs re-authorization (需要重新授权): its refresh token is no longer valid.`,
    cause === undefined ? undefined : { cause },
  );
}
