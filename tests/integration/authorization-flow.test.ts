import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { findMerchantAuthorizer, listMerchantAuthorizers } from "@/db/queries/authorizers";
import { authorizationSessions, authorizers } from "@/db/schema";
import { completeAuthorizationCallback } from "@/lib/authorization/callback";
import { processPendingComponentEvents } from "@/lib/authorization/events";
import { startAuthorization } from "@/lib/authorization/start";
import type { Platform } from "@/lib/platform";
import { SANDBOX_COMPONENT } from "@/lib/sandbox/credentials";
import { startAppServer, type AppServer } from "../support/app-server";
import { openTestDatabase, truncateAll } from "../support/database";
import { accountSnapshot, createMerchant, createTestPortal, deliver, giveTicket, sandboxCalls, sandboxControl } from "../support/portal";

// The authorization flow in the portal, against the sandbox over HTTP: start → WeChat page (the sandbox's
// authorize, as the page's confirm does) → event and callback in every order.
describe("authorization flow", () => {
  let app: AppServer;
  let database: Database & { drop(): Promise<void> };
  let portal: Platform;

  beforeAll(async () => {
    app = await startAppServer({ env: { BACKGROUND_JOBS: "0" } });
    database = await openTestDatabase();
    portal = createTestPortal(app, database);
  });
  afterAll(async () => {
    await database?.drop();
    await app?.stop();
    await app?.database.drop();
  });
  beforeEach(async () => {
    await truncateAll(database);
    portal.componentToken.forget();
    await giveTicket(app, portal);
  });

  /** Starts an attempt and "confirms on WeChat's page": returns what the callback and the event will carry. */
  async function authorizeOnWechat(merchant: { merchantId: string; userId: string }, options: { funcIds?: number[]; appId?: string; kind?: "official_account" | "mini_program" } = {}) {
    const url = new URL(await startAuthorization(portal, { ...merchant, authType: 1, mobile: false }));
    const preAuthCode = url.searchParams.get("pre_auth_code")!;
    const state = new URL(url.searchParams.get("redirect_uri")!).searchParams.get("state")!;
    const granted = await sandboxControl<{ appId: string; authCode: string; infoType: string }>(app, "authorize", {
      kind: options.kind ?? "official_account",
      funcIds: options.funcIds ?? [1, 2, 7, 15],
      appId: options.appId,
      preAuthCode,
    });
    const event = {
      CreateTime: Math.floor(Date.now() / 1000),
      InfoType: granted.infoType,
      AuthorizerAppid: granted.appId,
      AuthorizationCode: granted.authCode,
      AuthorizationCodeExpiredTime: Math.floor(Date.now() / 1000) + 600,
      PreAuthCode: preAuthCode,
    };
    return { url, state, preAuthCode, appId: granted.appId, authCode: granted.authCode, event };
  }

  const callback = (state: string, authCode: string | null, merchantId: string) =>
    completeAuthorizationCallback(portal, { state, authCode, merchantId });

  it("builds WeChat's PC and mobile page URLs with an encoded redirect_uri carrying an opaque state", async () => {
    const m = await createMerchant(database, "Url Test");
    const pc = new URL(await startAuthorization(portal, { ...m, authType: 3, mobile: false }));
    expect(pc.origin + pc.pathname).toBe(`${app.url}/sandbox/cgi-bin/componentloginpage`);
    expect(pc.searchParams.get("component_appid")).toBe(SANDBOX_COMPONENT.appId);
    expect(pc.searchParams.get("auth_type")).toBe("3");
    expect(pc.search).toContain(`redirect_uri=${encodeURIComponent(`${app.url}/api/wechat/authorize/callback?state=`)}`);
    const mobile = await startAuthorization(portal, { ...m, authType: 2, mobile: true, bizAppId: "wx0123456789abcdef" });
    expect(mobile).toMatch(new RegExp(`^${app.url}/sandbox/wxaopen/safe/bindcomponent\\?action=bindcomponent&no_scan=1&`));
    expect(mobile).toContain("biz_appid=wx0123456789abcdef");
    expect(mobile.endsWith("#wechat_redirect")).toBe(true);
    const codes = await database.db.select({ code: authorizationSessions.preAuthCode }).from(authorizationSessions);
    expect(new Set(codes.map((c) => c.code)).size).toBe(2);
  });

  it("callback first: exchanges the code, stores profile, grant and sealed tokens for the merchant", async () => {
    const m = await createMerchant(database, "Callback First");
    const a = await authorizeOnWechat(m, { funcIds: [1, 2, 7, 15] });
    const outcome = await callback(a.state, a.authCode, m.merchantId);
    expect(outcome).toEqual({ ok: true, appId: a.appId, conflict: false });
    const snapshot = await accountSnapshot(database, a.appId);
    expect(snapshot).toMatchObject({ merchantId: m.merchantId, status: "authorized", funcIds: [1, 2, 7, 15], kind: "official_account", hasRefreshToken: true, grants: 1 });
    expect(snapshot?.nickName).toBeTruthy();
    const [row] = await database.db.select().from(authorizers).where(eq(authorizers.appId, a.appId));
    expect(row?.refreshTokenSealed).not.toContain("refreshtoken@@@");

    // WeChat's event for the same grant arrives afterwards: same code, not exchanged again, same state.
    const before = (await sandboxCalls(app)).api_query_auth;
    expect((await deliver(portal, a.event)).body).toBe("success");
    await processPendingComponentEvents(portal);
    expect((await sandboxCalls(app)).api_query_auth).toBe(before);
    expect(await accountSnapshot(database, a.appId)).toEqual(snapshot);
  });

  it("event first, then callback, event twice: converges to the same state as callback first", async () => {
    const m = await createMerchant(database, "Event First");
    const a = await authorizeOnWechat(m, { funcIds: [1, 2, 7, 15] });
    expect((await deliver(portal, a.event)).body).toBe("success");
    expect((await deliver(portal, a.event)).body).toBe("success");
    await processPendingComponentEvents(portal);
    const afterEvent = await accountSnapshot(database, a.appId);
    expect(afterEvent).toMatchObject({ merchantId: m.merchantId, status: "authorized", funcIds: [1, 2, 7, 15], grants: 1 });
    expect(await callback(a.state, a.authCode, m.merchantId)).toEqual({ ok: true, appId: a.appId, conflict: false });
    expect(await accountSnapshot(database, a.appId)).toEqual(afterEvent);
  });

  it("out of order: a late, older authorized event and a stale revocation never undo the newer grant", async () => {
    const m = await createMerchant(database, "Out Of Order");
    const first = await authorizeOnWechat(m, { funcIds: [1, 2] });
    const second = await authorizeOnWechat(m, { funcIds: [1, 2, 11, 15], appId: first.appId });
    // Timeline: first grant (t-100), a revocation (t-75), the re-authorization (t-50), its callback (now).
    const t = Math.floor(Date.now() / 1000);
    first.event.CreateTime = t - 100;
    second.event.CreateTime = t - 50;
    const staleRevocation = { CreateTime: t - 75, InfoType: "unauthorized", AuthorizerAppid: first.appId };

    expect(await callback(second.state, second.authCode, m.merchantId)).toMatchObject({ ok: true });
    await deliver(portal, second.event);
    await deliver(portal, staleRevocation);
    await deliver(portal, first.event); // its code was superseded by the re-authorization
    await processPendingComponentEvents(portal);
    expect(await accountSnapshot(database, first.appId)).toMatchObject({ status: "authorized", funcIds: [1, 2, 11, 15], hasRefreshToken: true });

    // A newer revocation does apply: status revoked, tokens dropped, history kept.
    await deliver(portal, { CreateTime: t + 2, InfoType: "unauthorized", AuthorizerAppid: first.appId });
    await processPendingComponentEvents(portal);
    const revoked = await accountSnapshot(database, first.appId);
    expect(revoked).toMatchObject({ status: "unauthorized", hasRefreshToken: false, merchantId: m.merchantId });
    expect(revoked!.grants).toBeGreaterThanOrEqual(2);
  });

  it("updateauthorized changes the granted sets", async () => {
    const m = await createMerchant(database, "Update Grant");
    const a = await authorizeOnWechat(m, { funcIds: [1, 2] });
    await callback(a.state, a.authCode, m.merchantId);
    const update = await sandboxControl<{ appId: string; authCode: string; infoType: string }>(app, "authorize", {
      appId: a.appId,
      kind: "official_account",
      funcIds: [1, 2, 3, 4],
    });
    expect(update.infoType).toBe("updateauthorized");
    await deliver(portal, {
      CreateTime: a.event.CreateTime + 60,
      InfoType: "updateauthorized",
      AuthorizerAppid: a.appId,
      AuthorizationCode: update.authCode,
      AuthorizationCodeExpiredTime: a.event.CreateTime + 660,
    });
    await processPendingComponentEvents(portal);
    expect(await accountSnapshot(database, a.appId)).toMatchObject({ funcIds: [1, 2, 3, 4], merchantId: m.merchantId, grants: 2 });
  });

  describe("the callback attaches nothing when", () => {
    it("the state belongs to another merchant", async () => {
      const a = await createMerchant(database, "Owner");
      const b = await createMerchant(database, "Intruder");
      const attempt = await authorizeOnWechat(a);
      expect(await callback(attempt.state, attempt.authCode, b.merchantId)).toEqual({ ok: false, reason: "invalid_state" });
      expect(await accountSnapshot(database, attempt.appId)).toBeUndefined();
      expect(await listMerchantAuthorizers(database.db, b.merchantId)).toEqual([]);
      // The owner's own callback still works afterwards: the intruder did not consume it.
      expect(await callback(attempt.state, attempt.authCode, a.merchantId)).toMatchObject({ ok: true });
    });

    it("the state was already used", async () => {
      const m = await createMerchant(database, "Reuse");
      const a = await authorizeOnWechat(m);
      expect(await callback(a.state, a.authCode, m.merchantId)).toMatchObject({ ok: true });
      expect(await callback(a.state, a.authCode, m.merchantId)).toEqual({ ok: false, reason: "used_state" });
    });

    it("the state expired", async () => {
      const m = await createMerchant(database, "Expired");
      const a = await authorizeOnWechat(m);
      await database.db.update(authorizationSessions).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(authorizationSessions.state, a.state));
      expect(await callback(a.state, a.authCode, m.merchantId)).toEqual({ ok: false, reason: "expired_state" });
      expect(await accountSnapshot(database, a.appId)).toBeUndefined();
    });

    it("the state is unknown", async () => {
      const m = await createMerchant(database, "Unknown");
      expect(await callback("x".repeat(43), "queryauthcode@@@whatever", m.merchantId)).toEqual({ ok: false, reason: "invalid_state" });
    });

    it("the auth_code is forged", async () => {
      const m = await createMerchant(database, "Forged");
      const a = await authorizeOnWechat(m);
      expect(await callback(a.state, "queryauthcode@@@forged", m.merchantId)).toEqual({ ok: false, reason: "code_invalid", errcode: 61009 });
      expect(await accountSnapshot(database, a.appId)).toBeUndefined();
    });

    it("the merchant cancelled on WeChat's page", async () => {
      const m = await createMerchant(database, "Cancel");
      const url = new URL(await startAuthorization(portal, { ...m, authType: 1, mobile: false }));
      const state = new URL(url.searchParams.get("redirect_uri")!).searchParams.get("state")!;
      expect(await callback(state, null, m.merchantId)).toEqual({ ok: false, reason: "cancelled" });
    });
  });

  it("an account another merchant holds is not moved: it is flagged for staff review", async () => {
    const a = await createMerchant(database, "First Holder");
    const b = await createMerchant(database, "Second Claimant");
    const first = await authorizeOnWechat(a);
    await callback(first.state, first.authCode, a.merchantId);
    const second = await authorizeOnWechat(b, { appId: first.appId, funcIds: [1] });
    expect(await callback(second.state, second.authCode, b.merchantId)).toEqual({ ok: true, appId: first.appId, conflict: true });
    expect(await accountSnapshot(database, first.appId)).toMatchObject({
      merchantId: a.merchantId,
      contestedByMerchantId: b.merchantId,
      reviewStatus: "conflict",
    });
    expect(await findMerchantAuthorizer(database.db, b.merchantId, first.appId)).toBeUndefined();
  });
});
