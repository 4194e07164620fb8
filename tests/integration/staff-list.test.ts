import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rowsOf } from "@/db";
import { escapeLikePattern } from "@/db/queries/filters";
import {
  buildStaffListQuery,
  countStaffAuthorizations,
  listStaffAuthorizations,
  STAFF_LIST_COUNT_CAP,
  STAFF_LIST_FILTERED_COUNT_CAP,
  type StaffAuthorizationRow,
  type StaffListParams,
} from "@/db/queries/staff-authorizations";
import { authorizers, auditLog, merchants, users, wechatEvents } from "@/db/schema";
import { seedStaffDemoData } from "@/lib/staff/seed-demo-data";
import { hashPassword } from "@/lib/auth/password";
import {
  decodeStaffListCursor,
  encodeStaffListCursor,
  parseStaffListParams,
  toStaffListSearchParams,
} from "@/lib/staff/authorization-list-params";
import {
  createAuthorizationsCsvStream,
  csvField,
  exportFilename,
  exportStaffAuthorizations,
} from "@/lib/staff/export-authorizations";
import { describeWithBuild } from "../support/build";
import type { openTestDatabase } from "../support/database";
import { withAppServer } from "../support/with-app-server";
import { withTestDatabase } from "../support/with-test-database";
import { signInOverHttp } from "../support/sign-in";

type TestDatabase = Awaited<ReturnType<typeof openTestDatabase>>;
type AccountInsert = typeof authorizers.$inferInsert;

let appCounter = 0;
/** A distinct, valid-looking appid (wx + 16 hex) in insertion order. */
function nextAppId(): string {
  appCounter += 1;
  return `wx${appCounter.toString(16).padStart(16, "0")}`;
}

async function insertAccounts(database: TestDatabase, rows: Partial<AccountInsert>[]): Promise<string[]> {
  const values = rows.map((row) => ({
    appId: row.appId ?? nextAppId(),
    kind: "official_account" as const,
    nickName: "默认账号",
    status: "authorized" as const,
    funcIds: [1],
    authorizedAt: new Date("2026-03-01T00:00:00Z"),
    updatedAt: new Date("2026-03-02T00:00:00Z"),
    ...row,
  }));
  for (let i = 0; i < values.length; i += 500) await database.db.insert(authorizers).values(values.slice(i, i + 500));
  return values.map((v) => v.appId);
}

/** Every page of a walk, following the `next` cursors (through their encoded form, as the browser would). */
async function walk(
  database: TestDatabase,
  params: StaffListParams,
  pageSize: number,
): Promise<StaffAuthorizationRow[][]> {
  const pages: StaffAuthorizationRow[][] = [];
  let current = params;
  for (let guard = 0; guard < 1_000; guard++) {
    const page = await listStaffAuthorizations(database.db, current, { pageSize });
    pages.push(page.rows);
    if (!page.next) return pages;
    expect(page.next.page).toBe(pages.length + 1);
    const reparsed = parseStaffListParams(toStaffListSearchParams(current, page.next));
    current = reparsed;
  }
  throw new Error("walk did not end");
}

const appIds = (rows: StaffAuthorizationRow[]) => rows.map((r) => r.appId);
const all = (database: TestDatabase, input: Record<string, string>) =>
  listStaffAuthorizations(database.db, parseStaffListParams(input), { pageSize: 1_000 }).then((page) =>
    appIds(page.rows).sort(),
  );

