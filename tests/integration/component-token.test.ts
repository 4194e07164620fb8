import { eq, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { COMPONENT_TOKEN_LOCK_KEY, openDatabase, type Database } from "@/db";
import { wechatComponent, wechatEvents } from "@/db/schema";
import { isAppError } from "@/lib/errors";
import { SANDBOX_COMPONENT } from "@/lib/sandbox/credentials";
import { WechatApiError } from "@/lib/wechat/errors";
import { TEST_SECRETS } from "../support/app-server";
import { openConfiguredDatabase, usingPostgres } from "../support/database";
import { createTestPortal, giveTicket, sandboxCalls, sandboxControl } from "../support/portal";
import { withAppServer } from "../support/with-app-server";
import { withTestDatabase } from "../support/with-test-database";
import { runWorker } from "../support/workers";

// The component token against the sandbox over real HTTP (a running `next start`), with the portal side in
// this process on its own database, and, on PostgreSQL, in three more processes sharing one database.

describe("component_access_token", () => {
  const app = withAppServer({ env: { BACKGROUND_JOBS: "0" } });
  const database = withTestDatabase();

  const sandboxCall = (action: string, body: unknown = {}) => sandboxControl(app, action, body);
  const calls = () => sandboxCalls(app);

  /** A portal's token service and client, wired as in production, on `db`. */
  function makeService(db: Database = database) {
    const portal = createTestPortal(app, db);
    return { service: portal.componentToken, client: portal.client };
  }

  /** Takes a fresh ticket from the sandbox and delivers it to this process's portal the way WeChat would. */
  const receiveTicket = (db: Database = database) => giveTicket(app, createTestPortal(app, db));

  /** A ticket event as the receiver stores it, with a chosen arrival time. */
  async function storeTicketEvent(ticket: string, receivedAt: Date) {
    await database.db.insert(wechatEvents).values({
      source: "component",
      infoType: "component_verify_ticket",
      dedupeKey: `ticket:${ticket}`,
      createTime: Math.floor(receivedAt.getTime() / 1000),
      payload: { kind: "component_verify_ticket", appId: SANDBOX_COMPONENT.appId, ticket },
      receivedAt,
      processedAt: receivedAt,
    });
  }

  async function expireStoredToken(db: Database = database) {
    await db.db
      .update(wechatComponent)
      .set({ accessTokenExpiresAt: sql`now() - interval '1 second'` })
      .where(eq(wechatComponent.appId, SANDBOX_COMPONENT.appId));
  }

  beforeEach(async () => {
    await sandboxCall("clear-faults");
    await sandboxCall("reset-calls");
  });

  it("says it is waiting for the ticket, without calling WeChat, before the first ticket", async () => {
    const { service } = makeService();
    const error = await service.getToken().catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe("waiting_for_ticket");
    expect((error as Error).message).toMatch(/Waiting for component_verify_ticket/);
    expect((await calls()).api_component_token).toBe(0);
  });

  it("gets a token the sandbox accepts, stores it sealed, and serves it from cache", async () => {
    await receiveTicket();
    const { service, client } = makeService();
    const token = await service.getToken();
    expect(token).toMatch(/^\d+_/);
    const [row] = await database.db.select().from(wechatComponent);
    expect(row?.accessTokenSealed).not.toContain(token);
    expect(row!.accessTokenExpiresAt!.getTime() - Date.now()).toBeGreaterThan(7000 * 1000);
    expect((await client.createPreAuthCode()).preAuthCode).toMatch(/^preauthcode@@@/);
    expect(await service.getToken()).toBe(token);
    expect((await calls()).api_component_token).toBe(1);
  });

  it("200 concurrent callers right after expiry cause exactly one api_component_token call", async () => {
    await receiveTicket();
    const { service } = makeService();
    const old = await service.getToken();
    await expireStoredToken();
    service.forget();
    await sandboxCall("reset-calls");

    const tokens = await Promise.all(Array.from({ length: 200 }, () => service.getToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).not.toBe(old);
    expect((await calls()).api_component_token).toBe(1);
  });

  it("concurrent callers in one process share one refresh: the cross-process lock is taken once", async () => {
    await receiveTicket();
    let locks = 0;
    const counting: Database = {
      ...database,
      withAdvisoryLock: (key, fn) => {
        if (key === COMPONENT_TOKEN_LOCK_KEY) locks++;
        return database.withAdvisoryLock(key, fn);
      },
    };
    const { service } = makeService(counting);
    await service.getToken();
    await expireStoredToken();
    service.forget();
    await sandboxCall("reset-calls");
    locks = 0;

    const tokens = await Promise.all(Array.from({ length: 200 }, () => service.getToken()));
    expect(new Set(tokens).size).toBe(1);
    // One refresh for all of them: not 200 turns at the lock, each re-reading the row (in-process single flight).
    expect(locks).toBe(1);
    expect((await calls()).api_component_token).toBe(1);
  });

  it("two instances refreshing at once (each with its own cache and single flight) → exactly one api_component_token call", async () => {
    await receiveTicket();
    const old = await makeService().service.getToken();
    await expireStoredToken();
    await sandboxCall("reset-calls");
    // A second instance as another process has it: its own pool and lock session on PostgreSQL (PGlite has one owner).
    const second = database.databaseUrl
      ? await openDatabase({ databaseUrl: database.databaseUrl, pgliteDir: "memory://", maxConnections: 4 })
      : database;
    try {
      // Both read the expired token before either takes the lock: each waits at the lock until both arrived.
      let arrived = 0;
      let bothArrived!: () => void;
      const barrier = new Promise<void>((resolve) => (bothArrived = resolve));
      const atTheLock = (db: Database): Database => ({
        ...db,
        withAdvisoryLock: async (key, fn) => {
          if (key === COMPONENT_TOKEN_LOCK_KEY && ++arrived === 2) bothArrived();
          await barrier;
          return db.withAdvisoryLock(key, fn);
        },
      });
      const a = makeService(atTheLock(database)).service;
      const b = makeService(atTheLock(second)).service;
      const tokens = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).getToken()));
      expect(arrived).toBe(2);
      expect(new Set(tokens).size).toBe(1);
      expect(tokens[0]).not.toBe(old);
      // The instance that got the lock second found the first one's token (the re-check after taking the lock).
      expect((await calls()).api_component_token).toBe(1);
    } finally {
      if (second !== database) await second.close();
    }
  });

  it("refreshes ahead of expiry: a token inside the 10-minute margin is replaced", async () => {
    await receiveTicket();
    const { service } = makeService();
    const first = await service.getToken();
    await database.db
      .update(wechatComponent)
      .set({ accessTokenExpiresAt: sql`now() + interval '9 minutes'` })
      .where(eq(wechatComponent.appId, SANDBOX_COMPONENT.appId));
    service.forget();
    expect(await service.refreshIfDue()).toBe("refreshed");
    expect(await service.getToken()).not.toBe(first);
    expect(await service.refreshIfDue()).toBe("fresh");
    expect((await calls()).api_component_token).toBe(2);
  });

  it("on 40001 refreshes once (compare-and-swap) and retries the call", async () => {
    await receiveTicket();
    const { service, client } = makeService();
    const stale = await service.getToken();
    // Another instance refreshed twice more than 5 minutes ago: simulate by asking for a replacement token.
    const fresh = await service.getToken({ staleToken: stale });
    expect(fresh).not.toBe(stale);
    // A second caller still holding the stale token gets the already-fresh one, with no extra upstream call.
    expect(await service.getToken({ staleToken: stale })).toBe(fresh);
    expect((await calls()).api_component_token).toBe(2);
    await sandboxCall("fault", { endpoint: "api_create_preauthcode", errcode: 40001, times: 1 });
    expect((await client.createPreAuthCode()).preAuthCode).toMatch(/^preauthcode@@@/);
    expect((await calls()).api_component_token).toBe(3);
    expect((await calls()).api_create_preauthcode).toBe(2);
  });

  it("surfaces WeChat's ticket error, records it for health, and asks WeChat to push again", async () => {
    await storeTicketEvent("ticket@@@not-issued-by-wechat", new Date());
    const { service } = makeService();
    const error = await service.getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WechatApiError);
    expect((error as WechatApiError).errcode).toBe(61006);
    expect((await service.getStatus()).lastRefreshError).toMatch(/^61006/);
    await expect.poll(async () => (await calls()).api_start_push_ticket).toBe(1);
  });

  it("asks WeChat to resume a stale ticket at most once per 10 minutes across callers", async () => {
    await storeTicketEvent("ticket@@@old", new Date(Date.now() - 31 * 60 * 1000));
    const a = makeService().service;
    const b = makeService().service;
    const elected = await Promise.all([a.requestTicketPush(), b.requestTicketPush(), a.requestTicketPush()]);
    expect(elected.filter(Boolean)).toHaveLength(1);
    expect(await b.requestTicketPush()).toBe(false);
    expect((await calls()).api_start_push_ticket).toBe(1);
    expect((await a.getStatus()).ticketStale).toBe(true);
  });

  it.runIf(usingPostgres)(
    "3 processes × 200 callers sharing PostgreSQL right after expiry → exactly one call",
    async () => {
      // The app server's own portal receives the sandbox's ticket into the shared database.
      const shared = await openConfiguredDatabase(app.database);
      try {
        expect((await sandboxCall("push-ticket")).delivered).toBe(true);
        const first = await makeService(shared).service.getToken();
        await expireStoredToken(shared);
        await sandboxCall("reset-calls");

        const startAt = Date.now() + 3000;
        const runs = await Promise.all(
          [0, 1, 2].map(() =>
            runWorker<{ tokens: string[]; fulfilled: number; errors: string[] }>("tests/support/token-worker.ts", {
              ...TEST_SECRETS,
              NODE_ENV: "test",
              APP_URL: app.url,
              WECHAT_SANDBOX: "1",
              DATABASE_URL: app.database.databaseUrl,
              CALLERS: "200",
              START_AT: String(startAt),
            }),
          ),
        );
        expect(runs.map((r) => r.errors)).toEqual([[], [], []]);
        expect(runs.map((r) => r.fulfilled)).toEqual([200, 200, 200]);
        const distinct = new Set(runs.flatMap((r) => r.tokens));
        expect(distinct.size).toBe(1);
        expect([...distinct][0]).not.toBe(first);
        expect((await calls()).api_component_token).toBe(1);
      } finally {
        await shared.close();
      }
    },
  );
});
