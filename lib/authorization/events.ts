import { eq, sql } from "drizzle-orm";
import { rowsOf } from "@/db";
import { authorizationSessions, wechatEvents } from "@/db/schema";
import { applyAuthorizationCode, applyRevocation, bindMerchant } from "@/lib/authorization/grants";
import { describeError, log } from "@/lib/log";
import type { Platform } from "@/lib/platform";
import type { ComponentEvent } from "@/lib/wechat/events";

const MAX_ATTEMPTS = 8;
/** A claim older than this belongs to a worker that died; another takes it over. */
const CLAIM_TIMEOUT_SECONDS = 120;

type StoredEvent = { id: number; payload: ComponentEvent; attempts: number };

/**
 * Applies stored authorization events (the slow part WeChat must not wait for: api_query_auth, profile).
 * Runs right after a push is stored and from every instance's background loop; `FOR UPDATE SKIP LOCKED`
 * gives each event to one worker, and a failure is retried with backoff.
 */
export async function processPendingComponentEvents(platform: Platform, limit = 20): Promise<number> {
  const { db } = platform.database;
  const claimed = rowsOf<{ id: number | string; payload: ComponentEvent; attempts: number }>(
    await db.execute(sql`
      update wechat_events set processing_started_at = now(), attempts = attempts + 1
      where id in (
        select id from wechat_events
        where source = 'component' and processed_at is null and attempts < ${MAX_ATTEMPTS}
          and (processing_started_at is null
               or processing_started_at < now() - make_interval(secs => least(${CLAIM_TIMEOUT_SECONDS}, 5 * power(2, attempts))))
        order by id
        limit ${limit}
        for update skip locked
      )
      returning id, payload, attempts`),
  ).map((r): StoredEvent => ({ id: Number(r.id), payload: r.payload, attempts: r.attempts }));

  for (const event of claimed.sort((a, b) => a.id - b.id)) {
    try {
      await applyComponentEvent(platform, event.payload);
      await db.update(wechatEvents).set({ processedAt: sql`now()`, processError: null }).where(eq(wechatEvents.id, event.id));
    } catch (error) {
      const message = describeError(error).slice(0, 500);
      log.warn("authorization event not applied yet", { eventId: event.id, attempts: event.attempts, error: message });
      await db.update(wechatEvents).set({ processError: message }).where(eq(wechatEvents.id, event.id));
    }
  }
  return claimed.length;
}

async function applyComponentEvent(platform: Platform, event: ComponentEvent): Promise<void> {
  switch (event.kind) {
    case "authorized":
    case "updateauthorized": {
      if (event.authorizationCodeExpiresAt * 1000 < Date.now()) {
        log.warn("authorization code in event already expired", { appId: event.authorizerAppId });
        return;
      }
      // The merchant who started this attempt, found through the pre_auth_code in the authorization link.
      const [session] = event.preAuthCode
        ? await platform.database.db
            .select({ merchantId: authorizationSessions.merchantId })
            .from(authorizationSessions)
            .where(eq(authorizationSessions.preAuthCode, event.preAuthCode))
        : [];
      const { appId } = await applyAuthorizationCode(platform, {
        code: event.authorizationCode,
        merchantId: session?.merchantId ?? null,
        version: event.createTime,
        source: event.kind,
      });
      if (session) await bindMerchant(platform.database.db, appId, session.merchantId);
      return;
    }
    case "unauthorized":
      await applyRevocation(platform.database.db, { appId: event.authorizerAppId, version: event.createTime });
      return;
    default:
      return;
  }
}
