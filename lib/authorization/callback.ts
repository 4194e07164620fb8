import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { authorizationSessions } from "@/db/schema";
import { runGrantHooks } from "@/lib/authorization/grant-hooks";
import { applyAuthorizationCode, bindMerchant } from "@/lib/authorization/grants";
import { describeError, log } from "@/lib/log";
import type { Platform } from "@/lib/platform";
import { WechatApiError } from "@/lib/wechat/errors";

export type CallbackOutcome =
  | { ok: true; appId: string; conflict: boolean }
  | {
      ok: false;
      reason:
        | "invalid_state"
        | "expired_state"
        | "used_state"
        | "cancelled"
        | "code_invalid"
        | "code_expired"
        | "code_mismatch"
        | "wrong_account"
        | "wechat_error"
        | "unavailable";
      errcode?: number;
    };

/**
 * The merchant is back from WeChat's page with `auth_code`. The state must be ours, unexpired, unused and the
 * signed-in merchant's; it is consumed with one conditional UPDATE, so a replayed or raced callback attaches
 * nothing. Another merchant's state is answered like an unknown one (no hint that it exists).
 *
 * The code must belong to this attempt: a code already exchanged for another attempt (WeChat's push named that
 * attempt's pre_auth_code, or its callback came first) or for none attaches nothing (`code_mismatch`), so a
 * leaked code cannot be replayed with someone else's valid state. A re-authorization of one account
 * (`biz_appid`) that came back with another account attaches nothing either (`wrong_account`).
 */
export async function completeAuthorizationCallback(
  platform: Platform,
  input: { state: string; authCode: string | null; merchantId: string },
): Promise<CallbackOutcome> {
  const { db } = platform.database;
  const [session] = await db
    .update(authorizationSessions)
    .set({ usedAt: sql`now()`, outcome: input.authCode ? "returned" : "cancelled" })
    .where(
      and(
        eq(authorizationSessions.state, input.state),
        eq(authorizationSessions.merchantId, input.merchantId),
        isNull(authorizationSessions.usedAt),
        gt(authorizationSessions.expiresAt, sql`now()`),
      ),
    )
    .returning();

  if (!session) {
    const [existing] = await db
      .select({
        merchantId: authorizationSessions.merchantId,
        usedAt: authorizationSessions.usedAt,
        expiresAt: authorizationSessions.expiresAt,
      })
      .from(authorizationSessions)
      .where(eq(authorizationSessions.state, input.state));
    if (!existing || existing.merchantId !== input.merchantId) return { ok: false, reason: "invalid_state" };
    if (existing.usedAt) return { ok: false, reason: "used_state" };
    return { ok: false, reason: "expired_state" };
  }
  if (!input.authCode) return { ok: false, reason: "cancelled" };

  try {
    const grant = await applyAuthorizationCode(platform, {
      code: input.authCode,
      merchantId: input.merchantId,
      version: Math.floor(Date.now() / 1000),
      source: "callback",
      sessionState: session.state,
      expectedAppId: session.bizAppId,
    });
    if (grant.exchanged) await runGrantHooks(platform, grant.appId);
    const appId = grant.appId;
    const refusal =
      grant.sessionState !== session.state
        ? "code_mismatch"
        : session.bizAppId && session.bizAppId !== appId
          ? "wrong_account"
          : undefined;
    if (refusal) {
      // Security: not this attempt's code, or not the account it asked for: nothing is attached or flagged.
      log.warn("authorization callback refused", { reason: refusal, appId, merchantId: input.merchantId });
      await db
        .update(authorizationSessions)
        .set({ outcome: refusal, authorizerAppId: appId })
        .where(eq(authorizationSessions.state, input.state));
      return { ok: false, reason: refusal };
    }
    const binding = await bindMerchant(db, appId, input.merchantId);
    await db
      .update(authorizationSessions)
      .set({ outcome: binding === "conflict" ? "conflict" : "authorized", authorizerAppId: appId })
      .where(eq(authorizationSessions.state, input.state));
    return { ok: true, appId, conflict: binding === "conflict" };
  } catch (error) {
    const outcome = classifyFailure(error);
    log.warn("authorization callback failed", {
      reason: outcome.reason,
      errcode: outcome.errcode,
      error: describeError(error),
    });
    await db
      .update(authorizationSessions)
      .set({ outcome: outcome.reason })
      .where(eq(authorizationSessions.state, input.state));
    return outcome;
  }
}

function classifyFailure(error: unknown): Extract<CallbackOutcome, { ok: false }> {
  if (error instanceof WechatApiError) {
    if (error.errcode === 61009) return { ok: false, reason: "code_invalid", errcode: 61009 };
    if (error.errcode === 61010) return { ok: false, reason: "code_expired", errcode: 61010 };
    return { ok: false, reason: "wechat_error", errcode: error.errcode };
  }
  return { ok: false, reason: "unavailable" };
}
