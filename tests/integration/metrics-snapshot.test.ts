import { sql } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { readOperationalSnapshot, type OperationalSnapshot } from "@/db/queries/metrics";
import { agedSnapshot, DB_GAUGE_CACHE_MS, refreshDatabaseGauges, refresherLagSeconds } from "@/lib/metrics/db-gauges";
import { getMetrics } from "@/lib/metrics/registry";
import { SANDBOX_COMPONENT } from "@/lib/sandbox/credentials";
import { withTestDatabase } from "../support/with-test-database";

// The one statement behind the Prometheus database gauges, on a real database (PGlite, or PostgreSQL with
// DATABASE_URL): accounts by status, failing refreshes, refresher lag.
describe("readOperationalSnapshot", () => {
  const database = withTestDatabase();

  it("counts accounts by status, failing refreshes and the refresher's lag", async () => {
    const empty = await readOperationalSnapshot(database.db, SANDBOX_COMPONENT.appId);
    expect(empty.authorizersByStatus).toEqual({});
    expect(empty).toMatchObject({ refreshFailing: 0, earliestDueAgeSeconds: null, ticketAgeSeconds: null });
    expect(refresherLagSeconds(empty)).toBe(0);

    // 20 accounts: 0 → needs_reauthorization, 1 → unauthorized, the rest authorized; one refresh 5 minutes overdue.
    await database.db.execute(sql`
      insert into authorizers (app_id, kind, status, refresh_token_sealed, refresh_due_at, refresh_failed_at)
      select 'wxsnapshot' || lpad(i::text, 8, '0'), 'official_account',
             case when i % 10 = 0 then 'needs_reauthorization' when i % 10 = 1 then 'unauthorized' else 'authorized' end,
             case when i % 10 > 1 then 'sealed' end,
             case when i = 2 then now() - interval '300 seconds' when i % 10 > 1 then now() + interval '1 hour' end,
             case when i in (2, 3, 10) then now() end
      from generate_series(0, 19) as i`);
    const s = await readOperationalSnapshot(database.db, SANDBOX_COMPONENT.appId);
    expect(s.authorizersByStatus).toEqual({ authorized: 16, unauthorized: 2, needs_reauthorization: 2 });
    expect(s.refreshFailing).toBe(2); // 2 and 3; 10 needs re-authorization and is not counted
    expect(refresherLagSeconds(s)).toBeGreaterThanOrEqual(299);
    expect(refresherLagSeconds(s)).toBeLessThan(400);
  });

  it("reads the gauges once per cache period; later scrapes answer at once with the last values while a read runs", async () => {
    await database.db.execute(sql`
      insert into authorizers (app_id, kind, status)
      select 'wxgauge' || i, 'official_account', 'authorized' from generate_series(1, 3) as i`);
    const authorized = async () =>
      (await getMetrics().authorizers.get()).values.find((v) => v.labels.status === "authorized")?.value;
    const later = Date.now() + 10 * DB_GAUGE_CACHE_MS;
    // The process's first scrapes wait for the first read (there are no values to answer with yet).
    const first = refreshDatabaseGauges(database.db, SANDBOX_COMPONENT.appId, later);
    const second = refreshDatabaseGauges(database.db, SANDBOX_COMPONENT.appId, later);
    expect(await Promise.all([first, second])).toEqual(["read", "joined"]);
    expect(await authorized()).toBe(3);
    expect(await refreshDatabaseGauges(database.db, SANDBOX_COMPONENT.appId)).toBe("cached");

    // Past the cache period: the scrape answers with the last values; the new read lands for the next scrape.
    await database.db.execute(
      sql`insert into authorizers (app_id, kind, status) values ('wxgauge4', 'official_account', 'authorized')`,
    );
    const stale = Date.now() + DB_GAUGE_CACHE_MS + 1;
    expect(await refreshDatabaseGauges(database.db, SANDBOX_COMPONENT.appId, stale)).toBe("stale");
    expect(await authorized()).toBe(3);
    expect(await refreshDatabaseGauges(database.db, SANDBOX_COMPONENT.appId, stale)).toBe("stale");
    await vi.waitFor(async () => {
      expect(await refreshDatabaseGauges(database.db, SANDBOX_COMPONENT.appId)).toBe("cached");
      expect(await authorized()).toBe(4);
    });

    // The database goes away: the read fails in the background, the gauges keep their values and say so.
    const down = {
      execute: () => Promise.reject(new Error("connection refused")),
    } as unknown as typeof database.db;
    const errorGauge = async () => (await getMetrics().dbGaugesError.get()).values[0]?.value;
    expect(await errorGauge()).toBe(0);
    expect(await refreshDatabaseGauges(down, SANDBOX_COMPONENT.appId, Date.now() + 2 * DB_GAUGE_CACHE_MS)).toBe(
      "stale",
    );
    await vi.waitFor(async () => expect(await errorGauge()).toBe(1));
    expect(await authorized()).toBe(4);
  });
});

describe("agedSnapshot", () => {
  const snapshot: OperationalSnapshot = {
    ticketAgeSeconds: 100,
    componentTokenSecondsLeft: 3000,
    authorizersByStatus: { authorized: 5 },
    refreshFailing: 1,
    earliestDueAgeSeconds: -20,
    webhooksPending: 2,
    webhooksFailed: 1,
    webhookOldestPendingAgeSeconds: 40,
    batches: [],
    batchTargets: [],
  };

  it("advances ages and time left to the moment of the scrape; counts stay", () => {
    expect(agedSnapshot(snapshot, 30)).toEqual({
      ...snapshot,
      ticketAgeSeconds: 130,
      componentTokenSecondsLeft: 2970,
      earliestDueAgeSeconds: 10, // the earliest refresh was 20 s away when read; 30 s later it is 10 s late
      webhookOldestPendingAgeSeconds: 70,
    });
  });

  it("keeps what was absent absent: no ticket, no token, nothing to refresh, no pending delivery", () => {
    const none = {
      ...snapshot,
      ticketAgeSeconds: null,
      componentTokenSecondsLeft: null,
      earliestDueAgeSeconds: null,
      webhooksPending: 0,
      webhookOldestPendingAgeSeconds: 0,
    };
    expect(agedSnapshot(none, 30)).toMatchObject({
      ticketAgeSeconds: null,
      componentTokenSecondsLeft: null,
      earliestDueAgeSeconds: null,
      webhookOldestPendingAgeSeconds: 0,
    });
    expect(refresherLagSeconds(agedSnapshot(none, 30))).toBe(0);
    expect(refresherLagSeconds(agedSnapshot(snapshot, 30))).toBe(10);
    expect(refresherLagSeconds(agedSnapshot(snapshot, 5))).toBe(0); // still 15 s before the earliest is due
  });
});
