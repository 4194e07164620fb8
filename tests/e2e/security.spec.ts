import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import {
  confirmNewAccount,
  expectAuthorizedAccount,
  PASSWORD_STEP_TIMEOUT,
  signIn,
  signUp,
  uniqueEmail,
} from "./helpers";

// Every kind of page under the real Content-Security-Policy: any violation the browser reports fails the test,
// and every page arrives with the security headers.

const STAFF = { email: "staff@demo.local", password: "demo-staff-password" };

/** Collects CSP violations (the DOM event and Chromium's console message) and pages without the headers. */
async function watchSecurity(context: BrowserContext): Promise<string[]> {
  const problems: string[] = [];
  await context.exposeBinding("__reportCspViolation", (source, text: string) =>
    problems.push(`${source.page.url()}: ${text}`),
  );
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      (window as unknown as { __reportCspViolation(text: string): void }).__reportCspViolation(
        `${e.effectiveDirective} blocked ${e.blockedURI || "inline"}`,
      );
    });
  });
  const watch = (page: Page) => {
    page.on("console", (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(`${page.url()}: ${message.text()}`);
    });
    page.on("response", async (response) => {
      if (response.request().resourceType() !== "document" || response.status() !== 200) return;
      const headers = await response.allHeaders();
      if (!/(^|;\s*)frame-ancestors 'none'/.test(headers["content-security-policy"] ?? ""))
        problems.push(`${response.url()}: no CSP frame-ancestors 'none'`);
      if (headers["x-content-type-options"] !== "nosniff")
        problems.push(`${response.url()}: no X-Content-Type-Options nosniff`);
    });
  };
  context.pages().forEach(watch);
  context.on("page", watch);
  return problems;
}

async function signInTo(page: Page, email: string, password: string, callbackUrl: string) {
  await signIn(page, email, password, callbackUrl);
  await expect(page).toHaveURL(new RegExp(`${callbackUrl}$`), { timeout: PASSWORD_STEP_TIMEOUT });
}

test("every kind of page loads and works with no CSP violation", async ({ browser, baseURL }) => {
  test.setTimeout(180_000);
  const origin = new URL(baseURL!).origin;
  const context = await browser.newContext();
  const problems = await watchSecurity(context);
  const page = await context.newPage();

  // Anonymous pages, the 404 page, and a merchant's whole authorization through both WeChat pages.
  for (const path of ["/", "/login", "/signup", "/no-such-page"]) await page.goto(path);
  await signUp(page, "安全测试商家");
  await page.getByRole("button", { name: "授权公众号" }).click();
  await expect(page).toHaveURL(/\/sandbox\/cgi-bin\/componentloginpage\?/);
  // Loaded once more as a whole document (the click was a client-side transition); WeChat checks the Referer.
  await page.goto(page.url(), { referer: `${origin}/accounts` });
  await confirmNewAccount(page, "公众号", "安全测试公众号");
  const appId = await expectAuthorizedAccount(page);
  await page.reload();
  await page.goto("/accounts");
  await page.getByRole("radio", { name: "手机微信内" }).check();
  await page.getByRole("button", { name: "授权小程序" }).click();
  await expect(page).toHaveURL(/\/sandbox\/wxaopen\/safe\/bindcomponent\?/);
  await page.goto(page.url(), { referer: `${origin}/accounts` });
  await page.getByRole("button", { name: "取消" }).click();
  await expect(page).toHaveURL(/\/authorize\/result\?reason=cancelled/);
  await page.goto("/accounts");
  // Message forwarding: save a webhook URL, reveal the secret (the panel's forms and <details>).
  await page.getByLabel("接收地址（Webhook URL）").fill(`${origin}/hook`);
  await page.getByRole("button", { name: "保存" }).click();
  await expect(page.getByTestId("webhook-form-status")).toBeVisible();
  await page.getByText("显示密钥").click();
  await page.goto("/sandbox");
  // The release test page, run once (its form posts a server action and redirects to the report).
  await page.goto("/sandbox/release-test");
  await page.getByRole("button", { name: "开始检测" }).click();
  await expect(page.getByTestId("release-test-report")).toBeVisible({ timeout: 30_000 });
  // A merchant on a staff page: the 403 page.
  expect((await page.goto("/staff"))?.status()).toBe(403);

  // Staff pages, with a reconcile run so the operations page shows its progress bar.
  const staffContext = await browser.newContext();
  const staffProblems = await watchSecurity(staffContext);
  const staff = await staffContext.newPage();
  await signInTo(staff, STAFF.email, STAFF.password, "/staff/operations");
  await staff.getByTestId("start-reconcile").click();
  await expect(staff.getByTestId("reconcile-progress")).toBeVisible();
  await staff.reload();
  for (const path of [
    "/staff",
    "/staff/authorizations",
    `/staff/authorizations/${appId}`,
    "/staff/audit",
    "/staff/users",
  ]) {
    await staff.goto(path);
    await expect(staff.locator("main")).toBeVisible();
  }

  expect([...problems, ...staffProblems]).toEqual([]);
  await staffContext.close();
  await context.close();
});

// Until the page's scripts have loaded (a slow phone), or if they never do, the "start authorization" form is a
// plain POST answered with a 303 to WeChat's page, and Chromium applies form-action to that redirect. The test
// refuses every Next.js script so React never hydrates (streamed sections still appear: that inline script is
// React's, with the nonce), and the browser uses the portal as http://localhost while APP_URL (so the sandbox's
// "WeChat" page) is http://127.0.0.1: the redirect crosses origins, as in production.
// (It does not turn JavaScript off: then a section streamed after its loading skeleton would never be shown.)
test("before the scripts load, the authorize form's redirect to WeChat's page on another origin is allowed", async ({
  browser,
  baseURL,
}) => {
  const portal = new URL(baseURL!);
  portal.hostname = "localhost";
  const context = await browser.newContext({ baseURL: portal.origin });
  let refusedScripts = 0;
  await context.route(/\/_next\/static\/.*\.js(\?|$)/, (route) => {
    refusedScripts += 1;
    return route.abort();
  });
  const problems = await watchSecurity(context);
  const page = await context.newPage();
  await page.goto("/signup");
  await page.getByLabel("企业名称").fill("无脚本商家");
  await page.getByLabel("邮箱").fill(uniqueEmail("nojs"));
  await page.getByLabel("密码").fill("correct horse battery");
  await page.getByRole("button", { name: "注册" }).click();
  await expect(page).toHaveURL(`${portal.origin}/accounts`, { timeout: PASSWORD_STEP_TIMEOUT });
  await page.getByRole("button", { name: "授权公众号" }).click();
  await expect(page).toHaveURL(new RegExp(`^${new URL(baseURL!).origin}/sandbox/cgi-bin/componentloginpage\\?`));
  // The page itself refuses to go on (the Referer, localhost, is not APP_URL's domain): WeChat would too.
  await expect(page.getByText("referer_domain_mismatch")).toBeVisible();
  expect(refusedScripts).toBeGreaterThan(0);
  expect(problems).toEqual([]);
  await context.close();
});
