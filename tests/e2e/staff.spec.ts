import { expect, test, type Page, type Request } from "@playwright/test";
import { confirmNewAccount, PASSWORD_STEP_TIMEOUT, signUp, snap } from "./helpers";

// The staff console through the real UI: a merchant authorizes an account; staff find it, open it, approve it
// with a note; the merchant sees the decision. Merchants and anonymous visitors are refused everywhere in /staff,
// including a replayed staff action.

const STAFF = { email: "staff@demo.local", password: "demo-staff-password" };
const STAFF_PAGES = [
  "/staff",
  "/staff/authorizations",
  "/staff/authorizations/wx0123456789abcdef",
  "/staff/audit",
  "/staff/operations",
  "/staff/users",
  "/staff/authorizations/export",
];

async function signIn(page: Page, email: string, password: string, callbackUrl = "/staff") {
  await page.goto(`/login?callbackUrl=${encodeURIComponent(callbackUrl)}`);
  await page.getByLabel("邮箱").fill(email);
  await page.getByLabel("密码").fill(password);
  await page.getByRole("button", { name: "登录" }).click();
}

test("staff find an account, approve it with a note, and the merchant sees the decision", async ({ page, browser }, testInfo) => {
  // A merchant authorizes a 公众号.
  await signUp(page, "海盐烘焙");
  await page.getByRole("button", { name: "授权公众号" }).click();
  await confirmNewAccount(page, "公众号", "海盐烘焙坊");
  await expect(page).toHaveURL(/\/accounts\/wx[0-9a-f]{16}\?authorized=1$/);
  const appId = new URL(page.url()).pathname.split("/").pop()!;
  const merchantPage = page;

  const staffContext = await browser.newContext();
  const staff = await staffContext.newPage();
  await signIn(staff, STAFF.email, STAFF.password);
  await expect(staff).toHaveURL(/\/staff/, { timeout: PASSWORD_STEP_TIMEOUT });
  await snap(staff, testInfo, "staff-overview");

  // Filter and search the list.
  await staff.goto("/staff/authorizations?review=pending");
  await snap(staff, testInfo, "staff-list-pending");
  await staff.getByRole("searchbox").fill("海盐烘焙");
  await staff.keyboard.press("Enter");
  await expect(staff).toHaveURL(/q=/);
  const row = staff.getByRole("link", { name: /海盐烘焙坊/ }).first();
  await expect(row).toBeVisible();
  await staff.goto(`/staff/authorizations?q=${appId.slice(2, 12)}`);
  await expect(staff.getByRole("link", { name: /海盐烘焙坊/ }).first()).toBeVisible();
  await snap(staff, testInfo, "staff-list-search");

  // Open the detail page and approve with a note; capture the action request to replay it as a merchant.
  await staff.getByRole("link", { name: /海盐烘焙坊/ }).first().click();
  await expect(staff).toHaveURL(new RegExp(`/staff/authorizations/${appId}$`));
  await snap(staff, testInfo, "staff-detail");
  // The staff member's first click is intercepted (not delivered): the captured request, a decision that would
  // succeed, is replayed from the merchant's session instead.
  let actionRequest: Request | undefined;
  await staff.route(`**/staff/authorizations/${appId}`, async (route) => {
    if (route.request().method() === "POST" && route.request().headers()["next-action"]) {
      actionRequest = route.request();
      await route.abort();
    } else {
      await route.continue();
    }
  });
  await staff.getByLabel("审核备注").fill("资料齐全，同意接入");
  await staff.getByRole("button", { name: "通过" }).click();
  await expect.poll(() => actionRequest).toBeDefined();
  await staff.unroute(`**/staff/authorizations/${appId}`);

  const replay = await merchantPage.request.post(actionRequest!.url(), {
    headers: Object.fromEntries(Object.entries(actionRequest!.headers()).filter(([k]) => !["cookie", "content-length"].includes(k))),
    data: actionRequest!.postDataBuffer() ?? undefined,
    maxRedirects: 0,
  });
  expect(replay.status()).toBe(403);
  // Nothing happened: still pending, nothing in the audit log for the account.
  await staff.reload();
  await expect(staff.getByTestId("staff-review-badge")).toHaveAttribute("data-review", "pending");
  await staff.goto(`/staff/audit?target=${appId}`);
  await expect(staff.getByTestId("audit-empty")).toBeVisible();

  // Now the staff member decides for real.
  await staff.goto(`/staff/authorizations/${appId}`);
  await staff.getByLabel("审核备注").fill("资料齐全，同意接入");
  await staff.getByRole("button", { name: "通过" }).click();
  await expect(staff.getByTestId("review-success")).toBeVisible();
  await expect(staff.getByTestId("staff-review-badge")).toHaveAttribute("data-review", "approved");
  await expect(staff.getByTestId("last-review-note")).toContainText("资料齐全，同意接入");
  await snap(staff, testInfo, "staff-detail-approved");

  // The merchant sees the decision and the note.
  await merchantPage.goto(`/accounts/${appId}`);
  await expect(merchantPage.getByTestId("review-panel")).toContainText("已通过");
  await expect(merchantPage.getByTestId("review-panel")).toContainText("资料齐全，同意接入");
  await snap(merchantPage, testInfo, "merchant-review-approved");

  // The audit log has the decision once, with who and before → after.
  await staff.goto(`/staff/audit?target=${appId}`);
  const entries = staff.getByTestId("audit-entry");
  await expect(entries).toHaveCount(1);
  await expect(entries.first()).toHaveAttribute("data-action", "review.approve");
  await expect(entries.first()).toContainText(STAFF.email);
  await expect(entries.first()).toContainText("资料齐全，同意接入");
  await snap(staff, testInfo, "staff-audit");

  // A merchant is refused everywhere under /staff.
  for (const path of STAFF_PAGES) {
    const response = await merchantPage.goto(path);
    expect(response?.status(), path).toBe(403);
  }
  await snap(merchantPage, testInfo, "merchant-forbidden");
  await staffContext.close();
});

test("anonymous visitors are sent to sign in from every staff page", async ({ page }) => {
  for (const path of STAFF_PAGES) {
    await page.goto(path);
    await expect(page, path).toHaveURL(new RegExp(`/login\\?callbackUrl=${encodeURIComponent(path).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
  }
});
