import { expect, test } from "@playwright/test";
import {
  confirmNewAccount,
  expectAfterReload,
  expectAuthorizedAccount,
  PASSWORD_STEP_TIMEOUT,
  signUp,
  signUpWithAccount,
  snap,
} from "./helpers";

// A merchant's whole onboarding through the real UI, WeChat played by the sandbox (desktop: the PC page).
test("sign up → authorize a 公众号 on the PC page → see it; revoke and change the grant in WeChat", async ({
  page,
}, testInfo) => {
  await signUp(page, "晨光咖啡");
  // The shell names the merchant (read with the signed-in user).
  await expect(page.getByTestId("merchant-name")).toHaveText("晨光咖啡");
  await snap(page, testInfo, "accounts-empty");

  await page.getByRole("button", { name: "授权公众号" }).click();
  await expect(page).toHaveURL(/\/sandbox\/cgi-bin\/componentloginpage\?/);
  await expect(page.getByTestId("platform-name")).toBeVisible();
  await snap(page, testInfo, "wechat-authorization-pc");
  await confirmNewAccount(page, "公众号", "晨光咖啡馆");

  const appId = await expectAuthorizedAccount(page);
  await expect(page.getByRole("heading", { name: "晨光咖啡馆" })).toBeVisible();
  await expect(page.getByTestId("kind-badge")).toHaveText("公众号");
  const permissions = page.getByTestId("permission-list");
  for (const [id, zh, en] of [
    [1, "消息管理", "Message management"],
    [2, "用户管理", "User management"],
    [15, "菜单管理", "Custom menu"],
  ] as const) {
    await expect(permissions.getByTestId(`permission-${id}`)).toContainText(zh);
    await expect(permissions.getByTestId(`permission-${id}`)).toContainText(en);
  }
  await snap(page, testInfo, "account-authorized");

  await page.goto("/accounts");
  await expect(page.getByText("晨光咖啡馆")).toBeVisible();
  await snap(page, testInfo, "accounts-list");

  // The account's admin changes the grant in WeChat (sandbox console) → updateauthorized.
  await page.goto("/sandbox");
  const account = page.getByTestId(`sandbox-account-${appId}`);
  await account.getByRole("checkbox", { name: "用户管理", exact: true }).uncheck();
  await account.getByRole("checkbox", { name: "素材管理", exact: true }).check();
  await account.getByRole("button", { name: "修改授权 晨光咖啡馆" }).click();
  await expect(page.getByTestId(`grant-${appId}-result`)).toBeVisible();
  await page.goto(`/accounts/${appId}`);
  await expectAfterReload(page, async () => {
    await expect(page.getByTestId("permission-11")).toContainText("素材管理");
    await expect(page.getByTestId("permission-2")).toHaveCount(0);
  });
  await snap(page, testInfo, "account-grant-changed");

  // The admin revokes it in WeChat → unauthorized.
  await page.goto("/sandbox");
  await page.getByRole("button", { name: "取消授权 晨光咖啡馆" }).click();
  await expect(page.getByTestId(`revoke-${appId}-result`)).toBeVisible();
  await page.goto(`/accounts/${appId}`);
  await expectAfterReload(page, async () => {
    await expect(page.getByText("该账号已取消授权")).toBeVisible();
  });
  // The history, newest first: the revocation, then the change of grant.
  const history = page.getByTestId("grant-history").locator("li");
  await expect(history.nth(0)).toHaveAttribute("data-source", "unauthorized");
  await expect(history.nth(1)).toHaveAttribute("data-source", "updateauthorized");
  await snap(page, testInfo, "account-revoked");
});

test("cancelling on WeChat's page says so clearly and offers to try again", async ({ page }, testInfo) => {
  await signUp(page, "小满花艺");
  await page.getByRole("button", { name: "授权小程序" }).click();
  await expect(page).toHaveURL(/componentloginpage/);
  await page.getByRole("button", { name: "取消" }).click();
  await expect(page).toHaveURL(/\/authorize\/result\?reason=cancelled/);
  await expect(page.getByTestId("result-title")).toContainText("取消");
  await snap(page, testInfo, "authorization-cancelled");
  await page
    .getByRole("link", { name: /重新授权|返回/ })
    .first()
    .click();
  await expect(page).toHaveURL(/\/accounts/);
});

test("a merchant cannot see or act on another merchant's account", async ({ page, browser }, testInfo) => {
  const appId = await signUpWithAccount(page, "青禾书店", "公众号", "青禾书店公众号");

  const other = await browser.newPage();
  await signUp(other, "另一家公司");
  const response = await other.goto(`/accounts/${appId}`);
  expect(response?.status()).toBe(404);
  await snap(other, testInfo, "other-merchant-404");
  await other.goto("/accounts");
  await expect(other.getByText("青禾书店公众号")).toHaveCount(0);

  // Re-authorizing someone else's account through the action (a crafted form field) is refused.
  await other
    .locator("form")
    .filter({ has: other.getByRole("button", { name: "授权公众号" }) })
    .evaluate((form, id) => {
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = "bizAppId";
      input.value = id;
      form.appendChild(input);
    }, appId);
  await other.getByRole("button", { name: "授权公众号" }).click();
  await expect(other.getByText("找不到该账号")).toBeVisible();
  await expect(other).toHaveURL(/\/accounts$/);
  await other.close();
});

test("wrong password is refused clearly; anonymous visitors are sent to sign in", async ({ page }, testInfo) => {
  const email = await signUp(page, "知行教育");
  await page.getByRole("button", { name: /退出/ }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/accounts");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Faccounts/);
  await page.getByLabel("邮箱").fill(email);
  await page.getByLabel("密码").fill("wrong password!!");
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page.getByTestId("form-error")).toContainText("邮箱或密码不正确", { timeout: PASSWORD_STEP_TIMEOUT });
  await snap(page, testInfo, "login-error");
  await page.getByLabel("密码").fill("correct horse battery");
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page).toHaveURL(/\/accounts$/, { timeout: PASSWORD_STEP_TIMEOUT });
});
