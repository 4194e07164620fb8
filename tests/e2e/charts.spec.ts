import { expect, test } from "@playwright/test";
import { signIn, snap } from "./helpers";

const STAFF = { email: "staff@demo.local", password: "demo-staff-password" };

// The staff overview's charts of the last 24 hours: the sandbox's ticket push is counted, the empty charts say so,
// and the page reads at desktop and phone width.
test("staff overview and operations show the 24-hour charts", async ({ page }, testInfo) => {
  await signIn(page, STAFF.email, STAFF.password);
  await expect(page).toHaveURL(/\/staff$/, { timeout: 30_000 });

  const charts = page.getByTestId("staff-charts");
  await expect(charts).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole("heading", { name: "最近 24 小时" })).toBeVisible();
  // The sandbox pushed its ticket at start: the pushes chart counts it, in the legend and in the SVG's text.
  const pushes = page.getByTestId("chart-pushes");
  await expect(pushes.getByRole("img")).toHaveAccessibleName(/验证票据 [1-9]/);
  await expect(pushes.locator("rect[fill='#059669']").first()).toBeAttached();
  await snap(page, testInfo, "staff-charts");

  await page.setViewportSize({ width: 412, height: 915 });
  await page.reload();
  await expect(charts).toBeVisible({ timeout: 30_000 });
  const box = await pushes.boundingBox();
  expect(box!.width).toBeLessThanOrEqual(412);
  await snap(page, testInfo, "staff-charts-phone");

  await page.goto("/staff/operations");
  await expect(page.getByTestId("staff-charts")).toBeVisible({ timeout: 30_000 });
});
