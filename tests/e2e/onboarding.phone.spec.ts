import { expect, test } from "@playwright/test";
import { confirmNewAccount, expectAuthorizedAccount, signUp, snap } from "./helpers";

// On a phone the portal picks WeChat's mobile authorization page from the user agent.
test("on a phone: authorize a 小程序 through the mobile page and see it", async ({ page }, testInfo) => {
  await signUp(page, "云杉健身");
  await snap(page, testInfo, "accounts-empty");
  await page.getByRole("button", { name: "授权小程序" }).click();
  await expect(page).toHaveURL(/\/sandbox\/wxaopen\/safe\/bindcomponent\?action=bindcomponent&no_scan=1/);
  await snap(page, testInfo, "wechat-authorization-mobile");
  await confirmNewAccount(page, "小程序", "云杉约课");
  await expectAuthorizedAccount(page);
  await expect(page.getByRole("heading", { name: "云杉约课" })).toBeVisible();
  await expect(page.getByTestId("kind-badge")).toHaveText("小程序");
  await expect(page.getByTestId("permission-list").getByTestId("permission-18")).toContainText("小程序开发与数据分析");
  await snap(page, testInfo, "account-authorized");
});
