import { mkdir } from "node:fs/promises";
import path from "node:path";
import { expect, test, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { confirmNewAccount, expectAuthorizedAccount, PASSWORD_STEP_TIMEOUT, signIn, signUp } from "./helpers";

// The release center in Chromium (docs/releases.md), WeChat played by the sandbox: three merchants authorize a mini
// program (permission set 18 among the preselected sets) and make it ready to submit (privacy contacts on their
// page; the filing and a category at WeChat through the sandbox's control plane); staff release a version to the
// three at once. WeChat approves two and rejects one (the sandbox's per-account rule, after a short audit delay):
// the two merchants see the version online, the third WeChat's reason; a new batch for it, now approved, goes live.
// With SCREENSHOTS=1 the batch page and the merchant's panel are saved at desktop and phone width to
// test-results/screenshots/.

const STAFF = { email: "staff@demo.local", password: "demo-staff-password" };
const SCREENSHOTS = process.env.SCREENSHOTS === "1";
const SCREENSHOT_DIR = path.resolve("test-results/screenshots");
const WIDTHS = [
  { name: "desktop", width: 1280, height: 800 },
  { name: "phone", width: 412, height: 915 },
] as const;
const REJECT_REASON = "1:小程序内容不符合规范:<br>(1):首页存在未完成的功能<br>";
/** Audits and pushes are fast in the sandbox, but the steps run on the app's background worker (a few seconds each). */
const BATCH_TIMEOUT = 90_000;

async function control(request: APIRequestContext, action: string, body: unknown): Promise<unknown> {
  const response = await request.post(`/sandbox/api/${action}`, { data: body });
  expect(response.ok(), `sandbox ${action}: ${response.status()}`).toBe(true);
  return response.json();
}

async function screenshot(page: Page, name: string): Promise<void> {
  if (!SCREENSHOTS) return;
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const before = page.viewportSize();
  const url = new URL(page.url());
  for (const lang of ["zh", "en"]) {
    await page.context().addCookies([{ name: "lang", value: lang, url: url.origin }]);
    if (lang !== "zh") await page.reload();
    for (const w of WIDTHS) {
      await page.setViewportSize({ width: w.width, height: w.height });
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${w.name}-${name}-${lang}.png`), fullPage: true });
    }
  }
  // Back in Chinese: the test goes on with the Chinese labels.
  await page.context().addCookies([{ name: "lang", value: "zh", url: url.origin }]);
  await page.reload();
  if (before) await page.setViewportSize(before);
}

/** A merchant signs up, authorizes a new mini program and makes it ready to submit; returns its page and appid. */
async function merchantWithMiniProgram(browser: Browser, request: APIRequestContext, business: string, name: string) {
  const page = await (await browser.newContext()).newPage();
  await signUp(page, business);
  await page.getByRole("button", { name: "授权小程序" }).click();
  await expect(page).toHaveURL(/\/sandbox\/cgi-bin\/componentloginpage\?/);
  await confirmNewAccount(page, "小程序", name);
  const appId = await expectAuthorizedAccount(page);
  await expect(page.getByTestId("permission-18")).toBeVisible();

  // WeChat's side: filed (ICP) and one approved category. The merchant's side: a privacy contact (the platform's
  // profile supplies the purposes and is sent with it).
  await control(request, "setup-state", { appId, icpStatus: 6, categories: [{ first: 304, second: 305 }] });
  await page.locator("#privacy-contactEmail").fill(`privacy@${appId}.example.com`);
  await page.getByTestId("privacy-contacts-save").click();
  await expect(page.getByTestId("privacy-contacts-status")).toContainText("已保存隐私联系信息");
  // Read again until the checklist has nothing blocking (the read after the grant runs in the background).
  await expect(async () => {
    await page.getByTestId("setup-refresh").click();
    await page.waitForLoadState("networkidle");
    await page.reload();
    await expect(page.getByTestId("setup-summary")).toContainText("可以提交审核", { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  return { page, appId };
}

/** Staff start a release batch for these mini programs (release at once on approval), and land on its page. */
async function startBatch(staff: Page, appIds: string[], version: string): Promise<void> {
  await staff.goto("/staff/releases/new");
  await staff.getByRole("radio", { name: "仅勾选的小程序" }).check();
  for (const appId of appIds) await staff.getByTestId(`target-${appId}`).check();
  await staff.locator('input[name="version"]').fill(version);
  await staff.locator('input[name="description"]').fill(`版本 ${version}`);
  await expect(staff.locator('input[name="onApproval"][value="release"]')).toBeChecked();
  await staff.getByTestId("create-batch").click();
  await expect(staff).toHaveURL(/\/staff\/releases\/\d+$/);
}

const target = (staff: Page, appId: string) => staff.locator(`[data-testid="release-target"][data-app-id="${appId}"]`);

test("staff release a version to three mini programs: two go live, WeChat's rejection is shown, a new batch fixes it", async ({
  browser,
  request,
}) => {
  test.setTimeout(360_000);
  // Fast audits: no privacy-check wait, an audit decided 1.5 s after submission, its result pushed to the portal.
  await control(request, "code-settings", {
    privacyCheckMs: 0,
    auditDelayMs: 1500,
    pushEvents: true,
    defaultRule: "approve",
    appRules: {},
    quotaRest: 100,
  });

  // Staff: the privacy purposes every mini program gets (the keys the sandbox's code uses), and the templates.
  const staff = await (await browser.newContext()).newPage();
  await signIn(staff, STAFF.email, STAFF.password, "/staff/setup");
  await expect(staff).toHaveURL(/\/staff\/setup$/, { timeout: PASSWORD_STEP_TIMEOUT });
  const profile = staff.getByTestId("profile-form");
  await profile.locator('input[name="noticeMethod"]').fill("弹窗");
  await profile
    .locator('textarea[name="privacy"]')
    .fill("UserInfo: 登录后展示头像昵称\nLocation: 推荐附近门店\nPhoneNumber: 联系配送");
  await staff.getByTestId("profile-save").click();
  await expect(staff.getByTestId("profile-status")).toContainText("设置方案已保存");
  await staff.goto("/staff/releases/templates");
  await staff.getByTestId("sync-templates").click();
  await expect(staff.getByTestId("template").first()).toBeVisible();

  const a = await merchantWithMiniProgram(browser, request, "松风茶舍", "松风茶舍点单");
  const b = await merchantWithMiniProgram(browser, request, "栖木烘焙", "栖木烘焙小店");
  const c = await merchantWithMiniProgram(browser, request, "白鹭花坊", "白鹭花坊商城");

  // WeChat will reject c's submission; a and b are approved by the default rule.
  await control(request, "code-settings", { appRules: { [c.appId]: { rule: "reject", reason: REJECT_REASON } } });
  await startBatch(staff, [a.appId, b.appId, c.appId], "2.1.0");
  for (const m of [a, b]) {
    await expect(target(staff, m.appId)).toHaveAttribute("data-status", "succeeded", { timeout: BATCH_TIMEOUT });
  }
  await expect(target(staff, c.appId)).toHaveAttribute("data-status", "failed", { timeout: BATCH_TIMEOUT });
  // WeChat's reason, its `<br>` separators shown as breaks, not as markup.
  const outcome = target(staff, c.appId).getByTestId("target-outcome");
  await expect(outcome).toContainText("1:小程序内容不符合规范: (1):首页存在未完成的功能");
  await expect(outcome).not.toContainText("<br>");
  await expect(target(staff, c.appId).getByTestId("retry-target")).toBeVisible();
  await screenshot(staff, "release-batch");

  // The merchants: 线上版本 2.1.0 for a and b; c sees WeChat's reason and no online version.
  for (const m of [a, b]) {
    await m.page.goto(`/accounts/${m.appId}`);
    const panel = m.page.getByTestId("release-panel");
    await expect(panel.getByTestId("online-version")).toContainText("2.1.0");
    await expect(panel.getByTestId("audit-status")).toHaveAttribute("data-status", "0");
  }
  await screenshot(a.page, "release-panel-online");
  await c.page.goto(`/accounts/${c.appId}`);
  const rejected = c.page.getByTestId("release-panel");
  await expect(rejected.getByTestId("audit-status")).toHaveAttribute("data-status", "1");
  await expect(rejected.getByTestId("audit-reason")).toContainText("(1):首页存在未完成的功能");
  await expect(rejected.getByTestId("audit-reason")).not.toContainText("<br>");
  await expect(rejected.getByTestId("online-version")).not.toContainText("2.1.0");
  await screenshot(c.page, "release-panel-rejected");

  // Fixed; WeChat now approves it. A new batch for c alone goes live.
  await control(request, "code-settings", { appRules: {} });
  await startBatch(staff, [c.appId], "2.1.1");
  await expect(target(staff, c.appId)).toHaveAttribute("data-status", "succeeded", { timeout: BATCH_TIMEOUT });
  await c.page.reload();
  await expect(c.page.getByTestId("online-version")).toContainText("2.1.1");
  await expect(c.page.getByTestId("audit-status")).toHaveAttribute("data-status", "0");
  await expect(c.page.getByTestId("audit-reason")).toHaveCount(0);
  // The other two kept their release.
  await a.page.reload();
  await expect(a.page.getByTestId("online-version")).toContainText("2.1.0");

  // Staff's code panel on c's account page: online 2.1.1, both audits with WeChat's reason, the 体验版 QR code served
  // by the portal; asking WeChat is audited; 回退 with nothing to go back to is refused with WeChat's reason.
  await staff.goto(`/staff/authorizations/${c.appId}`);
  const code = staff.getByTestId("staff-code-panel");
  await expect(code.getByTestId("staff-online-version")).toContainText("2.1.1");
  const history = code.getByTestId("staff-audit-row");
  await expect(history).toHaveCount(2);
  await expect(history.nth(0)).toContainText("2.1.1");
  await expect(history.nth(1)).toContainText("2.1.0");
  await expect(history.nth(1)).toContainText("(1):首页存在未完成的功能");
  const qr = code.getByRole("img", { name: "体验版二维码" });
  await expect.poll(() => qr.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  await code.getByTestId("code-action-refresh").click();
  await expect(code.getByRole("status").first()).toContainText("已完成");
  // The staff action is on the account's timeline, in words.
  await staff.reload();
  await expect(staff.getByTestId("timeline-entry").first()).toContainText("向微信查询审核状态");
  await code.getByTestId("code-action-revert").click();
  await expect(code.getByTestId("code-action-revert").locator("xpath=..").getByRole("status")).toContainText(
    "该版本不能回退",
  );
  await screenshot(staff, "staff-code-panel");

  for (const p of [staff, a.page, b.page, c.page]) await p.context().close();
});
