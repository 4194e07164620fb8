import { mkdir } from "node:fs/promises";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import {
  authorizeNewAccount,
  confirmNewAccount,
  creditCode,
  expectAuthorizedAccount,
  PASSWORD_STEP_TIMEOUT,
  signIn,
  signUp,
} from "./helpers";

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
  // About 30 pages, two password steps, two authorizations and a registration: a couple of minutes on an idle
  // machine, several on a busy one.
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
    // Back in Chinese: the walk goes on with the Chinese labels.
    await p.reload();
  }

  /** Audits the page as it is now (already loaded by the caller). */
  async function audit(p: Page, name: string): Promise<void> {
    await p.waitForLoadState("load");
    // After a client-side navigation (a server action's redirect) "load" has long fired and the new page's <title>
    // streams in with its metadata: audit the page once it has one (a page that never gets one still fails here).
    await expect(p).toHaveTitle(/\S/);
    const results = await new AxeBuilder({ page: p }).analyze();
    for (const v of results.violations) {
      if (!BLOCKING.has(v.impact ?? "")) continue;
      const finding = {
        page: name,
        rule: v.id,
        impact: v.impact!,
        // For contrast, each node's ratio and colours (axe's check data): what the report quotes.
        targets: v.nodes.slice(0, 5).map((n) => {
          const data = n.any[0]?.data as { contrastRatio?: number; fgColor?: string; bgColor?: string } | undefined;
          const contrast = data?.contrastRatio ? ` [${data.contrastRatio}:1 ${data.fgColor} on ${data.bgColor}]` : "";
          return `${n.target.join(" ")}${contrast}`;
        }),
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

  /** Visits and audits each `[url, name]` in turn. */
  async function visitAll(p: Page, pages: [url: string, name: string][]): Promise<void> {
    for (const [url, name] of pages) await visit(p, url, name);
  }

  // Anonymous visitors.
  await visitAll(page, [
    ["/", "home"],
    ["/login", "login"],
    ["/signup", "signup"],
    ["/invite/not-a-real-invitation", "invite-invalid"],
    ["/no-such-page", "not-found"],
  ]);

  // A merchant: the empty list, WeChat's authorization page (PC or mobile, chosen from the user agent, and the other
  // one at this width too), the new 公众号.
  await signUp(page, "无障碍测试");
  await audit(page, "accounts-empty");
  await page.getByRole("button", { name: "授权公众号" }).click();
  await expect(page).toHaveURL(/\/sandbox\/(cgi-bin\/componentloginpage|wxaopen\/safe\/bindcomponent)\?/);
  const authorization = new URL(page.url());
  const referer = new URL("/accounts", baseURL).href;
  const pcPath = "/sandbox/cgi-bin/componentloginpage";
  const mobilePath = "/sandbox/wxaopen/safe/bindcomponent";
  const chosenIsPc = authorization.pathname === pcPath;
  await audit(page, chosenIsPc ? "sandbox-authorization-pc" : "sandbox-authorization-mobile");
  // WeChat's page checks the Referer (the portal's domain), as a click from the portal sends it.
  await page.goto(`${chosenIsPc ? mobilePath : pcPath}${authorization.search}`, { referer });
  await expect(page.getByRole("button", { name: "确认授权" })).toBeVisible();
  await audit(page, chosenIsPc ? "sandbox-authorization-mobile" : "sandbox-authorization-pc");
  await page.goto(authorization.href, { referer });
  await confirmNewAccount(page, "公众号", "无障碍测试公众号");
  const officialAccount = await expectAuthorizedAccount(page);
  await audit(page, "account-detail");

  // A mini program: its page has the setup (domains, testers) and release panels.
  await page.goto("/accounts");
  const appId = await authorizeNewAccount(page, "小程序", "无障碍测试小程序");
  await expect(page.getByTestId("setup-panel")).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("release-panel")).toBeVisible();
  await audit(page, "account-detail-mini-program");
  await visit(page, "/accounts", "accounts-list");

  // Fast registration of a mini program: the form, the task page with its QR code, the legal representative's
  // confirmation page (WeChat's, in the sandbox), and the official account's reuse page.
  await visit(page, "/accounts/register", "register");
  await page.getByTestId("kind-enterprise").check();
  await page.getByLabel("企业名称").fill("上海无障碍测试有限公司");
  await page.getByLabel("统一社会信用代码").fill(creditCode());
  await page.getByLabel("联系电话").fill("021-55550000");
  await page.getByTestId("register-submit").click();
  await expect(page).toHaveURL(/\/accounts\/register\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("registration-qr")).toBeVisible();
  await audit(page, "registration-task");
  const confirmation = await page.getByTestId("registration-link").getAttribute("href");
  await page.goto(confirmation!);
  await expect(page.getByTestId("fastregister-name")).toHaveText("上海无障碍测试有限公司");
  await audit(page, "sandbox-fastregister-confirm");
  const reuse = new URLSearchParams({
    appid: officialAccount,
    component_appid: "wx0000000000000000",
    redirect_uri: new URL("/accounts/register", baseURL).href,
  });
  await page.goto(`/sandbox/cgi-bin/fastregisterauth?${reuse}`);
  await expect(page.getByRole("button", { name: /确认/ })).toBeVisible();
  await audit(page, "sandbox-fastregisterauth");

  await visitAll(page, [
    ["/authorize/result?reason=cancelled", "authorize-result"],
    ["/accounts/wx0000000000000000", "account-not-found"],
    ["/staff", "merchant-forbidden"],
  ]);

  // The sandbox's own pages.
  await visitAll(page, [
    ["/sandbox", "sandbox-console"],
    ["/sandbox/release-test", "sandbox-release-test"],
  ]);

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
  await signIn(staff, STAFF.email, STAFF.password);
  await expect(staff).toHaveURL(/\/staff$/, { timeout: PASSWORD_STEP_TIMEOUT });
  // The overview and operations pages stream their charts: audited once they are there.
  await expect(staff.getByTestId("staff-charts")).toBeVisible({ timeout: 30_000 });
  await audit(staff, "staff-overview");
  await visitAll(staff, [
    ["/staff/authorizations", "staff-authorizations"],
    [`/staff/authorizations/${appId}`, "staff-authorization-detail"],
  ]);
  await staff.goto("/staff/operations");
  await expect(staff.getByTestId("staff-charts")).toBeVisible({ timeout: 30_000 });
  await audit(staff, "staff-operations");
  await visitAll(staff, [
    ["/staff/users", "staff-users"],
    ["/staff/audit", "staff-audit"],
    ["/staff/registrations", "staff-registrations"],
    ["/staff/setup", "staff-setup"],
  ]);

  // Releases: the empty list, the templates (synced from WeChat's), a new batch and its page.
  await visit(staff, "/staff/releases", "staff-releases");
  await staff.goto("/staff/releases/templates");
  await staff.getByTestId("sync-templates").click();
  await expect(staff.getByTestId("template").first()).toBeVisible({ timeout: 30_000 });
  await audit(staff, "staff-release-templates");
  await visit(staff, "/staff/releases/new", "staff-release-new");
  await staff.getByTestId("create-batch").click();
  await expect(staff).toHaveURL(/\/staff\/releases\/[^/]+$/, { timeout: 30_000 });
  await audit(staff, "staff-release-batch");
  await staffContext.close();

  const expected = [
    ...["home", "login", "signup", "invite-invalid", "not-found", "accounts-empty"],
    ...(testInfo.project.name === "phone"
      ? ["sandbox-authorization-mobile", "sandbox-authorization-pc"]
      : ["sandbox-authorization-pc", "sandbox-authorization-mobile"]),
    ...["account-detail", "account-detail-mini-program", "accounts-list", "register", "registration-task"],
    ...["sandbox-fastregister-confirm", "sandbox-fastregisterauth", "authorize-result", "account-not-found"],
    ...["merchant-forbidden", "sandbox-console", "sandbox-release-test", "staff-overview", "staff-authorizations"],
    ...["staff-authorization-detail", "staff-operations", "staff-users", "staff-audit", "staff-registrations"],
    ...["staff-setup", "staff-releases", "staff-release-templates", "staff-release-new", "staff-release-batch"],
  ];
  expect.soft(audited, "every page the gate claims is audited").toEqual(expected);

  await testInfo.attach("a11y-findings.json", {
    body: JSON.stringify({ audited, findings }, null, 2),
    contentType: "application/json",
  });
  const summary = findings.map((f) => `${f.page}: ${f.rule} (${f.impact}) at ${f.targets.join(", ")}`);
  expect(summary, `audited ${audited.length} pages`).toEqual([]);
});
