import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { findMerchantAuthorizer, listMerchantAuthorizers } from "@/db/queries/authorizers";
import { authorizationSessions, authorizers } from "@/db/schema";
import { completeAuthorizationCallback } from "@/lib/authorization/callback";
import { processPendingComponentEvents } from "@/lib/authorization/events";
import { startAuthorization } from "@/lib/authorization/start";
import { AUTHORIZATION_START_LIMIT, RateLimitedError } from "@/lib/rate-limit";
import { SANDBOX_COMPONENT } from "@/lib/sandbox/credentials";
import { accountSnapshot, createMerchant, deliver, sandboxCalls, sandboxControl } from "../support/portal";
import { withTestPortal } from "../support/with-app-server";

// The authorization flow in the portal, against the sandbox over HTTP: start → WeChat page (the sandbox's
// authorize, as the page's confirm does) → event and callback in every order.
describe("authorization flow", () => {
  const { app, database, portal } = withTestPortal({ BACKGROUND_JOBS: "0" });

  /** Starts an attempt and "confirms on WeChat's page": returns what the callback and the event will carry. */
  async function authorizeOnWechat(
    merchant: { merchantId: string; userId: string },
    options: { funcIds?: number[]; appId?: string; kind?: "official_account" | "mini_program"; bizAppId?: string } = {},
  ) {
    const { url, preAuthCode, state } = await start(merchant, options.bizAppId);
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

  /** Starts an attempt only (the merchant has not been to WeChat's page yet): its state and pre_auth_code. */
  async function start(merchant: { merchantId: string; userId: string }, bizAppId?: string) {
    const url = new URL(await startAuthorization(portal, { ...merchant, authType: 1, mobile: false, bizAppId }));
    const preAuthCode = url.searchParams.get("pre_auth_code")!;
    const state = new URL(url.searchParams.get("redirect_uri")!).searchParams.get("state")!;
    return { url, preAuthCode, state };
  }

  const outcomeOf = async (state: string) =>
    (
      await database.db
        .select({ outcome: authorizationSessions.outcome })
        .from(authorizationSessions)
        .where(eq(authorizationSessions.state, state))
    )[0]?.outcome;

  const callback = (state: string, authCode: string | null, merchantId: string) =>
    completeAuthorizationCallback(portal, { state, authCode, merchantId });

  it("builds WeChat's PC and mobile page URLs with an encoded redirect_uri carrying an opaque state", async () => {
    const m = await createMerchant(database, "Url Test");
    const pc = new URL(await startAuthorization(portal, { ...m, authType: 3, mobile: false }));
    expect(pc.origin + pc.pathname).toBe(`${app.url}/sandbox/cgi-bin/componentloginpage`);
    expect(pc.searchParams.get("component_appid")).toBe(SANDBOX_COMPONENT.appId);
    expect(pc.searchParams.get("auth_type")).toBe("3");
    expect(pc.search).toContain(
      `redirect_uri=${encodeURIComponent(`${app.url}/api/wechat/authorize/callback?state=`)}`,
    );
    const mobile = await startAuthorization(portal, {
      ...m,
      authType: 2,
      mobile: true,
      bizAppId: "wx0123456789abcdef",
    });
    expect(mobile).toMatch(
      new RegExp(`^${app.url}/sandbox/wxaopen/safe/bindcomponent\\?action=bindcomponent&no_scan=1&`),
    );
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
    expect(snapshot).toMatchObject({
      merchantId: m.merchantId,
      status: "authorized",
      funcIds: [1, 2, 7, 15],
      kind: "official_account",
      hasRefreshToken: true,
      grants: 1,
    });
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
    expect(afterEvent).toMatchObject({
      merchantId: m.merchantId,
      status: "authorized",
      funcIds: [1, 2, 7, 15],
      grants: 1,
    });
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
    expect(await accountSnapshot(database, first.appId)).toMatchObject({
      status: "authorized",
      funcIds: [1, 2, 11, 15],
      hasRefreshToken: true,
    });

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
    expect(await accountSnapshot(database, a.appId)).toMatchObject({
      funcIds: [1, 2, 3, 4],
      merchantId: m.merchantId,
      grants: 2,
    });
  });

  describe("the callback attaches nothing when", () => {
    it("the state belongs to another merchant", async () => {
      const a = await createMerchant(database, "Owner");
      const b = await createMerchant(database, "Intruder");
      const attempt = await authorizeOnWechat(a);
      expect(await callback(attempt.state, attempt.authCode, b.merchantId)).toEqual({
        ok: false,
        reason: "invalid_state",
      });
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
      await database.db
        .update(authorizationSessions)
        .set({ expiresAt: sql`now() - interval '1 second'` })
        .where(eq(authorizationSessions.state, a.state));
      expect(await callback(a.state, a.authCode, m.merchantId)).toEqual({ ok: false, reason: "expired_state" });
      expect(await accountSnapshot(database, a.appId)).toBeUndefined();
    });

    it("the state is unknown", async () => {
      const m = await createMerchant(database, "Unknown");
      expect(await callback("x".repeat(43), "queryauthcode@@@whatever", m.merchantId)).toEqual({
        ok: false,
        reason: "invalid_state",
      });
    });

    it("the auth_code is forged", async () => {
      const m = await createMerchant(database, "Forged");
      const a = await authorizeOnWechat(m);
      expect(await callback(a.state, "queryauthcode@@@forged", m.merchantId)).toEqual({
        ok: false,
        reason: "code_invalid",
        errcode: 61009,
      });
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
    expect(await callback(second.state, second.authCode, b.merchantId)).toEqual({
      ok: true,
      appId: first.appId,
      conflict: true,
    });
    expect(await accountSnapshot(database, first.appId)).toMatchObject({
      merchantId: a.merchantId,
      contestedByMerchantId: b.merchantId,
      reviewStatus: "conflict",
    });
    expect(await findMerchantAuthorizer(database.db, b.merchantId, first.appId)).toBeUndefined();
  });
  describe("an authorization code belongs to the attempt that started it", () => {
    it("another merchant replaying an exchanged code with their own valid state attaches nothing and puts nothing in conflict", async () => {
      const a = await createMerchant(database, "Code Owner");
      const b = await createMerchant(database, "Code Replayer");
      const owner = await authorizeOnWechat(a);
      expect(await callback(owner.state, owner.authCode, a.merchantId)).toEqual({
        ok: true,
        appId: owner.appId,
        conflict: false,
      });
      const before = await accountSnapshot(database, owner.appId);

      const replay = await start(b);
      expect(await callback(replay.state, owner.authCode, b.merchantId)).toEqual({
        ok: false,
        reason: "code_mismatch",
      });
      expect(await accountSnapshot(database, owner.appId)).toEqual(before);
      expect(before).toMatchObject({ merchantId: a.merchantId, contestedByMerchantId: null, reviewStatus: "pending" });
      expect(await listMerchantAuthorizers(database.db, b.merchantId)).toEqual([]);
      expect(await outcomeOf(replay.state)).toBe("code_mismatch");
    });

    it("push first: the code is recorded for the attempt its pre_auth_code names; a replay is refused, the owner's callback attaches", async () => {
      const a = await createMerchant(database, "Push Owner");
      const b = await createMerchant(database, "Push Replayer");
      const owner = await authorizeOnWechat(a);
      await deliver(portal, owner.event);
      await processPendingComponentEvents(portal);
      const afterPush = await accountSnapshot(database, owner.appId);
      expect(afterPush).toMatchObject({
        merchantId: a.merchantId,
        reviewStatus: "pending",
        contestedByMerchantId: null,
      });

      const replay = await start(b);
      expect(await callback(replay.state, owner.authCode, b.merchantId)).toEqual({
        ok: false,
        reason: "code_mismatch",
      });
      expect(await accountSnapshot(database, owner.appId)).toEqual(afterPush);
      expect(await listMerchantAuthorizers(database.db, b.merchantId)).toEqual([]);

      expect(await callback(owner.state, owner.authCode, a.merchantId)).toEqual({
        ok: true,
        appId: owner.appId,
        conflict: false,
      });
      expect(await accountSnapshot(database, owner.appId)).toEqual(afterPush);
    });

    it("a code exchanged for no attempt of ours (an account nobody here started) cannot be claimed with a valid state", async () => {
      const b = await createMerchant(database, "Unowned Claimant");
      const granted = await sandboxControl<{ appId: string; authCode: string; infoType: string }>(app, "authorize", {
        kind: "official_account",
        funcIds: [1, 2],
      });
      const t = Math.floor(Date.now() / 1000);
      await deliver(portal, {
        CreateTime: t,
        InfoType: "authorized",
        AuthorizerAppid: granted.appId,
        AuthorizationCode: granted.authCode,
        AuthorizationCodeExpiredTime: t + 600,
      });
      await processPendingComponentEvents(portal);
      expect(await accountSnapshot(database, granted.appId)).toMatchObject({ merchantId: null, status: "authorized" });

      const claim = await start(b);
      expect(await callback(claim.state, granted.authCode, b.merchantId)).toEqual({
        ok: false,
        reason: "code_mismatch",
      });
      expect(await accountSnapshot(database, granted.appId)).toMatchObject({
        merchantId: null,
        contestedByMerchantId: null,
        reviewStatus: "pending",
      });
      expect(await listMerchantAuthorizers(database.db, b.merchantId)).toEqual([]);
    });

    it("a replay that beats everything to a fresh code: WeChat's push still names the owner, and the account goes to staff review", async () => {
      const a = await createMerchant(database, "Race Owner");
      const b = await createMerchant(database, "Race Replayer");
      const owner = await authorizeOnWechat(a);
      const replay = await start(b);
      // Nothing can tell the code is not B's yet (api_query_auth does not say which pre_auth_code it came from).
      expect(await callback(replay.state, owner.authCode, b.merchantId)).toEqual({
        ok: true,
        appId: owner.appId,
        conflict: false,
      });
      await deliver(portal, owner.event);
      await processPendingComponentEvents(portal);
      expect(await accountSnapshot(database, owner.appId)).toMatchObject({
        merchantId: b.merchantId,
        contestedByMerchantId: a.merchantId,
        reviewStatus: "conflict",
      });
      // The owner's own callback is theirs (the push said so) and tells them the account is under review.
      expect(await callback(owner.state, owner.authCode, a.merchantId)).toEqual({
        ok: true,
        appId: owner.appId,
        conflict: true,
      });
    });

    it("a re-authorization of one account that comes back with another account attaches nothing, callback or push first", async () => {
      const m = await createMerchant(database, "Reauthorizer");
      const held = await authorizeOnWechat(m);
      await callback(held.state, held.authCode, m.merchantId);

      // Callback first.
      const other = await authorizeOnWechat(m, { bizAppId: held.appId });
      expect(other.appId).not.toBe(held.appId);
      expect(await callback(other.state, other.authCode, m.merchantId)).toEqual({ ok: false, reason: "wrong_account" });
      expect(await accountSnapshot(database, other.appId)).toMatchObject({
        merchantId: null,
        contestedByMerchantId: null,
      });
      expect(await outcomeOf(other.state)).toBe("wrong_account");
      await deliver(portal, other.event);
      await processPendingComponentEvents(portal);
      expect(await accountSnapshot(database, other.appId)).toMatchObject({
        merchantId: null,
        contestedByMerchantId: null,
      });

      // Push first, onto an account another merchant holds: not attached, not put in conflict.
      const c = await createMerchant(database, "Third Holder");
      const third = await authorizeOnWechat(c);
      await callback(third.state, third.authCode, c.merchantId);
      const wrong = await authorizeOnWechat(m, { bizAppId: held.appId, appId: third.appId });
      await deliver(portal, wrong.event);
      await processPendingComponentEvents(portal);
      expect(await callback(wrong.state, wrong.authCode, m.merchantId)).toEqual({ ok: false, reason: "wrong_account" });
      expect(await accountSnapshot(database, third.appId)).toMatchObject({
        merchantId: c.merchantId,
        contestedByMerchantId: null,
        reviewStatus: "pending",
      });
      expect((await listMerchantAuthorizers(database.db, m.merchantId)).map((r) => r.appId)).toEqual([held.appId]);

      // The account asked for still re-authorizes.
      const same = await authorizeOnWechat(m, { bizAppId: held.appId, appId: held.appId, funcIds: [1, 2, 3] });
      expect(await callback(same.state, same.authCode, m.merchantId)).toEqual({
        ok: true,
        appId: held.appId,
        conflict: false,
      });
    });
  });

  it("limits authorization starts per merchant: 15 at once ask WeChat for 10 pre_auth_codes, the rest are refused first", async () => {
    expect(AUTHORIZATION_START_LIMIT).toMatchObject({ limit: 10, windowSeconds: 600 });
    const m = await createMerchant(database, "Eager Clicker");
    const before = (await sandboxCalls(app)).api_create_preauthcode ?? 0;
    const results = await Promise.allSettled(
      Array.from({ length: 15 }, () => startAuthorization(portal, { ...m, authType: 1, mobile: false })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(10);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(refused).toHaveLength(5);
    for (const r of refused) {
      expect(r.reason).toBeInstanceOf(RateLimitedError);
      expect((r.reason as RateLimitedError).retryAfterSeconds).toBeGreaterThan(500);
    }
    expect((await sandboxCalls(app)).api_create_preauthcode).toBe(before + 10);
    expect(await database.db.$count(authorizationSessions, eq(authorizationSessions.merchantId, m.merchantId))).toBe(
      10,
    );
    // Another merchant is not held back.
    const other = await createMerchant(database, "Patient Merchant");
    await expect(startAuthorization(portal, { ...other, authType: 1, mobile: false })).resolves.toMatch(
      /componentloginpage/,
    );
  });
});
