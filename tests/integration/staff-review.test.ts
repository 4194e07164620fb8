import { eq, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { listAuditActions } from "@/db/queries/audit";
import { findMerchantAuthorizer } from "@/db/queries/authorizers";
import { findStaffAuthorizerDetail } from "@/db/queries/staff-authorizer-detail";
import { createStaffUser } from "@/db/queries/users";
import { auditLog, authorizerActivity, authorizerGrants, authorizers, wechatEvents } from "@/db/schema";
import { isAppError } from "@/lib/errors";
import { recordAudit } from "@/lib/staff/audit";
import { auditFiltersSchema, listAuditEntries } from "@/lib/staff/audit-log";
import { listStaffGrantHistory, listStaffTimeline } from "@/lib/staff/authorizer-detail";
import {
  decideReview,
  resolveConflict,
  type ConflictResolution,
  type ReviewActor,
  type ReviewDecision,
} from "@/lib/staff/review";
import { createMerchant } from "../support/portal";
import { withTestDatabase } from "../support/with-test-database";

// Staff review decisions, conflict resolutions, the account timeline and the audit log, on a real database.
describe("staff review", () => {
  const database = withTestDatabase();
  let staff: ReviewActor;
  let other: ReviewActor;
  let merchantA: string;
  let merchantB: string;
  const APP = "wx00000000000000a1";
  beforeEach(async () => {
    const db = database.db;
    const s = await createStaffUser(db, {
      email: "reviewer@example.com",
      passwordHash: "scrypt$unused",
      role: "staff",
    });
    const o = await createStaffUser(db, { email: "second@example.com", passwordHash: "scrypt$unused", role: "admin" });
    staff = { userId: s!.id, email: "reviewer@example.com" };
    other = { userId: o!.id, email: "second@example.com" };
    merchantA = (await createMerchant(database, "Owner Co")).merchantId;
    merchantB = (await createMerchant(database, "Claimant Co")).merchantId;
    await db.insert(authorizers).values({
      appId: APP,
      merchantId: merchantA,
      kind: "official_account",
      nickName: "Morning Cafe",
      funcIds: [1, 15],
    });
  });

  const account = async (appId = APP) =>
    (await database.db.select().from(authorizers).where(eq(authorizers.appId, appId)))[0]!;
  const audits = () => database.db.select().from(auditLog).orderBy(auditLog.id);
  async function refused(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(isAppError(error)).toBe(true);
    return error as { code: string; message: string };
  }
  /** The code of the AppError that `promise` is refused with. */
  const refusedCode = async (promise: Promise<unknown>) => (await refused(promise)).code;
  /** `actor` decides on APP from a page rendered with `expectedStatus` (and `expectedReviewedAt`, when given). */
  const decideApp = (actor: ReviewActor, input: Omit<ReviewDecision, "appId">) =>
    decideReview(database.db, actor, { appId: APP, ...input });
  /** `actor` resolves APP's conflict from a page that showed `expectedContestedBy` as the claimant. */
  const resolveApp = (
    actor: ReviewActor,
    resolution: ConflictResolution["resolution"],
    note: string,
    expectedContestedBy: string,
  ) => resolveConflict(database.db, actor, { appId: APP, resolution, note, expectedContestedBy });

  it.each([
    ["approve", "approved"],
    ["reject", "rejected"],
    ["needs_info", "needs_info"],
  ] as const)("%s: updates the account and writes exactly one audit row", async (decision, status) => {
    const result = await decideApp(staff, {
      decision,
      note: "  资料齐全 ",
      expectedStatus: "pending",
      expectedReviewedAt: "",
    });
    expect(result).toMatchObject({ reviewStatus: status, reviewNote: "资料齐全" });
    const row = await account();
    expect(row).toMatchObject({ reviewStatus: status, reviewNote: "资料齐全", reviewedByUserId: staff.userId });
    expect(row.reviewedAt).toBeInstanceOf(Date);
    const rows = await audits();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actorUserId: staff.userId,
      actorEmail: staff.email,
      action: `review.${decision}`,
      targetType: "authorizer",
      targetId: APP,
      note: "资料齐全",
      before: { reviewStatus: "pending", reviewNote: null },
      after: { reviewStatus: status, reviewNote: "资料齐全" },
    });
  });

  it("refuses an empty or too long note and writes nothing", async () => {
    for (const note of ["", "   \n ", "x".repeat(1001)]) {
      const error = await refused(decideApp(staff, { decision: "approve", note, expectedStatus: "pending" }));
      expect(error.code).toBe("bad_request");
    }
    expect(
      (await refused(decideReview(database.db, staff, { appId: APP, decision: "approve", expectedStatus: "pending" })))
        .message,
    ).toBe("staffDetail.errors.noteRequired");
    expect(await account()).toMatchObject({ reviewStatus: "pending", reviewNote: null, reviewedAt: null });
    expect(await audits()).toHaveLength(0);
    // 1000 characters is fine.
    await decideApp(staff, { decision: "approve", note: "y".repeat(1000), expectedStatus: "pending" });
    expect(await audits()).toHaveLength(1);
  });

  it("refuses a decision made on a stale page: the status or the last decision changed meanwhile", async () => {
    await decideApp(other, { decision: "reject", note: "first", expectedStatus: "pending", expectedReviewedAt: "" });
    const stale = await refused(
      decideApp(staff, { decision: "approve", note: "second", expectedStatus: "pending", expectedReviewedAt: "" }),
    );
    expect(stale.code).toBe("conflict");
    expect(stale.message).toBe("staffDetail.errors.stale");
    const decided = await account();
    expect(decided).toMatchObject({ reviewStatus: "rejected", reviewNote: "first", reviewedByUserId: other.userId });

    // Same status, but someone decided again after this page was rendered.
    const renderedAt = decided.reviewedAt!.toISOString();
    await decideApp(other, {
      decision: "reject",
      note: "first, reworded",
      expectedStatus: "rejected",
      expectedReviewedAt: renderedAt,
    });
    expect(
      await refusedCode(
        decideApp(staff, {
          decision: "approve",
          note: "x",
          expectedStatus: "rejected",
          expectedReviewedAt: renderedAt,
        }),
      ),
    ).toBe("conflict");
    expect(await audits()).toHaveLength(2);

    expect(
      await refusedCode(
        decideReview(database.db, staff, {
          appId: "wx00000000000000ff",
          decision: "approve",
          note: "x",
          expectedStatus: "pending",
        }),
      ),
    ).toBe("not_found");
  });

  it("concurrent decisions from the same rendered page: exactly one wins", async () => {
    const input = { appId: APP, note: "same time", expectedStatus: "pending" as const, expectedReviewedAt: "" };
    const results = await Promise.allSettled([
      decideReview(database.db, staff, { ...input, decision: "approve" }),
      decideReview(database.db, other, { ...input, decision: "reject" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await audits()).toHaveLength(1);
  });

  async function contest() {
    await database.db
      .update(authorizers)
      .set({ reviewStatus: "conflict", contestedByMerchantId: merchantB })
      .where(eq(authorizers.appId, APP));
  }

  it("an open conflict blocks decisions; keep_owner clears the claim, keeps the merchant, audits once", async () => {
    await contest();
    expect(await refusedCode(decideApp(staff, { decision: "approve", note: "x", expectedStatus: "conflict" }))).toBe(
      "conflict",
    );
    await resolveApp(staff, "keep_owner", "营业执照属于 Owner Co", merchantB);
    expect(await account()).toMatchObject({
      merchantId: merchantA,
      contestedByMerchantId: null,
      reviewStatus: "pending",
      reviewNote: "营业执照属于 Owner Co",
    });
    const rows = await audits();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      action: "conflict.keep_owner",
      actorUserId: staff.userId,
      note: "营业执照属于 Owner Co",
      before: { reviewStatus: "conflict", merchantId: merchantA, contestedByMerchantId: merchantB },
      after: { reviewStatus: "pending", merchantId: merchantA, contestedByMerchantId: null },
    });
    // Resolved already: a second resolution from the same page is refused.
    expect(await refusedCode(resolveApp(other, "transfer", "x", merchantB))).toBe("conflict");
    expect(await audits()).toHaveLength(1);
  });

  it("transfer moves the account to the contesting merchant and audits once", async () => {
    await contest();
    expect(await refusedCode(resolveApp(staff, "transfer", " ", merchantB))).toBe("bad_request");
    // The page showed another claimant than the one on record now.
    expect(await refusedCode(resolveApp(staff, "transfer", "x", merchantA))).toBe("conflict");
    expect(await audits()).toHaveLength(0);

    await resolveApp(staff, "transfer", "主体证明属于 Claimant Co", merchantB);
    expect(await account()).toMatchObject({
      merchantId: merchantB,
      contestedByMerchantId: null,
      reviewStatus: "pending",
    });
    const rows = await audits();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      action: "conflict.transfer",
      before: { merchantId: merchantA, contestedByMerchantId: merchantB, reviewStatus: "conflict" },
      after: { merchantId: merchantB, contestedByMerchantId: null, reviewStatus: "pending" },
    });
    expect(await findMerchantAuthorizer(database.db, merchantA, APP)).toBeUndefined();
    expect(await findMerchantAuthorizer(database.db, merchantB, APP)).toMatchObject({
      appId: APP,
      reviewStatus: "pending",
    });
  });

  it("the merchant sees the decision's note and date, never who decided", async () => {
    await decideApp(staff, { decision: "needs_info", note: "请补充营业执照", expectedStatus: "pending" });
    const view = await findMerchantAuthorizer(database.db, merchantA, APP);
    expect(view).toMatchObject({ reviewStatus: "needs_info", reviewNote: "请补充营业执照" });
    expect(view?.reviewedAt).toBeInstanceOf(Date);
    expect(JSON.stringify(view)).not.toContain(staff.userId);
    expect(JSON.stringify(view)).not.toContain(staff.email);
    expect(await findMerchantAuthorizer(database.db, merchantB, APP)).toBeUndefined();
  });

  it("the staff detail shows owner, claimant, reviewer and token health without any token", async () => {
    await database.db
      .update(authorizers)
      .set({
        contestedByMerchantId: merchantB,
        reviewStatus: "conflict",
        accessTokenSealed: "v1:sealed-access",
        refreshTokenSealed: "v1:sealed-refresh",
        refreshAttempts: 2,
        lastRefreshError: "WeChat error 45009",
      })
      .where(eq(authorizers.appId, APP));
    const detail = await findStaffAuthorizerDetail(database.db, APP);
    expect(detail).toMatchObject({
      merchant: { id: merchantA, name: "Owner Co" },
      contestingMerchant: { id: merchantB, name: "Claimant Co" },
      hasAccessToken: true,
      hasRefreshToken: true,
      refreshAttempts: 2,
      refreshing: false,
    });
    expect(JSON.stringify(detail)).not.toContain("sealed");
    expect(await findStaffAuthorizerDetail(database.db, "wx00000000000000ff")).toBeUndefined();
    await resolveApp(staff, "keep_owner", "ok", merchantB);
    expect(await findStaffAuthorizerDetail(database.db, APP)).toMatchObject({
      contestingMerchant: null,
      reviewerEmail: staff.email,
      reviewNote: "ok",
    });
  });

  describe("timeline", () => {
    const CODE = "queryauthcode@@@ZyXwVuTsRqPoNmLkJiHgFeDcBa9876543f";
    const PRE_AUTH = "preauthcode@@@AbCdEfGhIjKlMnOpQrStUv";
    const at = (minutes: number) => new Date(Date.UTC(2026, 4, 1, 8, minutes, 0));

    /** APP's timeline read `limit` entries a page by following the cursor (at most 10 pages): each page's entries. */
    async function timelinePages(limit: number) {
      const pages: Awaited<ReturnType<typeof listStaffTimeline>>["entries"][] = [];
      let before: string | null = null;
      do {
        const page: Awaited<ReturnType<typeof listStaffTimeline>> = await listStaffTimeline(database.db, APP, {
          before,
          limit,
        });
        pages.push(page.entries);
        before = page.nextCursor;
      } while (before && pages.length < 10);
      return pages;
    }

    async function seedHistory() {
      const db = database.db;
      await db.insert(wechatEvents).values([
        {
          source: "component",
          infoType: "authorized",
          authorizerAppId: APP,
          dedupeKey: "e1",
          createTime: 1,
          receivedAt: at(0),
          payload: {
            kind: "authorized",
            appId: "wxcomponent",
            authorizerAppId: APP,
            authorizationCode: CODE,
            authorizationCodeExpiresAt: 1777,
            preAuthCode: PRE_AUTH,
          },
        },
        {
          source: "component",
          infoType: "updateauthorized",
          authorizerAppId: APP,
          dedupeKey: "e2",
          createTime: 2,
          receivedAt: at(30),
          payload: { kind: "updateauthorized", authorizationCode: CODE },
        },
        // Another account's push and a ticket: not on this timeline.
        {
          source: "component",
          infoType: "authorized",
          authorizerAppId: "wx00000000000000b2",
          dedupeKey: "e3",
          createTime: 3,
          receivedAt: at(5),
          payload: {},
        },
        {
          source: "component",
          infoType: "component_verify_ticket",
          dedupeKey: "e4",
          createTime: 4,
          receivedAt: at(6),
          payload: { ticket: "ticket@@@secret" },
        },
      ]);
      await db.insert(authorizerGrants).values([
        { appId: APP, source: "callback", funcIds: [1, 15], stateVersion: 1, createdAt: at(1) },
        { appId: APP, source: "updateauthorized", funcIds: [1, 11], stateVersion: 2, createdAt: at(31) },
      ]);
      await db.insert(authorizerActivity).values([
        {
          appId: APP,
          kind: "token_refreshed",
          detail: { trigger: "scheduled", expiresIn: 7200, refreshTokenChanged: false },
          createdAt: at(10),
        },
        {
          appId: APP,
          kind: "token_refresh_failed",
          detail: {
            trigger: "scheduled",
            errcode: 45009,
            error: "WeChat error 45009",
            refresh_token: "refreshtoken@@@leaked",
          },
          createdAt: at(20),
        },
        { appId: APP, kind: "token_refreshed", detail: { trigger: "scheduled", expiresIn: 7200 }, createdAt: at(20) },
      ]);
      await db.transaction(async (tx) => {
        await recordAudit(tx, {
          actor: staff,
          action: "review.approve",
          targetType: "authorizer",
          targetId: APP,
          note: "ok",
          before: { reviewStatus: "pending", reviewNote: null },
          after: { reviewStatus: "approved", reviewNote: "ok" },
        });
        await recordAudit(tx, {
          actor: staff,
          action: "review.approve",
          targetType: "authorizer",
          targetId: "wx00000000000000b2",
          note: "other",
        });
      });
      await db.update(auditLog).set({ createdAt: at(40) });
    }

    it("merges pushes, grants, activity and staff actions newest first, with grant diffs and secrets masked", async () => {
      await seedHistory();
      const { entries, nextCursor } = await listStaffTimeline(database.db, APP);
      expect(nextCursor).toBeNull();
      expect(entries.map((e) => [e.source, e.kind, e.at.toISOString()])).toEqual([
        ["audit", "review.approve", at(40).toISOString()],
        ["grant", "updateauthorized", at(31).toISOString()],
        ["wechat_event", "updateauthorized", at(30).toISOString()],
        // Same instant: ordered by source, then newest row first.
        ["activity", "token_refreshed", at(20).toISOString()],
        ["activity", "token_refresh_failed", at(20).toISOString()],
        ["activity", "token_refreshed", at(10).toISOString()],
        ["grant", "callback", at(1).toISOString()],
        ["wechat_event", "authorized", at(0).toISOString()],
      ]);
      const grants = entries.filter((e) => e.source === "grant");
      expect(grants.map((g) => ({ added: g.added, removed: g.removed }))).toEqual([
        { added: [11], removed: [15] },
        { added: [1, 15], removed: [] },
      ]);
      const audit = entries[0];
      expect(audit?.source === "audit" && audit.changes).toEqual([
        { key: "reviewStatus", before: "pending", after: "approved" },
        { key: "reviewNote", before: null, after: "ok" },
      ]);
      expect(audit?.source === "audit" && audit.actorEmail).toBe(staff.email);

      const rendered = JSON.stringify(entries);
      for (const secret of [CODE, PRE_AUTH, "refreshtoken@@@leaked", "ticket@@@secret", "ZyXwVuTsRq"])
        expect(rendered).not.toContain(secret);
      const first = entries.at(-1);
      expect(first?.source === "wechat_event" && first.payload).toMatchObject({
        authorizationCode: "quer…3f (masked)",
        preAuthCode: "•••• (masked)",
        authorizationCodeExpiresAt: 1777,
        authorizerAppId: APP,
      });
      const failed = entries.find((e) => e.kind === "token_refresh_failed");
      expect(failed?.source === "activity" && failed.detail).toMatchObject({
        errcode: 45009,
        refresh_token: "•••• (masked)",
      });
    });

    it("pages with a keyset cursor without skipping or repeating entries", async () => {
      await seedHistory();
      const all = (await listStaffTimeline(database.db, APP)).entries.map((e) => e.cursor);
      const pages = await timelinePages(3);
      expect(pages).toHaveLength(3);
      expect(pages.flat().map((e) => e.cursor)).toEqual(all);
      // A malformed cursor is the first page.
      expect(
        (await listStaffTimeline(database.db, APP, { before: "'; drop table audit_log; --", limit: 3 })).entries.map(
          (e) => e.cursor,
        ),
      ).toEqual(all.slice(0, 3));
    });

    it("keeps microsecond-close entries apart across pages", async () => {
      await database.db.execute(sql`
        insert into authorizer_activity (app_id, kind, detail, created_at)
        select ${APP}, 'token_refreshed', '{}'::jsonb, timestamptz '2026-05-01 08:00:00.000100+00' + make_interval(secs => g * 0.000001)
        from generate_series(1, 7) g`);
      expect((await timelinePages(2)).flat().map((e) => e.id)).toEqual([7, 6, 5, 4, 3, 2, 1]);
    });

    it("grant history lists what each grant added and removed, newest first", async () => {
      await seedHistory();
      await database.db
        .insert(authorizerGrants)
        .values({ appId: APP, source: "unauthorized", funcIds: [], stateVersion: 3 });
      const history = await listStaffGrantHistory(database.db, APP);
      expect(history.map((g) => [g.source, g.added, g.removed])).toEqual([
        ["unauthorized", [], [1, 11]],
        ["updateauthorized", [11], [15]],
        ["callback", [1, 15], []],
      ]);
      // Limited: the oldest shown still compares with its predecessor.
      expect((await listStaffGrantHistory(database.db, APP, 2)).at(-1)).toMatchObject({
        source: "updateauthorized",
        added: [11],
        removed: [15],
      });
    });
  });

  describe("audit log", () => {
    async function seedAudit(count: number) {
      const rows = Array.from({ length: count }, (_, i) => ({
        actorUserId: i % 2 === 0 ? staff.userId : other.userId,
        actorEmail: i % 2 === 0 ? staff.email : other.email,
        action: i % 3 === 0 ? "review.approve" : i % 3 === 1 ? "review.reject" : "conflict.transfer",
        targetType: "authorizer" as const,
        targetId: i % 5 === 0 ? APP : "wx00000000000000b2",
        note: `n${i}`,
        before: { reviewStatus: "pending", reviewNote: null, merchantId: merchantA },
        after: { reviewStatus: "approved", reviewNote: `n${i}`, merchantId: merchantA },
        createdAt: new Date(Date.UTC(2026, 4, 1 + Math.floor(i / 10), 2, 0, 0)),
      }));
      await database.db.insert(auditLog).values(rows);
    }

    it("pages newest first by id, 50 at a time, without repeats", async () => {
      await seedAudit(120);
      const first = await listAuditEntries(database.db, {});
      expect(first.entries).toHaveLength(50);
      expect(first.entries[0]?.note).toBe("n119");
      expect(first.nextBefore).toBe(first.entries.at(-1)!.id);
      const second = await listAuditEntries(database.db, {}, { before: first.nextBefore! });
      const third = await listAuditEntries(database.db, {}, { before: second.nextBefore! });
      expect(third.entries).toHaveLength(20);
      expect(third.nextBefore).toBeNull();
      const ids = [...first.entries, ...second.entries, ...third.entries].map((e) => e.id);
      expect(new Set(ids).size).toBe(120);
      expect(ids).toEqual([...ids].sort((a, b) => b - a));
      // Only the changed keys.
      expect(first.entries[0]?.changes).toEqual([
        { key: "reviewStatus", before: "pending", after: "approved" },
        { key: "reviewNote", before: null, after: "n119" },
      ]);
    });

    it("filters by actor (email part or id), action, target and date range (China time)", async () => {
      await seedAudit(40);
      const count = async (filters: Parameters<typeof listAuditEntries>[1]) =>
        (await listAuditEntries(database.db, filters, { limit: 200 })).entries.length;
      expect(await count({ actor: "SECOND@" })).toBe(20);
      expect(await count({ actor: other.userId })).toBe(20);
      expect(await count({ actor: "%" })).toBe(0);
      expect(await count({ action: "review.reject" })).toBe(13);
      expect(await count({ target: APP })).toBe(8);
      expect(await count({ target: APP.slice(0, 10) })).toBe(0);
      // Entries at 02:00 UTC = 10:00 in China: day 2026-05-02 holds i = 10..19.
      expect(await count({ from: "2026-05-02", to: "2026-05-02" })).toBe(10);
      expect(await count({ from: "2026-05-03" })).toBe(20);
      expect(await count({ to: "2026-05-01", action: "review.approve", actor: "reviewer" })).toBe(2);
      expect(await listAuditActions(database.db)).toEqual(["conflict.transfer", "review.approve", "review.reject"]);
    });

    it("drops a day that does not exist or that the database cannot place, instead of failing the page", async () => {
      await seedAudit(3);
      for (const day of ["0000-01-01", "0099-12-31", "2026-02-30", "2026-13-01", "20260501"]) {
        const { before: _before, ...filters } = auditFiltersSchema.parse({ from: day, to: day });
        expect(filters, day).toEqual({});
        expect((await listAuditEntries(database.db, filters)).entries, day).toHaveLength(3);
      }
      // An early but real year is a filter like any other.
      expect(
        (await listAuditEntries(database.db, auditFiltersSchema.parse({ from: "0100-01-01" }))).entries,
      ).toHaveLength(3);
      expect(
        (await listAuditEntries(database.db, auditFiltersSchema.parse({ to: "0100-01-01" }))).entries,
      ).toHaveLength(0);
    });

    it("is empty for a fresh log", async () => {
      expect(await listAuditEntries(database.db, {})).toEqual({ entries: [], nextBefore: null });
      expect(await listAuditActions(database.db)).toEqual([]);
    });
  });
});
