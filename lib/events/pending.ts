import { eq, sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/db";
import { wechatEvents } from "@/db/schema";
import { describeError, log } from "@/lib/log";

const MAX_ATTEMPTS = 8;
/** A claim older than this belongs to a worker that died; another takes it over. */
const CLAIM_TIMEOUT_SECONDS = 120;

export interface PendingEvent<P> {
  id: number;
  authorizerAppId: string | null;
  payload: P;
  attempts: number;
}

/**
 * Work that follows a stored push (the slow part WeChat must not wait for). Runs right after the push is answered
 * and from every instance's background loop: `FOR UPDATE SKIP LOCKED` gives each event to one worker, a failed one
 * is retried with backoff (5 s × 2ⁿ, up to 8 attempts), and a claim whose worker died is taken over.
 */
export async function processPendingEvents<P>(
  db: Db,
  source: "component" | "authorizer",
  apply: (event: PendingEvent<P>) => Promise<void>,
  limit = 20,
): Promise<number> {
  const claimed = rowsOf<{ id: number | string; authorizer_app_id: string | null; payload: P; attempts: number }>(
    await db.execute(sql`
      update wechat_events set processing_started_at = now(), attempts = attempts + 1
      where id in (
        select id from wechat_events
        where source = ${source} and processed_at is null and attempts < ${MAX_ATTEMPTS}
          and (processing_started_at is null
               or processing_started_at < now() - make_interval(secs => least(${CLAIM_TIMEOUT_SECONDS}, 5 * power(2, attempts))))
        order by id
        limit ${limit}
        for update skip locked
      )
      returning id, authorizer_app_id, payload, attempts`),
  ).map((r): PendingEvent<P> => ({
    id: Number(r.id),
    authorizerAppId: r.authorizer_app_id,
    payload: r.payload,
    attempts: r.attempts,
  }));

  for (const event of claimed.sort((a, b) => a.id - b.id)) {
    try {
      await apply(event);
      await db
        .update(wechatEvents)
        .set({ processedAt: sql`now()`, processError: null })
        .where(eq(wechatEvents.id, event.id));
    } catch (error) {
      const message = describeError(error).slice(0, 500);
      log.warn("event follow-up not done yet", { source, eventId: event.id, attempts: event.attempts, error: message });
      await db.update(wechatEvents).set({ processError: message }).where(eq(wechatEvents.id, event.id));
    }
  }
  return claimed.length;
}
