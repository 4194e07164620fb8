import { expect, test, type Request } from "@playwright/test";
import { PASSWORD_STEP_TIMEOUT, signIn, signUpWithAccount, snap, uniqueEmail } from "./helpers";

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
/** The pages only admins may open. */
const ADMIN_PAGES = ["/staff/users"];
/** A step that hashes or checks a password (scrypt), with room for a loaded machine. */
const PASSWORD_STEP_MS = 30_000;

test("staff find an account, approve it with a note, and the merchant sees the decision", async ({
  page,
  browser,
}, testInfo) => {
  // A merchant authorizes a 公众号.
  const appId = await signUpWithAccount(page, "海盐烘焙", "公众号", "海盐烘焙坊");
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
  await staff
    .getByRole("link", { name: /海盐烘焙坊/ })
    .first()
    .click();
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
    headers: Object.fromEntries(
      Object.entries(actionRequest!.headers()).filter(([k]) => !["cookie", "content-length"].includes(k)),
    ),
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
    await expect(page, path).toHaveURL(
      new RegExp(`/login\\?callbackUrl=${encodeURIComponent(path).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`),
    );
  }
});

test("a plain staff member is refused on every admin page and action; an admin disables them and enables them again", async ({
  browser,
}, testInfo) => {
  // Two browsers, four sign-ins and an invitation: more than the default minute on a loaded machine.
  test.setTimeout(180_000);
  const password = "a staff password";
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signIn(admin, STAFF.email, STAFF.password, "/staff/users");
  await expect(admin).toHaveURL(/\/staff\/users$/, { timeout: PASSWORD_STEP_MS });

  // The admin invites a plain staff member, who sets a password through the link.
  const email = uniqueEmail("plain-staff");
  const invite = async (address: string) => {
    await admin.getByLabel("邮箱").fill(address);
    await admin.getByTestId("invite-submit").click();
    await expect(admin.getByTestId("invite-created")).toContainText(address);
  };
  await invite(email);
  const link = await admin.getByTestId("invite-link").inputValue();
  // A second invitation stays pending, so that its revoke button is on the page.
  const pending = uniqueEmail("pending");
  await invite(pending);

  const staffContext = await browser.newContext();
  const staff = await staffContext.newPage();
  await staff.goto(link);
  await staff.getByLabel("密码", { exact: true }).fill(password);
  await staff.getByLabel("确认密码").fill(password);
  await staff.getByTestId("invite-accept-submit").click();
  // Setting the password and signing in are two scrypt runs: slow on a loaded machine.
  await expect(staff).toHaveURL(/\/staff$/, { timeout: PASSWORD_STEP_MS });
  await expect(staff.getByTestId("staff-identity")).toContainText(`${email} · 员工`);
  // No way to the admin pages, and each is refused.
  await expect(staff.getByRole("link", { name: "员工管理" })).toHaveCount(0);
  for (const path of ADMIN_PAGES) expect((await staff.goto(path))?.status(), path).toBe(403);
  await snap(staff, testInfo, "plain-staff-forbidden");

  // Every admin action, as the admin's browser sends it (each first click is intercepted, not delivered), replayed
  // from the staff member's session.
  await admin.reload();
  const userId = await admin.getByTestId(`staff-row-${email}`).getAttribute("data-user-id");
  const captured: Request[] = [];
  await admin.route("**/staff/users", async (route) => {
    if (route.request().method() === "POST" && route.request().headers()["next-action"]) {
      captured.push(route.request());
      await route.abort();
    } else {
      await route.continue();
    }
  });
  const clicks: Array<[string, () => Promise<void>]> = [
    ["make admin", () => admin.getByTestId(`role-change-${userId}`).click()],
    ["disable", () => admin.getByTestId(`disable-${userId}`).click()],
    [
      "revoke an invitation",
      () => admin.getByTestId(`invitation-row-${pending}`).getByTestId("invitation-revoke").click(),
    ],
    [
      "invite",
      async () => {
        await admin.getByLabel("邮箱").fill("forged-invite@example.com");
        await admin.getByTestId("invite-role-admin").check();
        await admin.getByTestId("invite-submit").click();
      },
    ],
  ];
  for (const [name, click] of clicks) {
    const before = captured.length;
    await click();
    await expect.poll(() => captured.length, name).toBe(before + 1);
    await admin.reload();
  }
  await admin.unroute("**/staff/users");
  expect(new Set(captured.map((r) => r.headers()["next-action"])).size).toBe(4);
  for (const [index, request] of captured.entries()) {
    const replay = await staff.request.post(request.url(), {
      headers: Object.fromEntries(
        Object.entries(request.headers()).filter(([k]) => !["cookie", "content-length"].includes(k)),
      ),
      data: request.postDataBuffer() ?? undefined,
      maxRedirects: 0,
    });
    expect(replay.status(), clicks[index]![0]).toBe(403);
  }
  // Nothing happened.
  const row = admin.getByTestId(`staff-row-${email}`);
  await expect(row.getByTestId("role-badge")).toHaveAttribute("data-role", "staff");
  await expect(row).toHaveAttribute("data-disabled", "false");
  await expect(admin.getByTestId(`invitation-row-${pending}`)).toBeVisible();
  await expect(admin.getByTestId("invitation-row-forged-invite@example.com")).toHaveCount(0);

  // The admin disables them: their open session ends at its next request, and they cannot sign in.
  await row.getByTestId(`disable-${userId}`).click();
  await expect(row.getByTestId("disable-result")).toHaveAttribute("data-ok", "true");
  await expect(row).toHaveAttribute("data-disabled", "true");
  await expect(row.getByTestId("disabled-badge")).toBeVisible();
  await snap(admin, testInfo, "staff-disabled");
  await staff.goto("/staff");
  await expect(staff).toHaveURL(/\/login\?callbackUrl=%2Fstaff$/);
  await signIn(staff, email, password);
  await expect(staff.getByText("此账号已被管理员停用")).toBeVisible({ timeout: PASSWORD_STEP_MS });

  // Enabled again: they sign in.
  await row.getByTestId(`enable-${userId}`).click();
  await expect(row).toHaveAttribute("data-disabled", "false");
  await signIn(staff, email, password);
  await expect(staff).toHaveURL(/\/staff$/, { timeout: PASSWORD_STEP_MS });
  await expect(staff.getByTestId("staff-identity")).toContainText(email);

  const audit = await admin.goto(`/staff/audit?target=${userId}`);
  expect(audit?.status()).toBe(200);
  await expect(admin.getByTestId("audit-entry").first()).toHaveAttribute("data-action", "user.enable");
  await expect(admin.getByTestId("audit-entry").nth(1)).toHaveAttribute("data-action", "user.disable");
  await staffContext.close();
  await adminContext.close();
});
