import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rowsOf } from "@/db";
import {
  authorizationSessions,
  authorizerActivity,
  loginThrottle,
  merchants,
  rateLimits,
  users,
  webhookDeliveries,
  wechatEvents,
} from "@/db/schema";
import { pruneOldRecords } from "@/lib/maintenance/retention";
import { withTestDatabase } from "../support/with-test-database";

// Retention on a real database (PGlite, or PostgreSQL with DATABASE_URL): what goes, and what must stay.
describe("pruneOldRecords", () => {
  const database = withTestDatabase();
  const DAY = 86_400_000;
  const daysAgo = (days: number) => new Date(Date.now() - days * DAY);
  const epochDaysAgo = (days: number) => Math.floor(daysAgo(days).getTime() / 1000);

  async function message(
    key: string,
    ageDays: number,
    opts: { processed?: boolean; delivery?: "pending" | "delivered" | "failed"; merchantId?: string } = {},
  ) {
    const [event] = await database.db
      .insert(wechatEvents)
      .values({
        source: "authorizer",
        infoType: "text",
        authorizerAppId: "wxaccount000000001",
        dedupeKey: key,
        createTime: epochDaysAgo(ageDays),
        payload: { Content: key },
        receivedAt: daysAgo(ageDays),
        processedAt: opts.processed === false ? null : daysAgo(ageDays),
      })
      .returning({ id: wechatEvents.id });
    if (opts.delivery) {
      await database.db.insert(webhookDeliveries).values({
        eventId: event!.id,
        merchantId: opts.merchantId!,
        appId: "wxaccount000000001",
        summary: "text",
        status: opts.delivery,
        createdAt: daysAgo(ageDays),
      });
    }
  }

  /** A stored component_verify_ticket push, `ageDays` old, processed on arrival unless `processed` is false. */
  async function ticket(key: string, ageDays: number, opts: { processed?: boolean } = {}) {
    await database.db.insert(wechatEvents).values({
      source: "component",
      infoType: "component_verify_ticket",
      dedupeKey: key,
      createTime: epochDaysAgo(ageDays),
      payload: {},
      receivedAt: daysAgo(ageDays),
      processedAt: opts.processed === false ? null : daysAgo(ageDays),
    });
  }

  async function remaining() {
    const events = await database.db.select({ key: wechatEvents.dedupeKey }).from(wechatEvents);
    const deliveries = rowsOf<{ key: string; status: string }>(
      await database.db.execute(
        sql`select e.dedupe_key as key, d.status from webhook_deliveries d join wechat_events e on e.id = d.event_id`,
      ),
    );
    const activity = await database.db
      .select({ kind: authorizerActivity.kind, detail: authorizerActivity.detail })
      .from(authorizerActivity);
    return {
      events: events.map((e) => e.key).sort(),
      deliveries: deliveries.map((d) => `${d.key}:${d.status}`).sort(),
      activity: activity.map((a) => `${a.kind}:${(a.detail as { age: number }).age}`).sort(),
    };
  }

  async function seed() {
    const [merchant] = await database.db.insert(merchants).values({ name: "m" }).returning({ id: merchants.id });
    const merchantId = merchant!.id;
    await message("msg:old-delivered", 40, { delivery: "delivered", merchantId });
    await message("msg:old-failed", 35, { delivery: "failed", merchantId });
    await message("msg:old-not-forwarded", 31);
    await message("msg:old-pending", 45, { delivery: "pending", merchantId });
    await message("msg:old-unprocessed", 50, { processed: false });
    await message("msg:young", 29, { delivery: "delivered", merchantId });
    // Tickets: two past the week, one inside it; an authorization event of any age stays.
    await ticket("ticket:a", 20);
    await ticket("ticket:b", 8);
    await ticket("ticket:c", 1);
    await database.db.insert(wechatEvents).values({
      source: "component",
      infoType: "authorized",
      authorizerAppId: "wxaccount000000001",
      dedupeKey: "authorized:1",
      createTime: epochDaysAgo(400),
      payload: {},
      processedAt: daysAgo(400),
      receivedAt: daysAgo(400),
    });
    await database.db.insert(authorizerActivity).values(
      [
        ["token_refreshed", 200],
        ["token_refreshed", 190],
        ["token_refresh_failed", 181],
        ["token_refreshed", 170],
        ["authorized", 400],
        ["revoked_by_wechat", 300],
        ["refresh_token_recovered", 250],
      ].map(([kind, age]) => ({
        appId: "wxaccount000000001",
        kind: kind as string,
        detail: { age },
        createdAt: daysAgo(age as number),
      })),
    );
  }

  it("deletes delivered, given-up and unforwarded messages past retention, old tickets and routine activity; keeps the rest", async () => {
    await seed();
    const result = await pruneOldRecords(database.db, { messageDays: 30, activityDays: 180 }, { batchSize: 2 });
    expect(result).toEqual({
      messages: 3,
      deliveries: 2,
      tickets: 2,
      activity: 3,
      counters: 0,
      authorizationSessions: 0,
    });
    expect(await remaining()).toEqual({
      events: ["authorized:1", "msg:old-pending", "msg:old-unprocessed", "msg:young", "ticket:c"].sort(),
      deliveries: ["msg:old-pending:pending", "msg:young:delivered"],
      activity: ["authorized:400", "refresh_token_recovered:250", "revoked_by_wechat:300", "token_refreshed:170"],
    });
    // A second run finds nothing more: every count of the first run, now 0.
    const nothing = Object.fromEntries(Object.keys(result).map((kind) => [kind, 0]));
    expect(await pruneOldRecords(database.db, { messageDays: 30, activityDays: 180 })).toEqual(nothing);
  });

  it("always keeps the newest ticket, however old", async () => {
    await ticket("ticket:a", 30, { processed: false });
    await ticket("ticket:b", 20, { processed: false });
    expect((await pruneOldRecords(database.db, { messageDays: 30, activityDays: 180 })).tickets).toBe(1);
    expect((await remaining()).events).toEqual(["ticket:b"]);
  });

  it("keeps messages and activity forever when their retention is 0", async () => {
    await seed();
    const result = await pruneOldRecords(database.db, { messageDays: 0, activityDays: 0 });
    expect(result).toEqual({
      messages: 0,
      deliveries: 0,
      tickets: 2,
      activity: 0,
      counters: 0,
      authorizationSessions: 0,
    });
    const left = await remaining();
    expect(left.events).toHaveLength(8);
    expect(left.deliveries).toHaveLength(4);
    expect(left.activity).toHaveLength(7);
  });

  it("deletes sign-in counters and rate-limit windows a day after their last use, and authorization attempts a month after they expired", async () => {
    const [merchant] = await database.db.insert(merchants).values({ name: "m" }).returning({ id: merchants.id });
    const [user] = await database.db
      .insert(users)
      .values({ email: "m@example.com", passwordHash: "x", merchantId: merchant!.id })
      .returning({ id: users.id });
    const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000);
    await database.db.insert(loginThrottle).values([
      { key: "email:old@example.com", failures: 10, lastFailureAt: hoursAgo(25) },
      { key: "ip:198.51.100.1", failures: 3, lastFailureAt: hoursAgo(48) },
      { key: "email:now@example.com", failures: 2, lastFailureAt: hoursAgo(0) },
      { key: "ip:198.51.100.2", failures: 40, lastFailureAt: hoursAgo(23) },
    ]);
    await database.db.insert(rateLimits).values([
      { key: "signup:198.51.100.1", hits: 6, windowStartedAt: hoursAgo(30) },
      { key: "signup:198.51.100.2", hits: 1, windowStartedAt: hoursAgo(1) },
      { key: `authorize:${merchant!.id}`, hits: 11, windowStartedAt: hoursAgo(0) },
    ]);
    const session = (state: string, expiredDaysAgo: number, used: boolean) => ({
      state,
      merchantId: merchant!.id,
      userId: user!.id,
      preAuthCode: `preauthcode@@@${state}`,
      authType: 1,
      expiresAt: daysAgo(expiredDaysAgo),
      usedAt: used ? daysAgo(expiredDaysAgo) : null,
    });
    await database.db
      .insert(authorizationSessions)
      .values([
        session("used-long-ago", 45, true),
        session("unused-long-ago", 31, false),
        session("last-week", 7, true),
        session("open", -0.01, false),
      ]);

    // Whatever the message and activity retention (0 keeps those forever): counters and attempts are nobody's history.
    const result = await pruneOldRecords(database.db, { messageDays: 0, activityDays: 0 }, { batchSize: 1 });
    expect(result).toMatchObject({ counters: 3, authorizationSessions: 2 });
    expect((await database.db.select({ key: loginThrottle.key }).from(loginThrottle)).map((r) => r.key).sort()).toEqual(
      ["email:now@example.com", "ip:198.51.100.2"],
    );
    expect((await database.db.select({ key: rateLimits.key }).from(rateLimits)).map((r) => r.key).sort()).toEqual(
      [`authorize:${merchant!.id}`, "signup:198.51.100.2"].sort(),
    );
    expect(
      (await database.db.select({ state: authorizationSessions.state }).from(authorizationSessions))
        .map((r) => r.state)
        .sort(),
    ).toEqual(["last-week", "open"]);
    expect(await pruneOldRecords(database.db, { messageDays: 30, activityDays: 180 })).toMatchObject({
      counters: 0,
      authorizationSessions: 0,
    });
  });

  it("two instances pruning at once delete each row once", async () => {
    const [merchant] = await database.db.insert(merchants).values({ name: "m" }).returning({ id: merchants.id });
    for (let i = 0; i < 30; i++) await message(`msg:${i}`, 40 + i, { delivery: "delivered", merchantId: merchant!.id });
    const runs = await Promise.all(
      [1, 2].map(() => pruneOldRecords(database.db, { messageDays: 30, activityDays: 180 }, { batchSize: 4 })),
    );
    expect(runs.reduce((n, r) => n + r.messages, 0)).toBe(30);
    expect(runs.reduce((n, r) => n + r.deliveries, 0)).toBe(30);
    expect((await remaining()).events).toEqual([]);
  });
});
