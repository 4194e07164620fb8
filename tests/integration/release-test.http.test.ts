import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rowsOf } from "@/db";
import { authorizers, wechatEvents } from "@/db/schema";
import type { ReleaseTestReport } from "@/lib/sandbox/release-test";
import { RELEASE_TEST_GROUPS } from "@/lib/wechat/release-test";
import { openConfiguredDatabase } from "../support/database";
import { sandboxCalls, sandboxControl } from "../support/portal";
import { withAppServer } from "../support/with-app-server";

// WeChat's 全网发布 release test, end to end over HTTP: the sandbox plays the checker against the built portal
// (ticket → authorized push → text, API text with its asynchronous customer-service message, event), exactly as
// /sandbox/release-test runs it.
describe("release test (全网发布) over HTTP", () => {
  // No background jobs: the follow-ups must come from the message route itself, not from a poll.
  const app = withAppServer({ env: { BACKGROUND_JOBS: "0" } });

  it("passes every case for each of the five test groups", async () => {
    for (const { group } of RELEASE_TEST_GROUPS) {
      const report = await sandboxControl<ReleaseTestReport>(app, "release-test", { group });
      const failed = report.checks.filter((c) => !c.passed).map((c) => `${c.id}: ${c.detail}`);
      expect(failed, `group ${group}`).toEqual([]);
      expect(report.checks.map((c) => c.id)).toEqual([
        "ticket",
        "authorized_oa",
        "text",
        "api_text",
        "event",
        "authorized_mp",
        "mp_api_text",
      ]);
      expect(report.status).toBe("passed");
    }
    // One customer-service message per API case (OA and MP, five groups): none lost, none sent twice.
    expect((await sandboxCalls(app))["message/custom/send"]).toBe(10);
  }, 120_000);

  it("reports a failure when the customer-service message does not arrive in time", async () => {
    await sandboxControl(app, "fault", { endpoint: "message/custom/send", errcode: 45047, times: 2 });
    const before = (await sandboxCalls(app))["message/custom/send"]!;
    const report = await sandboxControl<ReleaseTestReport>(app, "release-test", {
      group: 1,
      customMessageDeadlineMs: 1500,
    });
    expect(report.status).toBe("failed");
    const apiCheck = report.checks.find((c) => c.id === "api_text")!;
    expect(apiCheck.passed).toBe(false);
    expect(apiCheck.detail).toMatch(/no customer-service message/);
    // The other cases are unaffected.
    expect(report.checks.filter((c) => c.id !== "api_text" && c.id !== "mp_api_text").every((c) => c.passed)).toBe(
      true,
    );
    // The failed sends were real calls (the checker saw the portal try).
    expect((await sandboxCalls(app))["message/custom/send"]!).toBeGreaterThan(before);
    await sandboxControl(app, "clear-faults");
  }, 60_000);

  it("shows the report page with every check", async () => {
    const html = await (await fetch(`${app.url}/sandbox/release-test`)).text();
    expect(html).toContain("全网发布检测");
    expect(html).toContain('data-testid="release-test-report"');
    expect(html).toMatch(/data-testid="release-check-api_text"/);
  });

  it("stored each message once, kept the test accounts' refresh tokens, and forwarded nothing", async () => {
    await app.stop();
    const database = await openConfiguredDatabase(app.database);
    try {
      const messages = await database.db
        .select({ infoType: wechatEvents.infoType, n: sql<number>`count(*)::int` })
        .from(wechatEvents)
        .where(eq(wechatEvents.source, "authorizer"))
        .groupBy(wechatEvents.infoType);
      // 6 runs: text + API text + event (OA) and API text (MP) each; every one stored once.
      expect(Object.fromEntries(messages.map((m) => [m.infoType, m.n]))).toEqual({ text: 18, "event:LOCATION": 6 });
      const testAccounts = await database.db.select().from(authorizers);
      expect(testAccounts).toHaveLength(10);
      expect(testAccounts.every((a) => a.refreshTokenSealed !== null && a.status === "authorized")).toBe(true);
      const [{ n }] = rowsOf<{ n: number }>(
        await database.db.execute(sql`select count(*)::int as n from webhook_deliveries`),
      ) as [{ n: number }];
      expect(n).toBe(0);
    } finally {
      await database.close();
    }
  });
});
