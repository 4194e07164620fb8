import { expect, test, type Page } from "@playwright/test";
import jsQR from "jsqr";
import { PNG } from "pngjs";
import { creditCode, signUp, snap } from "./helpers";

// Fast registration (docs/registration.md) in Chromium: a merchant registers an enterprise mini program, the QR code
// on the task page is decoded and opened as the legal representative would (the sandbox's confirmation page), and the
// new mini program appears on /accounts, authorized, with its permission sets. Then a refusal: a clear status and
// a way to start again.

/** The URL in the task page's QR code, read from a screenshot of it (what a phone camera would see). */
async function scanQr(page: Page): Promise<string> {
  const png = PNG.sync.read(await page.getByTestId("registration-qr").screenshot());
  const code = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  if (!code) throw new Error("QR code not readable");
  return code.data;
}

async function startEnterprise(page: Page, name: string): Promise<string> {
  await page.goto("/accounts/register");
  await page.getByTestId("kind-enterprise").check();
  await page.getByLabel("企业名称").fill(name);
  await page.getByLabel("统一社会信用代码").fill(creditCode());
  await page.getByLabel("联系电话").fill("021-55550000");
  await page.getByTestId("register-submit").click();
  await expect(page).toHaveURL(/\/accounts\/register\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("registration-qr")).toBeVisible();
  return scanQr(page);
}

test("a merchant registers an enterprise mini program; a refused one can be started again", async ({
  page,
  context,
}, testInfo) => {
  await signUp(page, "晨光餐饮");
  await page.getByTestId("register-link").click();
  await expect(page).toHaveURL(/\/accounts\/register$/);
  await expect(page.getByTestId("registrations-empty")).toBeVisible();

  // The check character is verified before anything is sent.
  await page.getByLabel("企业名称").fill("上海晨光餐饮管理有限公司");
  await page.getByLabel("统一社会信用代码").fill("91310000MA1K00000A");
  await page.getByLabel("联系电话").fill("021-55550000");
  await page.getByTestId("register-submit").click();
  await expect(page.getByTestId("code-error")).toContainText("校验位");
  await snap(page, testInfo, "registration-form");

  const url = await startEnterprise(page, "上海晨光餐饮管理有限公司");
  await expect(page.getByTestId("registration-link")).toHaveAttribute("href", url);
  await expect(page.getByTestId("registration-who")).toContainText("法定代表人");
  await expect(page.getByTestId("registration-time-left")).toContainText("23 小时");
  await expect(page.getByTestId("registration-status")).toHaveAttribute("data-status", "waiting");
  await snap(page, testInfo, "registration-task");
  await page.setViewportSize({ width: 412, height: 915 });
  await snap(page, testInfo, "registration-task-phone");

  // The legal representative scans the code: WeChat's confirmation page, on their phone.
  const phone = await context.newPage();
  await phone.setViewportSize({ width: 412, height: 915 });
  await phone.goto(url);
  await expect(phone.getByTestId("fastregister-name")).toHaveText("上海晨光餐饮管理有限公司");
  await snap(phone, testInfo, "sandbox-confirm-phone");
  await phone.getByRole("button", { name: /确认并完成人脸核验/ }).click();
  // The page answers once WeChat's pushes have been delivered to the portal (each may take seconds on a busy machine).
  await expect(phone.getByTestId("fastregister-result")).toHaveAttribute("data-result", "created", { timeout: 30_000 });

  // The task page follows by itself.
  await expect(page.getByTestId("registration-status")).toHaveAttribute("data-status", "succeeded", {
    timeout: 30_000,
  });
  await snap(page, testInfo, "registration-success-phone");
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.getByTestId("registration-open-account").click();
  await expect(page).toHaveURL(/\/accounts\/wx[0-9a-f]{16}$/);
  const appId = new URL(page.url()).pathname.split("/").pop()!;
  await expect(page.getByText("小程序开发与数据分析").first()).toBeVisible();
  await expect(page.getByText("小程序插件管理").first()).toBeVisible();
  await page.goto("/accounts");
  await expect(page.getByTestId(`account-card-${appId}`)).toBeVisible();
  await expect(page.getByTestId(`account-card-${appId}`)).toContainText("已授权");

  // A refusal: a clear status, and a way to start again.
  const refused = await startEnterprise(page, "杭州青禾文化传播有限公司");
  await phone.goto(refused);
  await phone.getByRole("button", { name: /拒绝/ }).click();
  await expect(phone.getByTestId("fastregister-result")).toHaveAttribute("data-result", "refused", { timeout: 30_000 });
  await expect(page.getByTestId("registration-status")).toHaveAttribute("data-status", "failed", { timeout: 30_000 });
  await expect(page.getByTestId("registration-detail")).toContainText("已被拒绝");
  await snap(page, testInfo, "registration-refused");
  await page.getByTestId("registration-start-again").click();
  await expect(page).toHaveURL(/\/accounts\/register$/);
  await expect(page.getByTestId("registration-list").locator("li")).toHaveCount(2);
  await snap(page, testInfo, "registration-list");
});
