import { createHash } from "node:crypto";
import { and, eq, isNull, lte, ne, sql } from "drizzle-orm";
import { advisoryKeyFor, type Database, type Db } from "@/db";
import { authorizationCodes, authorizerGrants, authorizers } from "@/db/schema";
import { describeError, log } from "@/lib/log";
import { sealedAt, type SecretBox } from "@/lib/secrets";
import { refreshDueInSeconds } from "@/lib/tokens/refresh-schedule";
import type { AuthorizerInfo, ComponentClient, FuncInfo } from "@/lib/wechat/client";

export interface GrantDeps {
  database: Pick<Database, "db" | "withAdvisoryLock">;
  client: ComponentClient;
  secretBox: SecretBox;
  now?: () => number;
}

export type GrantSource = "callback" | "authorized" | "updateauthorized";

const codeHash = (code: string) => createHash("sha256").update(code).digest("hex");

export interface AuthorizationCodeInput {
  code: string;
  /** The merchant a new account is stored for (null: none yet, or `expectedAppId` did not match). */
  merchantId: string | null;
  version: number;
  source: GrantSource;
  /**
   * The authorization session bringing the code (its `state`): the callback's, or the one whose pre_auth_code
   * the push names; null when none. Recorded with the code when this call exchanges it.
   */
  sessionState?: string | null;
  /** The account the session asked for (`biz_appid`, re-authorization): another one is stored unowned. */
  expectedAppId?: string | null;
  /**
   * WeChat's push names the session (by its pre_auth_code, signed): that pairing replaces a session recorded
   * by a callback that brought the code first.
   */
  authoritative?: boolean;
}

/**
 * Exchanges an authorization code once, whoever brings it first (the merchant's callback or WeChat's
 * `authorized`/`updateauthorized` event carry the same code), and stores the grant.
 *
 * The refresh token is stored in the same transaction that records the code as exchanged, so a crash cannot
 * leave a code spent and its refresh token lost. `version` orders grants and revocations that arrive out of
 * order: an older one never overwrites a newer state.
 *
 * Returns the session the code was recorded with (`sessionState`): the one that exchanged it, or that WeChat's
 * push named. A code answered from the record is not proof the caller may have the account (a leaked code can
 * be replayed with anyone's valid state), so callers attach the account (`bindMerchant`) only when that session
 * is theirs.
 */
export async function applyAuthorizationCode(
  deps: GrantDeps,
  input: AuthorizationCodeInput,
): Promise<{ appId: string; exchanged: boolean; sessionState: string | null }> {
  const { db, withAdvisoryLock } = deps.database;
  const hash = codeHash(input.code);
  const sessionState = input.sessionState ?? null;
  const result = await withAdvisoryLock(advisoryKeyFor("authorization_code", hash), async () => {
    const [done] = await db.select().from(authorizationCodes).where(eq(authorizationCodes.codeHash, hash));
    if (done) {
      if (input.authoritative && sessionState && done.sessionState !== sessionState) {
        await db.update(authorizationCodes).set({ sessionState }).where(eq(authorizationCodes.codeHash, hash));
      }
      return { appId: done.authorizerAppId, exchanged: false, sessionState: done.sessionState };
    }

    const info = await deps.client.queryAuth(input.code);
    // Security: an account other than the one the session asked for is not given to its merchant here.
    const owner = input.expectedAppId && input.expectedAppId !== info.authorizerAppId ? null : input.merchantId;
    const now = deps.now?.() ?? Date.now();
    const funcIds = grantedFuncIds(info.funcInfo);
    await db.transaction(async (tx) => {
      const sealedRefresh = info.refreshToken
        ? deps.secretBox.seal(info.refreshToken, sealedAt.authorizerRefreshToken(info.authorizerAppId))
        : null;
      const sealedAccess = info.accessToken
        ? deps.secretBox.seal(info.accessToken, sealedAt.authorizerAccessToken(info.authorizerAppId))
        : null;
      const accessExpiresAt = info.accessToken && info.expiresIn ? new Date(now + info.expiresIn * 1000) : null;
      // The background refresher takes over from here (10–30 minutes before expiry; now without a token).
      const refreshDueAt = new Date(now + refreshDueInSeconds(info.accessToken ? info.expiresIn : 0) * 1000);
      const applied = await tx
        .insert(authorizers)
        .values({
          appId: info.authorizerAppId,
          merchantId: owner,
          funcIds,
          status: "authorized",
          stateVersion: input.version,
          refreshTokenSealed: sealedRefresh,
          accessTokenSealed: sealedAccess,
          accessTokenExpiresAt: accessExpiresAt,
          refreshDueAt: sealedRefresh ? refreshDueAt : null,
          authorizedAt: new Date(now),
        })
        .onConflictDoUpdate({
          target: authorizers.appId,
          set: {
            funcIds: sql`excluded.func_ids`,
            status: "authorized",
            stateVersion: sql`excluded.state_version`,
            // Never drop a refresh token we hold for a response that came without one.
            refreshTokenSealed: sql`coalesce(excluded.refresh_token_sealed, ${authorizers.refreshTokenSealed})`,
            accessTokenSealed: sql`coalesce(excluded.access_token_sealed, ${authorizers.accessTokenSealed})`,
            accessTokenExpiresAt: sql`coalesce(excluded.access_token_expires_at, ${authorizers.accessTokenExpiresAt})`,
            refreshDueAt: sql`coalesce(excluded.refresh_due_at, ${authorizers.refreshDueAt})`,
            // A refresh in flight for the previous grant will find the new state_version and drop its result.
            refreshLeaseOwner: null,
            refreshLeaseUntil: null,
            refreshAttempts: 0,
            lastRefreshError: null,
            refreshFailedAt: null,
            revokedAt: null,
            authorizedAt: sql`excluded.authorized_at`,
            updatedAt: sql`now()`,
          },
          setWhere: lte(authorizers.stateVersion, input.version),
        })
        .returning({ appId: authorizers.appId });
      if (applied.length > 0) {
        await tx
          .insert(authorizerGrants)
          .values({ appId: info.authorizerAppId, source: input.source, funcIds, stateVersion: input.version });
      }
      await tx
        .insert(authorizationCodes)
        .values({ codeHash: hash, authorizerAppId: info.authorizerAppId, sessionState });
    });
    return { appId: info.authorizerAppId, exchanged: true, sessionState };
  });

  if (result.exchanged) await refreshProfile(deps, result.appId);
  return result;
}

