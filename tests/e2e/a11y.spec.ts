import { mkdir } from "node:fs/promises";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { confirmNewAccount, expectAuthorizedAccount, PASSWORD_STEP_TIMEOUT, signUp } from "./helpers";

// The accessibility gate: every page of the e2e suite, merchant, staff and sandbox, audited with axe-core at the
// project's width (desktop and phone run this spec): no serious or critical violation. One load and one audit per
// page. With SCREENSHOTS=1 the same walk also saves each page in Chinese and English to test-results/screenshots/
// (how before/after comparisons of the UI are made).

const STAFF = { email: "staff@demo.local", password: "demo-staff-password" };
const SCREENSHOTS = process.env.SCREENSHOTS === "1";
const SCREENSHOT_DIR = path.resolve("test-results/screenshots");
/** What the gate refuses; "moderate" and "minor" findings are reported by axe but do not fail it. */
const BLOCKING = new Set(["serious", "critical"]);

interface Finding {
  page: string;
  rule: string;
  impact: string;
  targets: string[];
}

test("every page has no serious or critical accessibility violation", async ({ page, browser, baseURL }, testInfo) => {
  // About 20 pages, two password steps: a minute on an idle machine, several on a busy one.
  test.setTimeout(420_000);
  const findings: Finding[] = [];
  const audited: string[] = [];
  if (SCREENSHOTS) await mkdir(SCREENSHOT_DIR, { recursive: true });

  async function screenshot(p: Page, name: string): Promise<void> {
    const file = (lang: string) => path.join(SCREENSHOT_DIR, `${testInfo.project.name}-${name}-${lang}.png`);
    await p.screenshot({ path: file("zh"), fullPage: true });
    await p.context().addCookies([{ name: "lang", value: "en", url: baseURL! }]);
    await p.reload();
    await p.screenshot({ path: file("en"), fullPage: true });
    await p.context().addCookies([{ name: "lang", value: "zh", url: baseURL! }]);
  }

  /** Audits the page as it is now (already loaded by the caller). */
  async function audit(p: Page, name: string): Promise<void> {
    await p.waitForLoadState("load");
    const results = await new AxeBuilder({ page: p }).analyze();
    for (const v of results.violations) {
      if (!BLOCKING.has(v.impact ?? "")) continue;
      const finding = {
        page: name,
        rule: v.id,
        impact: v.impact!,
        targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
      };
      findings.push(finding);
      console.log(
        `a11y ${testInfo.project.name} ${name}: ${finding.rule} (${finding.impact}) ${v.nodes.length}× ${finding.targets.join(" | ")}`,
      );
    }
    audited.push(name);
    if (SCREENSHOTS) await screenshot(p, name);
  }

  async function visit(p: Page, url: string, name: string): Promise<void> {
    await p.goto(url);
    await audit(p, name);
  }

  // Anonymous visitors.
  await visit(page, "/", "home");
  await visit(page, "/login", "login");
  await visit(page, "/signup", "signup");
  await visit(page, "/invite/not-a-real-invitation", "invite-invalid");
  await visit(page, "/no-such-page", "not-found");

  // A merchant: the empty list, WeChat's authorization page (PC or mobile, chosen from the user agent), the account.
  await signUp(page, "无障碍测试");
  await audit(page, "accounts-empty");
  await page.getByRole("button", { name: "授权公众号" }).click();
  await expect(page).toHaveURL(/\/sandbox\/(cgi-bin\/componentloginpage|wxaopen\/safe\/bindcomponent)\?/);
  await audit(page, testInfo.project.name === "phone" ? "sandbox-authorization-mobile" : "sandbox-authorization-pc");
  await confirmNewAccount(page, "公众号", "无障碍测试公众号");
  const appId = await expectAuthorizedAccount(page);
  await audit(page, "account-detail");
  await visit(page, "/accounts", "accounts-list");
  await visit(page, "/authorize/result?reason=cancelled", "authorize-result");
  await visit(page, "/accounts/wx0000000000000000", "account-not-found");
  await visit(page, "/staff", "merchant-forbidden");

  // The sandbox's own pages.
  await visit(page, "/sandbox", "sandbox-console");
  await visit(page, "/sandbox/release-test", "sandbox-release-test");

  // Staff.
  const { viewport, userAgent, deviceScaleFactor, isMobile, hasTouch, locale } = testInfo.project.use;
  const staffContext = await browser.newContext({
    viewport,
    userAgent,
    deviceScaleFactor,
    isMobile,
    hasTouch,
    locale,
    baseURL,
  });
  const staff = await staffContext.newPage();
  await staff.goto("/login?callbackUrl=%2Fstaff");
  await staff.getByLabel("邮箱").fill(STAFF.email);
  await staff.getByLabel("密码").fill(STAFF.password);
  await staff.getByRole("button", { name: "登录" }).click();
  await expect(staff).toHaveURL(/\/staff$/, { timeout: PASSWORD_STEP_TIMEOUT });
  await audit(staff, "staff-overview");
  await visit(staff, "/staff/authorizations", "staff-authorizations");
  await visit(staff, `/staff/authorizations/${appId}`, "staff-authorization-detail");
  await visit(staff, "/staff/operations", "staff-operations");
  await visit(staff, "/staff/users", "staff-users");
  await visit(staff, "/staff/audit", "staff-audit");
  await staffContext.close();

  await testInfo.attach("a11y-findings.json", {
    body: JSON.stringify({ audited, findings }, null, 2),
    contentType: "application/json",
  });
  const summary = findings.map((f) => `${f.page}: ${f.rule} (${f.impact}) at ${f.targets.join(", ")}`);
  expect(summary, `audited ${audited.length} pages`).toEqual([]);
});
