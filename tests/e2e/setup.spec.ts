import { mkdir } from "node:fs/promises";
import path from "node:path";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { expectAfterReload, PASSWORD_STEP_TIMEOUT, signIn, signUpWithAccount } from "./helpers";

// Mini program setup (docs/setup.md) in Chromium, WeChat played by the sandbox. Staff register the platform's
// domains, write the setup profile and apply it in batch to three mini programs; after WeChat's release the
// effective domains on each account's staff page are the profile's and the sandbox's. Then a merchant adds a
// tester, and the checklist on their account page follows what the sandbox reports (verification, filing,
// privacy). The tests run in order: the merchant's privacy guideline is the profile the first test saves.
// With SCREENSHOTS=1 the checklist and /staff/setup are saved at desktop and phone width to test-results/screenshots/.

test.describe.configure({ mode: "serial" });

const STAFF = { email: "staff@demo.local", password: "demo-staff-password" };
const SCREENSHOTS = process.env.SCREENSHOTS === "1";
const SCREENSHOT_DIR = path.resolve("test-results/screenshots");
const PHONE = { width: 412, height: 915 };

/** The profile staff write (hosts registered as the platform's first); the privacy keys the sandbox's code uses. */
const PROFILE = {
  requestdomain: ["https://api.setup-e2e.example.com", "https://img.setup-e2e.example.com"],
  wsrequestdomain: ["wss://ws.setup-e2e.example.com"],
  uploaddomain: ["https://api.setup-e2e.example.com"],
  downloaddomain: ["https://img.setup-e2e.example.com"],
  webviewdomain: ["https://h5.setup-e2e.example.com"],
};
const SERVER_HOSTS = ["api.setup-e2e.example.com", "img.setup-e2e.example.com", "ws.setup-e2e.example.com"];
const JUMP_HOSTS = ["setup-e2e.example.com"];
const PRIVACY = "UserInfo: 登录后展示头像昵称\nLocation: 推荐附近门店\nPhoneNumber: 联系配送";
/** The profile as `type domain` entries, the way the staff page lists them. */
const PROFILE_ENTRIES = Object.entries(PROFILE)
  .flatMap(([type, domains]) => domains.map((d) => `${type} ${d}`))
  .sort();

/** The sandbox's control plane (docs/sandbox.md), over HTTP as the console and the integration tests use it. */
async function sandbox<T = Record<string, unknown>>(
  request: APIRequestContext,
  action: string,
  data: object,
): Promise<T> {
  const response = await request.post(`/sandbox/api/${action}`, { data });
  expect(response.ok(), `sandbox ${action}: ${await response.text()}`).toBe(true);
  return (await response.json()) as T;
}

interface SandboxSetup {
  effective: Record<string, string[]>;
  direct: Record<string, string[]>;
  webview: { effective: string[]; direct: string[] };
  privacyDev: { owner_setting: Record<string, string> } | null;
}

/** What WeChat (the sandbox) holds as `type domain` entries: effective or set by 方式二. */
async function sandboxDomains(request: APIRequestContext, appId: string, which: "effective" | "direct") {
  const state = await sandbox<SandboxSetup>(request, "setup-read", { appId });
  return [
    ...Object.entries(state[which]).flatMap(([type, domains]) => domains.map((d) => `${type} ${d}`)),
    ...state.webview[which].map((d) => `webviewdomain ${d}`),
  ].sort();
}

/** The `type domain` entries of one group of the staff page's intended-vs-effective list. */
async function listed(page: Page, testId: string): Promise<string[]> {
  const texts = await page.getByTestId(testId).locator("li").allTextContents();
  return texts.map((t) => t.trim().replace(/\s+/g, " ")).sort();
}

