import { expect, test } from "@playwright/test";
import { E2E_INTERNAL_KEY } from "./global-setup";
import { expectAfterReload, signUpWithAccount, snap } from "./helpers";

// An account whose refresh token WeChat no longer accepts (61023, nothing to recover) is flagged, the merchant
// sees 需要重新授权 and authorizes it again from its page; the platform's backend gets tokens again.
test("refresh token lost at WeChat → 需要重新授权 → the merchant re-authorizes → tokens again", async ({
  page,
  request,
}, testInfo) => {
  const appId = await signUpWithAccount(page, "云杉健身", "公众号", "云杉健身房");

  const tokenUrl = `/api/internal/authorizers/${appId}/token`;
  const auth = { authorization: `Bearer ${E2E_INTERNAL_KEY}` };
  const first = await request.get(tokenUrl, { headers: auth });
  expect(first.status()).toBe(200);
  const { authorizer_access_token: token } = (await first.json()) as { authorizer_access_token: string };

  // In WeChat, the refresh token is replaced and the event never reaches us; the authorizer list shows none.
  await page.goto("/sandbox");
  await page.getByRole("button", { name: "使刷新令牌失效 云杉健身房" }).click();
  await expect(page.getByTestId(`break-${appId}-result`)).toBeVisible();

  // A backend service reports the token as refused: the renewal gets 61023 and the account is flagged.
  const refused = await request.get(tokenUrl, { headers: { ...auth, "x-stale-token": token } });
  expect(refused.status()).toBe(409);

  await page.goto(`/accounts/${appId}`);
  await expectAfterReload(page, async () => {
    await expect(page.getByTestId("banner-needs-reauthorization")).toBeVisible();
  });
  await expect(page.getByTestId("banner-needs-reauthorization")).toContainText("需要重新授权");
  await snap(page, testInfo, "account-needs-reauthorization");

  await page.getByTestId("banner-needs-reauthorization").getByRole("button", { name: "重新授权" }).click();
  // WeChat's page offers exactly this account (biz_appid).
  await expect(page).toHaveURL(/\/sandbox\/cgi-bin\/componentloginpage\?.*biz_appid=/);
  await expect(page.getByTestId(`account-option-${appId}`)).toBeVisible();
  await snap(page, testInfo, "wechat-reauthorization");
  await page.getByRole("button", { name: "确认授权" }).click();

  await expect(page).toHaveURL(new RegExp(`/accounts/${appId}\\?authorized=1$`));
  await expect(page.getByTestId("banner-needs-reauthorization")).toHaveCount(0);
  await snap(page, testInfo, "account-reauthorized");

  const again = await request.get(tokenUrl, { headers: auth });
  expect(again.status()).toBe(200);
  expect(((await again.json()) as { authorizer_access_token: string }).authorizer_access_token).not.toBe(token);
});
