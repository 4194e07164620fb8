import { sql, type SQL } from "drizzle-orm";
import { rowsOf, type Db } from "@/db";

export interface RetentionPolicy {
  /** Account messages (and their finished deliveries) older than this are deleted; 0 keeps them. */
  messageDays: number;
  /** Routine token activity (renewals and failed renewals) older than this is deleted; 0 keeps it. */
  activityDays: number;
}

export interface PruneResult {
  messages: number;
  deliveries: number;
  tickets: number;
  activity: number;
  /** Sign-in attempt counters (login_throttle) and rate-limit windows past their window. */
  counters: number;
  /** Authorization attempts (authorization_sessions) long expired. */
  authorizationSessions: number;
}

/** Tickets are valid for 12 hours (docs/wechat-protocol.md §1.3); a week of them is kept to look back on pushes. */
const TICKET_DAYS = 7;
/** Counters' windows are 15 minutes (sign-in) to an hour (sign-up): a day later they count for nothing. */
const COUNTER_DAYS = 1;
/**
 * An authorization attempt is used within 30 minutes and WeChat's push for it comes within minutes; a month of
 * them is kept to look back on what merchants tried (outcome, account).
 */
const AUTHORIZATION_SESSION_DAYS = 30;
/** Routine rows only: lifecycle activity (authorized, revoked, recovered, repaired) is the account's history. */
const ROUTINE_ACTIVITY = ["token_refreshed", "token_refresh_failed"] as const;
const DEFAULT_BATCH = 2000;

/**
 * Deletes what has served its purpose, in small batches so no statement holds locks for long. Any instance may
 * run it at any time: rows being deleted elsewhere are skipped (`SKIP LOCKED`), so concurrent runs share the
 * work instead of waiting on each other. Kept always:
 * - an account message until it is processed and every delivery of it is delivered or given up;
 * - the newest ticket, whatever its age (the component token is renewed with it);
 * - authorization events (the account timeline) and lifecycle activity.
 * Sign-in counters and rate-limit windows go a day after their last use, authorization attempts a month after
 * they expired.
 */
export async function pruneOldRecords(
  db: Db,
  policy: RetentionPolicy,
  options: { batchSize?: number } = {},
): Promise<PruneResult> {
  const batch = options.batchSize ?? DEFAULT_BATCH;
  const result: PruneResult = {
    messages: 0,
    deliveries: 0,
    tickets: 0,
    activity: 0,
    counters: 0,
    authorizationSessions: 0,
  };

  if (policy.messageDays > 0) {
    for (;;) {
      const [row] = rowsOf<{ messages: number; deliveries: number }>(
        await db.execute(sql`
          with old as (
            select e.id from wechat_events e
            where e.source = 'authorizer' and e.received_at < now() - make_interval(days => ${policy.messageDays})
              and e.processed_at is not null
              and not exists (select 1 from webhook_deliveries d where d.event_id = e.id and d.status = 'pending')
            order by e.received_at
            limit ${batch}
            for update of e skip locked
          ), deliveries as (
            delete from webhook_deliveries d using old where d.event_id = old.id returning d.id
          ), messages as (
            delete from wechat_events e using old where e.id = old.id returning e.id
          )
          select (select count(*) from messages)::int as messages, (select count(*) from deliveries)::int as deliveries`),
      );
      result.messages += row!.messages;
      result.deliveries += row!.deliveries;
      if (row!.messages < batch) break;
    }
  }

  // The newest ticket stays whatever its age: the component token is renewed with it.
  result.tickets = await deleteInBatches(
    db,
    "wechat_events",
    sql`info_type = 'component_verify_ticket'
        and create_time < extract(epoch from now() - make_interval(days => ${TICKET_DAYS}))::bigint
        and id <> all (select id from wechat_events where info_type = 'component_verify_ticket' order by create_time desc, id desc limit 1)`,
    sql`create_time`,
    batch,
  );

  result.counters =
    (await deleteOlderThan(db, "login_throttle", "last_failure_at", COUNTER_DAYS, batch)) +
    (await deleteOlderThan(db, "rate_limits", "window_started_at", COUNTER_DAYS, batch));
  result.authorizationSessions = await deleteOlderThan(
    db,
    "authorization_sessions",
    "expires_at",
    AUTHORIZATION_SESSION_DAYS,
    batch,
  );

  if (policy.activityDays > 0) {
    // Literals, not parameters: the partial index on these kinds serves only a query that names them.
    const kinds = sql.raw(ROUTINE_ACTIVITY.map((kind) => `'${kind}'`).join(", "));
    result.activity = await deleteInBatches(
      db,
      "authorizer_activity",
      sql`kind in (${kinds}) and created_at < now() - make_interval(days => ${policy.activityDays})`,
      sql`created_at`,
      batch,
    );
  }
  return result;
}

/** Each pruned table and its key column. */
const KEYS = {
  wechat_events: "id",
  authorizer_activity: "id",
  login_throttle: "key",
  rate_limits: "key",
  authorization_sessions: "state",
} as const;

/** Deletes the rows of `table` whose timestamp `column` is more than `days` days past, oldest first. */
function deleteOlderThan(db: Db, table: keyof typeof KEYS, column: string, days: number, batch: number) {
  const at = sql.identifier(column);
  return deleteInBatches(db, table, sql`${at} < now() - make_interval(days => ${days})`, sql`${at}`, batch);
}

/** Deletes the rows of `table` matching `where`, oldest (`order`) first, `batch` at a time; returns how many. */
async function deleteInBatches(
  db: Db,
  table: keyof typeof KEYS,
  where: SQL,
  order: SQL,
  batch: number,
): Promise<number> {
  const name = sql.identifier(table);
  const key = sql.identifier(KEYS[table]);
  let total = 0;
  for (;;) {
    const [row] = rowsOf<{ n: number }>(
      await db.execute(sql`
        with old as (
          select ${key} from ${name} where ${where} order by ${order} limit ${batch} for update skip locked
        ), gone as (
          delete from ${name} t using old where t.${key} = old.${key} returning 1
        )
        select count(*)::int as n from gone`),
    );
    total += row!.n;
    if (row!.n < batch) return total;
  }
}