/** The permission sets (func_info ids) a grant holds, each once: what `authorizers` and `authorizer_grants` keep. */
export function grantedFuncIds(funcInfo: readonly FuncInfo[]): number[] {
  return [...new Set(funcInfo.map((f) => f.id))];
}

/**
 * Attaches an account to the merchant who authorized it. An account another merchant already holds is not
 * moved: it is flagged for staff review instead. Returns how it went.
 */
export async function bindMerchant(
  db: Database["db"],
  appId: string,
  merchantId: string,
): Promise<"bound" | "already" | "conflict"> {
  const claimed = await db
    .update(authorizers)
    .set({ merchantId, updatedAt: sql`now()` })
    .where(and(eq(authorizers.appId, appId), isNull(authorizers.merchantId)))
    .returning({ appId: authorizers.appId });
  if (claimed.length > 0) return "bound";
  const contested = await db
    .update(authorizers)
    .set({ contestedByMerchantId: merchantId, reviewStatus: "conflict", updatedAt: sql`now()` })
    .where(and(eq(authorizers.appId, appId), ne(authorizers.merchantId, merchantId)))
    .returning({ appId: authorizers.appId });
  return contested.length > 0 ? "conflict" : "already";
}

/**
 * What a revoked account looks like: tokens dropped (WeChat voids them), no longer refreshed, history kept.
 * Shared by the `unauthorized` event, WeChat answering 61003 and the reconcile job.
 */
export const revokedColumns = {
  status: "unauthorized",
  refreshTokenSealed: null,
  accessTokenSealed: null,
  accessTokenExpiresAt: null,
  refreshDueAt: null,
  refreshLeaseOwner: null,
  refreshLeaseUntil: null,
  revokedAt: sql`now()`,
  updatedAt: sql`now()`,
} as const;

/** `unauthorized`: revoked, tokens dropped, history kept. A revocation older than the current grant is ignored. */
export async function applyRevocation(db: Database["db"], input: { appId: string; version: number }): Promise<boolean> {
  return db.transaction(async (tx) => {
    const applied = await tx
      .insert(authorizers)
      .values({ appId: input.appId, status: "unauthorized", stateVersion: input.version, revokedAt: sql`now()` })
      .onConflictDoUpdate({
        target: authorizers.appId,
        set: { ...revokedColumns, stateVersion: sql`excluded.state_version` },
        setWhere: lte(authorizers.stateVersion, input.version),
      })
      .returning({ appId: authorizers.appId });
    if (applied.length > 0) {
      await tx
        .insert(authorizerGrants)
        .values({ appId: input.appId, source: "unauthorized", funcIds: [], stateVersion: input.version });
    }
    return applied.length > 0;
  });
}

/** Profile from api_get_authorizer_info. Best effort: the grant is already safe; a failure is retried later. */
export async function refreshProfile(deps: GrantDeps, appId: string): Promise<boolean> {
  try {
    await storeProfile(deps.database.db, appId, await deps.client.getAuthorizerInfo(appId));
    return true;
  } catch (error) {
    log.warn("authorizer profile not fetched", { appId, error: describeError(error) });
    return false;
  }
}

/** Writes a profile from api_get_authorizer_info (in the caller's transaction, if given one). Whether a row changed. */
export async function storeProfile(db: Pick<Db, "update">, appId: string, info: AuthorizerInfo): Promise<boolean> {
  const updated = await db
    .update(authorizers)
    .set({
      kind: info.kind,
      nickName: info.nickName ?? null,
      headImg: info.headImg ?? null,
      userName: info.userName,
      principalName: info.principalName ?? null,
      alias: info.alias ?? null,
      serviceTypeId: info.serviceTypeId,
      verifyTypeId: info.verifyTypeId,
      accountStatus: info.accountStatus ?? null,
      qrcodeUrl: info.qrcodeUrl ?? null,
      profileUpdatedAt: sql`now()`,
      updatedAt: sql`now()`,
    })
    .where(eq(authorizers.appId, appId))
    .returning({ appId: authorizers.appId });
  return updated.length > 0;
}
