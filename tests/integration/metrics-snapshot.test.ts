import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { readOperationalSnapshot } from "@/db/queries/metrics";
import { DB_GAUGE_CACHE_MS, refreshDatabaseGauges } from "@/lib/metrics/db-gauges";
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
    expect(empty).toMatchObject({ refreshFailing: 0, refresherLagSeconds: 0, ticketAgeSeconds: null });

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
    expect(s.refresherLagSeconds).toBeGreaterThanOrEqual(299);
    expect(s.refresherLagSeconds).toBeLessThan(400);
  });

  it("reads the gauges once per cache period; scrapes meanwhile join the read or use the cache", async () => {
    await database.db.execute(sql`
      insert into authorizers (app_id, kind, status)
      select 'wxgauge' || i, 'official_account', 'authorized' from generate_series(1, 3) as i`);
    const later = Date.now() + 10 * DB_GAUGE_CACHE_MS;
    const first = refreshDatabaseGauges(database.db, SANDBOX_COMPONENT.appId, later);
    const second = refreshDatabaseGauges(database.db, SANDBOX_COMPONENT.appId, later);
    expect(await Promise.all([first, second])).toEqual(["read", "joined"]);
    expect(await refreshDatabaseGauges(database.db, SANDBOX_COMPONENT.appId)).toBe("cached");
    const { authorizers } = getMetrics();
    expect((await authorizers.get()).values.find((v) => v.labels.status === "authorized")?.value).toBe(3);
    expect(await refreshDatabaseGauges(database.db, SANDBOX_COMPONENT.appId, Date.now() + DB_GAUGE_CACHE_MS + 1)).toBe(
      "read",
    );
  });
});