// One throwaway database for the list and the export tests, emptied before each.
const database = withTestDatabase();
describe("staff authorization list (real database)", () => {
  it("parses search params leniently: a bad value drops that filter, never the page", () => {
    const params = parseStaffListParams(
      new URLSearchParams(
        "status=authorized&review=bogus&kind=mini_program&perm=52&merchant=not-a-uuid&from=2026-02-30&to=2026-03-31&q=%20咖啡%20&sort=name",
      ),
    );
    expect(params).toEqual({
      status: "authorized",
      kind: "mini_program",
      permission: 52,
      to: "2026-03-31",
      q: "咖啡",
      sort: "updated",
    });
    expect(
      parseStaffListParams({ status: "", perm: "", q: "   ", merchant: "unassigned", sort: "authorized" }),
    ).toEqual({ merchant: "unassigned", sort: "authorized" });
    expect(parseStaffListParams({ q: ["first", "second"] }).q).toBe("first");
    expect(parseStaffListParams({ q: "x".repeat(300) }).q).toHaveLength(100);

    const cursor = { sort: "updated" as const, key: "1772409600123456", appId: "wx0000000000000001", page: 3 };
    expect(decodeStaffListCursor(encodeStaffListCursor(cursor))).toEqual(cursor);
    expect(parseStaffListParams({ cursor: encodeStaffListCursor(cursor) }).cursor).toEqual(cursor);
    // A cursor of another sort order, or garbage, starts from the first page.
    expect(parseStaffListParams({ cursor: encodeStaffListCursor(cursor), sort: "authorized" }).cursor).toBeUndefined();
    expect(parseStaffListParams({ cursor: "not base64 json" }).cursor).toBeUndefined();
    expect(
      parseStaffListParams({
        cursor: Buffer.from('{"s":"updated","k":"1; drop table x","id":"a","p":1}').toString("base64url"),
      }).cursor,
    ).toBeUndefined();

    expect(toStaffListSearchParams({ q: "a b", status: "authorized", permission: 1, sort: "updated" }).toString()).toBe(
      "q=a+b&status=authorized&perm=1",
    );
    expect(escapeLikePattern("100%_a\\b")).toBe("100\\%\\_a\\\\b");
  });

  it("filters by status, review status, kind, permission set, merchant (or none) and authorized day in China time", async () => {
    const [m1] = await database.db
      .insert(merchants)
      .values({ name: "上海一号商贸有限公司" })
      .returning({ id: merchants.id });
    const [m2] = await database.db
      .insert(merchants)
      .values({ name: "北京二号科技有限公司" })
      .returning({ id: merchants.id });
    const [a, b, c, d, e] = await insertAccounts(database, [
      {
        merchantId: m1!.id,
        status: "authorized",
        reviewStatus: "approved",
        kind: "official_account",
        funcIds: [1, 15],
      },
      { merchantId: m1!.id, status: "unauthorized", reviewStatus: "pending", kind: "mini_program", funcIds: [17, 18] },
      {
        merchantId: m2!.id,
        status: "needs_reauthorization",
        reviewStatus: "conflict",
        kind: "mini_program",
        funcIds: [18],
      },
      // 2026-03-01 23:59:59 and 2026-03-02 00:00:00 in Shanghai.
      { merchantId: null, reviewStatus: "needs_info", authorizedAt: new Date("2026-03-01T15:59:59Z"), funcIds: [] },
      { merchantId: null, reviewStatus: "rejected", authorizedAt: new Date("2026-03-01T16:00:00Z"), funcIds: [1] },
    ]);
    expect(await all(database, { status: "authorized" })).toEqual([a, d, e].sort());
    expect(await all(database, { status: "unauthorized" })).toEqual([b]);
    expect(await all(database, { status: "needs_reauthorization" })).toEqual([c]);
    expect(await all(database, { review: "pending" })).toEqual([b]);
    expect(await all(database, { review: "conflict" })).toEqual([c]);
    expect(await all(database, { kind: "mini_program" })).toEqual([b, c].sort());
    expect(await all(database, { perm: "18" })).toEqual([b, c].sort());
    expect(await all(database, { perm: "1" })).toEqual([a, e].sort());
    expect(await all(database, { perm: "99" })).toEqual([]);
    expect(await all(database, { merchant: m1!.id })).toEqual([a, b].sort());
    expect(await all(database, { merchant: "unassigned" })).toEqual([d, e].sort());
    expect(await all(database, { from: "2026-03-02" })).toEqual([e]);
    expect(await all(database, { to: "2026-03-01" })).toEqual([a, b, c, d].sort());
    expect(await all(database, { from: "2026-03-01", to: "2026-03-01" })).toEqual([a, b, c, d].sort());
    expect(await all(database, { kind: "mini_program", review: "conflict", merchant: m2!.id })).toEqual([c]);

    const page = await listStaffAuthorizations(database.db, parseStaffListParams({ merchant: m1!.id }));
    expect(page.rows.find((r) => r.appId === a)?.merchant).toEqual({ id: m1!.id, name: "上海一号商贸有限公司" });
    expect(
      (await listStaffAuthorizations(database.db, parseStaffListParams({ merchant: "unassigned" }))).rows.every(
        (r) => r.merchant === null,
      ),
    ).toBe(true);
  });

  it("searches name, appid, principal and original id, case-insensitively, with % _ and \\ taken literally", async () => {
    const [coffee, appIdHit, principalHit, ghHit, percent, notPercent, underscore, notUnderscore, backslash] =
      await insertAccounts(database, [
        { nickName: "星辰咖啡馆" },
        { appId: "wxabcdef0123456789", nickName: "普通账号" },
        { nickName: "别的名字", principalName: "杭州云杉咖啡有限公司" },
        { nickName: "第三个", userName: "gh_1234abcd5678" },
        { nickName: "100%纯棉" },
        { nickName: "1000纯棉" },
        { nickName: "a_b 书店" },
        { nickName: "axb 书店" },
        { nickName: "c\\d 花艺" },
      ]);
    expect(await all(database, { q: "咖啡" })).toEqual([coffee, principalHit].sort());
    expect(await all(database, { q: "咖啡馆" })).toEqual([coffee]);
    expect(await all(database, { q: "ABCDEF01" })).toEqual([appIdHit]);
    expect(await all(database, { q: "cdef0" })).toEqual([appIdHit]);
    expect(await all(database, { q: "GH_1234" })).toEqual([ghHit]);
    expect(await all(database, { q: "0%纯" })).toEqual([percent]);
    expect(await all(database, { q: "%" })).toEqual([percent]);
    expect(await all(database, { q: "a_b" })).toEqual([underscore]);
    expect(await all(database, { q: "c\\d" })).toEqual([backslash]);
    expect(await all(database, { q: "纯棉" })).toEqual([percent, notPercent].sort());
    expect(await all(database, { q: "x书" })).toEqual([]);
    expect(await all(database, { q: "axb" })).toEqual([notUnderscore]);
  });

  it("pages by keyset: every row exactly once and in order, across ties on updated_at (to the microsecond)", async () => {
    // 23 rows: groups sharing one updated_at, and two that differ only in the microseconds (one JS millisecond).
    const rows: Partial<AccountInsert>[] = [];
    for (let i = 0; i < 20; i++) rows.push({ updatedAt: new Date(Date.UTC(2026, 2, 1, 0, 0, Math.floor(i / 4))) });
    await insertAccounts(database, rows);
    const [micro1, micro2, micro3] = await insertAccounts(database, [{}, {}, {}]);
    await database.db.execute(
      sql`update authorizers set updated_at = '2026-03-05 00:00:00.123456+00' where app_id = ${micro1!}`,
    );
    await database.db.execute(
      sql`update authorizers set updated_at = '2026-03-05 00:00:00.123457+00' where app_id = ${micro2!}`,
    );
    await database.db.execute(
      sql`update authorizers set updated_at = '2026-03-05 00:00:00.123457+00' where app_id = ${micro3!}`,
    );

    const expected = rowsOf<{ app_id: string }>(
      await database.db.execute(sql`select app_id from authorizers order by updated_at desc, app_id desc`),
    ).map((r) => r.app_id);
    for (const pageSize of [1, 3, 4, 7, 50]) {
      const pages = await walk(database, parseStaffListParams({}), pageSize);
      expect(pages.flat().map((r) => r.appId)).toEqual(expected);
      expect(pages.slice(0, -1).every((p) => p.length === pageSize)).toBe(true);
    }
    expect(expected.slice(0, 3)).toEqual([micro3, micro2, micro1]);
  });

  it("pages the authorized-at sort with undated accounts last, and filters apply on every page", async () => {
    const dated: Partial<AccountInsert>[] = [];
    for (let i = 0; i < 12; i++)
      dated.push({
        authorizedAt: new Date(Date.UTC(2026, 0, 1 + Math.floor(i / 3))),
        kind: i % 2 ? "mini_program" : "official_account",
      });
    await insertAccounts(database, dated);
    await insertAccounts(database, [
      { authorizedAt: null, kind: "mini_program" },
      { authorizedAt: null, kind: "official_account" },
      { authorizedAt: null, kind: "mini_program" },
      { authorizedAt: null, kind: "mini_program" },
    ]);
    const expected = async (where: string) =>
      rowsOf<{ app_id: string }>(
        await database.db.execute(
          sql.raw(`select app_id from authorizers ${where} order by authorized_at desc nulls last, app_id desc`),
        ),
      ).map((r) => r.app_id);

    for (const pageSize of [1, 2, 5, 50]) {
      const pages = await walk(database, parseStaffListParams({ sort: "authorized" }), pageSize);
      expect(pages.flat().map((r) => r.appId)).toEqual(await expected(""));
      const filtered = await walk(
        database,
        parseStaffListParams({ sort: "authorized", kind: "mini_program" }),
        pageSize,
      );
      expect(filtered.flat().map((r) => r.appId)).toEqual(await expected("where kind = 'mini_program'"));
    }
    const lastPage = (await walk(database, parseStaffListParams({ sort: "authorized" }), 5)).at(-1)!;
    expect(lastPage.every((r) => r.authorizedAt === null)).toBe(true);
  });

  it("counts exactly up to the cap, then says there are more (a lower cap once anything is filtered)", async () => {
    await seedStaffDemoData(database.db, { authorizations: STAFF_LIST_COUNT_CAP + 20, merchants: 50, eventShare: 0 });
    expect(await countStaffAuthorizations(database.db, {})).toEqual({ count: STAFF_LIST_COUNT_CAP, capped: true });
    expect(await countStaffAuthorizations(database.db, parseStaffListParams({ sort: "authorized" }))).toEqual({
      count: STAFF_LIST_COUNT_CAP,
      capped: true,
    });
    expect(await countStaffAuthorizations(database.db, { q: "wx" })).toEqual({
      count: STAFF_LIST_FILTERED_COUNT_CAP,
      capped: true,
    });
    expect(await countStaffAuthorizations(database.db, { status: "authorized" })).toEqual({
      count: STAFF_LIST_FILTERED_COUNT_CAP,
      capped: true,
    });
    const exact = rowsOf<{ n: number }>(
      await database.db.execute(sql`select count(*)::int as n from authorizers where status = 'needs_reauthorization'`),
    )[0]!.n;
    expect(exact).toBeGreaterThan(0);
    expect(exact).toBeLessThan(STAFF_LIST_FILTERED_COUNT_CAP);
    expect(await countStaffAuthorizations(database.db, { status: "needs_reauthorization" })).toEqual({
      count: exact,
      capped: false,
    });
    expect(await countStaffAuthorizations(database.db, { q: "no such account" })).toEqual({ count: 0, capped: false });
  });

  it("derives token health, shows the newest event, and never returns a token", async () => {
    const future = new Date(Date.now() + 3_600_000);
    const past = new Date(Date.now() - 60_000);
    const [ok, failing, expired, noRefresh, revoked] = await insertAccounts(database, [
      { refreshTokenSealed: "SEALED-REFRESH-1", accessTokenSealed: "SEALED-ACCESS-1", accessTokenExpiresAt: future },
      {
        refreshTokenSealed: "SEALED-REFRESH-2",
        accessTokenSealed: "SEALED-ACCESS-2",
        accessTokenExpiresAt: future,
        refreshFailedAt: past,
      },
      { refreshTokenSealed: "SEALED-REFRESH-3", accessTokenSealed: "SEALED-ACCESS-3", accessTokenExpiresAt: past },
      { refreshTokenSealed: null, accessTokenSealed: "SEALED-ACCESS-4", accessTokenExpiresAt: future },
      { status: "unauthorized", refreshTokenSealed: "SEALED-REFRESH-5", accessTokenExpiresAt: future },
    ]);
    await database.db.insert(wechatEvents).values([
      {
        source: "component",
        infoType: "authorized",
        authorizerAppId: ok!,
        dedupeKey: "e1",
        createTime: 1,
        payload: {},
        receivedAt: new Date("2026-03-01T00:00:00Z"),
      },
      {
        source: "component",
        infoType: "updateauthorized",
        authorizerAppId: ok!,
        dedupeKey: "e2",
        createTime: 2,
        payload: {},
        receivedAt: new Date("2026-03-03T00:00:00Z"),
      },
      {
        source: "component",
        infoType: "authorized",
        authorizerAppId: ok!,
        dedupeKey: "e3",
        createTime: 3,
        payload: {},
        receivedAt: new Date("2026-03-02T00:00:00Z"),
      },
    ]);
    const page = await listStaffAuthorizations(database.db, parseStaffListParams({}));
    const health = Object.fromEntries(page.rows.map((r) => [r.appId, r.tokenHealth]));
    expect(health).toEqual({
      [ok!]: "ok",
      [failing!]: "failing",
      [expired!]: "expired",
      [noRefresh!]: "none",
      [revoked!]: "none",
    });
    const okRow = page.rows.find((r) => r.appId === ok)!;
    expect(okRow.lastEvent).toEqual({ infoType: "updateauthorized", receivedAt: new Date("2026-03-03T00:00:00Z") });
    expect(page.rows.find((r) => r.appId === failing)!.lastEvent).toBeNull();

    expect(JSON.stringify(page)).not.toContain("SEALED-");
    for (const row of page.rows) expect(Object.keys(row).sort()).toEqual(Object.keys(okRow).sort());
    expect(Object.keys(okRow).some((key) => /token(?!Health)/i.test(key))).toBe(false);
    // The SQL itself selects no token column, only whether one is there.
    const raw = rowsOf<Record<string, unknown>>(
      await database.db.execute(buildStaffListQuery(parseStaffListParams({}))),
    );
    expect(JSON.stringify(raw)).not.toContain("SEALED-");
    expect(Object.keys(raw[0]!).filter((k) => k.includes("token"))).toEqual(["token_health"]);
  });
});

