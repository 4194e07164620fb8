import { expect, test } from "@playwright/test";
import { snap } from "./helpers";

test("the home page shows the platform receiving tickets from the sandbox", async ({ page }, testInfo) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "微信授权接入门户" })).toBeVisible();
  // The sandbox pushes a component_verify_ticket as soon as the server is up; the page reads it from the database.
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("health-ticket")).toContainText("前");
  }).toPass({ timeout: 20_000 });
  await expect(page.getByText("沙箱模式")).toBeVisible();
  await snap(page, testInfo, "home");
});