/** The page at desktop and phone width, full length, when SCREENSHOTS=1. */
async function screenshots(page: Page, name: string): Promise<void> {
  if (!SCREENSHOTS) return;
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const desktop = page.viewportSize()!;
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `setup-${name}-desktop.png`), fullPage: true });
  await page.setViewportSize(PHONE);
  // No part of the page may be wider than the phone's screen.
  expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} at phone width`).toBeLessThanOrEqual(
    PHONE.width,
  );
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `setup-${name}-phone.png`), fullPage: true });
  await page.setViewportSize(desktop);
}

async function staffSignIn(page: Page, callbackUrl: string) {
  await signIn(page, STAFF.email, STAFF.password, callbackUrl);
  await expect(page).toHaveURL(new RegExp(`${callbackUrl}$`), { timeout: PASSWORD_STEP_TIMEOUT });
}

test("staff apply the setup profile in batch to three mini programs; the effective domains are the profile's", async ({
  page,
  request,
}) => {
  // Three mini programs granted in WeChat (set 18 included); each grant reads the account's state.
  const appIds: string[] = [];
  for (const name of ["设置甲", "设置乙", "设置丙"]) {
    const granted = await sandbox<{ appId: string; delivered: boolean }>(request, "authorize", {
      kind: "mini_program",
      funcIds: [17, 18, 19, 30, 31],
      nickName: `${name}小程序`,
    });
    expect(granted.delivered).toBe(true);
    appIds.push(granted.appId);
  }

  await staffSignIn(page, "/staff/setup");
  // The platform's domains, registered with WeChat first (the profile may use only those).
  const platformForm = page.getByTestId("platform-domains-form");
  for (const [registry, hosts] of [
    ["server", SERVER_HOSTS],
    ["jump", JUMP_HOSTS],
  ] as const) {
    await platformForm.getByLabel("类型").selectOption(registry);
    await platformForm.getByLabel("操作").selectOption("add");
    await platformForm.getByLabel(/^域名/).fill(hosts.join("\n"));
    await platformForm.getByTestId("platform-domains-submit").click();
    await expect(page.getByTestId("platform-domains-status")).toHaveAttribute("role", "status");
    await expect(page.getByTestId(`platform-${registry}`)).toContainText(hosts[0]!);
    await expect(platformForm.getByLabel(/^域名/)).toHaveValue(""); // sent: the field is ready for the next ones
  }

  // Wait until each grant's own read has run (its checklist exists: not ready for audit), so that the profile
  // reaches the accounts through the staff's batch, not through the grants.
  const candidate = (appId: string) => page.getByTestId("batch-apply-form").locator("li").filter({ hasText: appId });
  await expectAfterReload(page, async () => {
    for (const appId of appIds) await expect(candidate(appId)).toContainText("未准备好提审");
  });

  const profileForm = page.getByTestId("profile-form");
  // A domain the platform has not registered is refused, and what was typed stays to correct.
  const unregistered = "https://unregistered.setup-e2e.example.com";
  await profileForm.locator('textarea[name="requestdomain"]').fill(unregistered);
  await profileForm.getByTestId("profile-save").click();
  await expect(page.getByTestId("profile-status")).toHaveAttribute("role", "alert");
  await expect(page.getByTestId("profile-status")).toContainText(
    "unregistered.setup-e2e.example.com 未在平台域名中登记",
  );
  await expect(profileForm.locator('textarea[name="requestdomain"]')).toHaveValue(unregistered);
  for (const [type, domains] of Object.entries(PROFILE)) {
    await profileForm.locator(`textarea[name="${type}"]`).fill(domains.join("\n"));
  }
  await profileForm.getByLabel("告知方式").fill("弹窗");
  await profileForm.getByLabel(/^存储期限/).fill("30天");
  await profileForm.getByLabel(/^隐私项与用途/).fill(PRIVACY);
  await profileForm.getByTestId("profile-save").click();
  await expect(page.getByTestId("profile-status")).toHaveAttribute("role", "status");
  await expect(page.getByTestId("platform-server")).not.toContainText("未登记");

  // Apply in batch to exactly the three (other specs' mini programs are listed too, and preselected).
  const boxes = page.getByTestId("batch-apply-form").locator('input[name="appId"]');
  for (const box of await boxes.all()) {
    const value = await box.getAttribute("value");
    if (await box.isEnabled()) await box.setChecked(appIds.includes(value!));
  }
  await page.getByTestId("batch-apply-submit").click();
  await expect(page.getByTestId("batch-apply-status")).toHaveAttribute("role", "status");
  await expect(page.getByTestId("batch-apply-status")).toContainText("3");

  // The batch worker applies and reads back each account.
  const targets = page.getByTestId("latest-batch").getByTestId("batch-target");
  await expect(async () => {
    await page.reload();
    await expect(targets).toHaveCount(3);
    for (const target of await targets.all()) await expect(target).toHaveAttribute("data-status", "succeeded");
  }).toPass({ timeout: 60_000 });
  expect((await targets.locator("a").allTextContents()).sort()).toEqual([...appIds].sort());
  for (const appId of appIds) await expect(candidate(appId)).toContainText("已应用过");
  await screenshots(page, "staff-setup");

  for (const appId of appIds) {
    // Set by 方式二: WeChat holds the profile, effective after the next release.
    expect(await sandboxDomains(request, appId, "direct")).toEqual(PROFILE_ENTRIES);
    await page.goto(`/staff/authorizations/${appId}`);
    const setup = page.getByTestId("staff-setup");
    expect(await listed(page, "domains-awaiting")).toEqual(PROFILE_ENTRIES);
    await expect(setup.getByTestId("setup-item-domains")).toHaveAttribute("data-state", "pending");

    // WeChat releases the code: the domains take effect; the staff member applies again, which reads them back.
    await sandbox(request, "setup-release", { appId });
    await setup.getByTestId("apply-account").click();
    await expect(page.getByTestId("apply-account-status")).toHaveAttribute("role", "status");
    await expect(setup.getByTestId("setup-item-domains")).toHaveAttribute("data-state", "done");
    expect(await listed(page, "domains-effective")).toEqual(PROFILE_ENTRIES);
    await expect(page.getByTestId("domains-awaiting")).toHaveCount(0);
    await expect(page.getByTestId("domains-missing")).toHaveCount(0);
    await expect(page.getByTestId("domains-extra")).toHaveCount(0);
    expect(await sandboxDomains(request, appId, "effective")).toEqual(PROFILE_ENTRIES);
  }
});

test("a merchant adds a tester; the checklist follows what WeChat reports on verification, filing and privacy", async ({
  page,
  request,
}) => {
  const appId = await signUpWithAccount(page, "青柚茶饮", "小程序", "青柚点单");
  await page.goto(`/accounts/${appId}`);

  // A tester, by WeChat ID.
  const testers = page.getByTestId("testers-panel");
  await expect(testers.getByTestId("testers-empty")).toBeVisible();
  await testers.getByLabel("体验者微信号").fill("qingyou_tester");
  await testers.getByTestId("bind-tester").click();
  await expect(testers.getByTestId("bind-tester-status")).toContainText("已添加体验者 qingyou_tester");
  await expect(testers.getByLabel("体验者微信号")).toHaveValue("");
  await expect(testers.getByTestId("tester")).toHaveCount(1);
  await expect(testers.getByTestId("tester")).toContainText("qingyou_tester");
  await page.reload();
  await expect(testers.getByTestId("tester")).toContainText("qingyou_tester");

  // A new account: not verified, not filed, no privacy contacts.
  const item = (id: string) => page.getByTestId(`setup-item-${id}`);
  for (const id of ["verification", "filing", "privacy"]) await expect(item(id)).toHaveAttribute("data-state", "open");
  await expect(page.getByTestId("setup-summary")).toContainText("会阻止提交审核");
  await screenshots(page, "checklist-open");

  /** WeChat pushes a setup event about the account, and the portal takes it. */
  const expectDelivered = async (event: Record<string, unknown>) =>
    expect((await sandbox<{ delivered: boolean }>(request, "setup-event", { ...event, appId })).delivered).toBe(true);
  // WeChat verifies the account (notify_3rd_wxa_wxverify), then the filing is approved (beian_status 6).
  await expectDelivered({ event: "notify_3rd_wxa_wxverify", expiresInDays: 365 });
  await expectAfterReload(page, () => expect(item("verification")).toHaveAttribute("data-state", "done"));
  await expectDelivered({ event: "notify_apply_icpfiling_result", beianStatus: 6 });
  await expectAfterReload(page, () => expect(item("filing")).toHaveAttribute("data-state", "done"));

  // Privacy: the uploaded code uses a key the profile has no purpose for; the merchant's contacts send the
  // guideline, WeChat reports the key missing. The code stops using it: a fresh read marks the item done.
  await sandbox(request, "setup-state", { appId, privacyList: ["UserInfo", "Location", "PhoneNumber", "Album"] });
  await page.getByTestId("privacy-contacts-form").getByLabel("邮箱").fill("privacy@qingyou.example.com");
  await page.getByTestId("privacy-contacts-save").click();
  await expect(page.getByTestId("privacy-contacts-status")).toContainText("已保存隐私联系信息");
  await expect(item("privacy")).toHaveAttribute("data-state", "open");
  await expect(item("privacy")).toContainText("Album");
  const held = await sandbox<SandboxSetup>(request, "setup-read", { appId });
  expect(held.privacyDev?.owner_setting.contact_email).toBe("privacy@qingyou.example.com");

  await sandbox(request, "setup-state", { appId, privacyList: ["UserInfo", "Location", "PhoneNumber"] });
  await page.getByTestId("setup-refresh").click();
  await expect(page.getByTestId("setup-refresh-status")).toHaveAttribute("role", "status");
  await expect(item("privacy")).toHaveAttribute("data-state", "done");
  for (const id of ["verification", "filing", "privacy"]) await expect(item(id)).toHaveAttribute("data-state", "done");
  await screenshots(page, "checklist-done");
});