// ---------------------------------------------------------------------------------------------

async function readAll(stream: ReadableStream<Uint8Array>): Promise<{ text: string; chunks: number }> {
  const reader = stream.getReader();
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  let text = "";
  let chunks = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { text: text + decoder.decode(), chunks };
    chunks++;
    text += decoder.decode(value, { stream: true });
  }
}

/** RFC 4180 parser (quoted fields with "" escapes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += ch;
  }
  if (field || row.length) throw new Error("CSV does not end with a line break");
  return rows;
}

describe("CSV export", () => {
  it("escapes fields and neutralises formulas", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("line1\nline2")).toBe('"line1\nline2"');
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField("+8613800000000")).toBe("'+8613800000000");
    expect(csvField("-1")).toBe("'-1");
    expect(csvField("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvField("\t=1")).toBe("'\t=1");
    expect(csvField(null)).toBe("");
    expect(exportFilename(new Date("2026-03-01T16:30:00Z"))).toBe("authorizations-20260302.csv");
  });

  it("streams BOM, header and every row across several internal pages, in the list's order, with the filters applied", async () => {
    const [merchant] = await database.db
      .insert(merchants)
      .values({ name: '深圳,引号"商户' })
      .returning({ id: merchants.id });
    const specs: Partial<AccountInsert>[] = [
      { nickName: "=cmd|' /C calc'!A0", principalName: "@主体", merchantId: merchant!.id, funcIds: [1, 15, 999] },
      { nickName: "带,逗号", principalName: '带"引号"', reviewStatus: "approved" },
      {
        nickName: "多\n行",
        principalName: "+86 主体",
        kind: "mini_program",
        status: "needs_reauthorization",
        reviewStatus: "conflict",
      },
      { nickName: "-负号开头", authorizedAt: new Date("2026-03-01T16:00:00Z") },
    ];
    for (let i = 0; i < 6; i++) specs.push({ nickName: `普通${i}`, status: i % 2 ? "unauthorized" : "authorized" });
    const ids = await insertAccounts(
      database,
      specs.map((s, i) => ({ ...s, updatedAt: new Date(Date.UTC(2026, 2, 10, 0, i)) })),
    );
    const done: number[] = [];
    const { text, chunks } = await readAll(
      createAuthorizationsCsvStream(database.db, parseStaffListParams({}), {
        pageSize: 3,
        onDone: (n) => done.push(n),
      }),
    );
    expect(text.startsWith("\uFEFFAppID,名称,类型,主体,商户,授权状态,审核状态,权限集,授权时间,最近变更\r\n")).toBe(
      true,
    );
    // Header + ceil(10 / 3) pages of rows.
    expect(chunks).toBe(1 + 4);
    expect(done).toEqual([10]);
    const [header, ...rows] = parseCsv(text.slice(1));
    expect(header).toHaveLength(10);
    expect(rows.map((r) => r[0])).toEqual([...ids].reverse());
    const byId = new Map(rows.map((r) => [r[0], r]));
    expect(byId.get(ids[0]!)).toEqual([
      ids[0],
      "'=cmd|' /C calc'!A0",
      "公众号",
      "'@主体",
      '深圳,引号"商户',
      "已授权",
      "待审核",
      "消息管理、菜单管理、未知权限集 #999",
      "2026-03-01 08:00:00",
      "2026-03-10 08:00:00",
    ]);
    expect(byId.get(ids[1]!)!.slice(1, 7)).toEqual(["带,逗号", "公众号", '带"引号"', "未分配", "已授权", "审核通过"]);
    expect(byId.get(ids[2]!)!.slice(1, 7)).toEqual([
      "多\n行",
      "小程序",
      "'+86 主体",
      "未分配",
      "需要重新授权",
      "归属冲突",
    ]);
    expect(byId.get(ids[3]!)![1]).toBe("'-负号开头");
    expect(byId.get(ids[3]!)![8]).toBe("2026-03-02 00:00:00");

    const filtered = parseCsv(
      (
        await readAll(
          createAuthorizationsCsvStream(database.db, parseStaffListParams({ status: "unauthorized" }), { pageSize: 2 }),
        )
      ).text.slice(1),
    );
    expect(filtered.slice(1).map((r) => r[5])).toEqual(["已取消授权", "已取消授权", "已取消授权"]);
  });

  it("records the export in the audit log before streaming, with the filters and the row count", async () => {
    const [staff] = await database.db
      .insert(users)
      .values({ email: "staff@example.com", passwordHash: "scrypt$unused", role: "staff" })
      .returning({ id: users.id });
    await insertAccounts(database, [{ kind: "mini_program" }, { kind: "mini_program" }, { kind: "official_account" }]);
    const params = parseStaffListParams({
      kind: "mini_program",
      q: "账号",
      cursor: encodeStaffListCursor({ sort: "updated", key: "0", appId: "wx", page: 9 }),
    });
    const result = await exportStaffAuthorizations(
      database.db,
      { userId: staff!.id, email: "staff@example.com" },
      params,
      new Date("2026-03-01T00:00:00Z"),
    );
    expect(result.filename).toBe("authorizations-20260301.csv");
    expect(result.rowCount).toBe(2);
    const [entry] = await database.db.select().from(auditLog);
    expect(entry).toMatchObject({
      actorUserId: staff!.id,
      actorEmail: "staff@example.com",
      action: "authorizations.export",
      targetType: "platform",
      targetId: "authorizations",
      after: { filters: { kind: "mini_program", q: "账号" }, sort: "updated", rowCount: 2 },
    });
    // The export starts at the first row whatever cursor the page had.
    expect(parseCsv((await readAll(result.stream)).text.slice(1))).toHaveLength(3);
  });
});

// Over HTTP only when a production build exists (scripts/test.sh builds first); the integrator's sweep covers more.
describeWithBuild("CSV export route over HTTP", () => {
  const app = withAppServer({
    env: { BACKGROUND_JOBS: "0" },
    // A merchant user.
    seed: async (database) => {
      await database.db.insert(users).values({
        email: "merchant-user@example.com",
        passwordHash: await hashPassword("merchant-password"),
        role: "merchant",
      });
    },
  });

  it("sends anonymous callers to sign in, refuses non-staff, and streams a CSV to staff", async () => {
    const anonymous = await fetch(`${app.url}/staff/authorizations/export?status=authorized`, { redirect: "manual" });
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("location")).toBe(
      `/login?callbackUrl=${encodeURIComponent("/staff/authorizations/export?status=authorized")}`,
    );

    const staffCookie = await signInOverHttp(app.url, "staff@demo.local", "demo-staff-password");
    const csv = await fetch(`${app.url}/staff/authorizations/export?status=authorized`, {
      headers: { cookie: staffCookie },
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("content-disposition")).toMatch(/^attachment; filename="authorizations-\d{8}\.csv"$/);
    expect(new Uint8Array(await csv.arrayBuffer()).slice(0, 3)).toEqual(new Uint8Array([0xef, 0xbb, 0xbf]));

    const page = await fetch(`${app.url}/staff/authorizations`, { headers: { cookie: staffCookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("没有符合条件的授权");

    const merchantCookie = await signInOverHttp(app.url, "merchant-user@example.com", "merchant-password");
    expect(
      (
        await fetch(`${app.url}/staff/authorizations/export`, {
          headers: { cookie: merchantCookie },
          redirect: "manual",
        })
      ).status,
    ).toBe(403);
  });
});
