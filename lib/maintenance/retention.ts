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
}

/** Tickets are valid for 12 hours (docs/wechat-protocol.md §1.3); a week of them is kept to look back on pushes. */
const TICKET_DAYS = 7;
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
 */
export async function pruneOldRecords(db: Db, policy: RetentionPolicy, options: { batchSize?: number } = {}): Promise<PruneResult> {
  const batch = options.batchSize ?? DEFAULT_BATCH;
  const result: PruneResult = { messages: 0, deliveries: 0, tickets: 0, activity: 0 };

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

/** Deletes the rows of `table` matching `where`, oldest (`order`) first, `batch` at a time; returns how many. */
async function deleteInBatches(db: Db, table: "wechat_events" | "authorizer_activity", where: SQL, order: SQL, batch: number): Promise<number> {
  const name = sql.identifier(table);
  let total = 0;
  for (;;) {
    const [row] = rowsOf<{ n: number }>(
      await db.execute(sql`
        with old as (
          select id from ${name} where ${where} order by ${order} limit ${batch} for update skip locked
        ), gone as (
          delete from ${name} t using old where t.id = old.id returning t.id
        )
        select count(*)::int as n from gone`),
    );
    total += row!.n;
    if (row!.n < batch) return total;
  }
}
