import { expect, type Page, type TestInfo } from "@playwright/test";

/**
 * How long a step that checks or hashes a password may take: scrypt at OWASP's cost (lib/auth/password.ts) takes
 * about a second on two cores, several when the machine is busy, and a sign-up runs it twice (hash, then sign-in).
 */
export const PASSWORD_STEP_TIMEOUT = 30_000;

const CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** A valid unified social credit code (GB 32100 check character), different each run. */
export function creditCode(): string {
  const body = `91310000MA${Array.from({ length: 7 }, () => CREDIT_CODE_ALPHABET[Math.floor(Math.random() * 10)]).join("")}`;
  const sum = [...body].reduce((s, c, i) => s + CREDIT_CODE_ALPHABET.indexOf(c) * CREDIT_CODE_WEIGHTS[i]!, 0);
  return body + CREDIT_CODE_ALPHABET[(31 - (sum % 31)) % 31];
}

export function uniqueEmail(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}@example.com`;
}

/**
 * Signs up a new merchant. Each one comes from an address of its own (X-Forwarded-For, which `next start` keeps
 * when no proxy is in front): one e2e run signs up more merchants from this machine than sign-up's limit per
 * address allows (lib/rate-limit.ts).
 */
export async function signUp(page: Page, businessName: string, email = uniqueEmail("merchant")): Promise<string> {
  await page.setExtraHTTPHeaders({ "x-forwarded-for": `198.51.100.${1 + Math.floor(Math.random() * 254)}` });
  await page.goto("/signup");
  await page.getByLabel("企业名称").fill(businessName);
  await page.getByLabel("邮箱").fill(email);
  await page.getByLabel("密码").fill("correct horse battery");
  await page.getByRole("button", { name: "注册" }).click();
  await expect(page).toHaveURL(/\/accounts$/, { timeout: PASSWORD_STEP_TIMEOUT });
  await page.setExtraHTTPHeaders({});
  return email;
}

/** A full-page screenshot kept as a test artifact. */
export async function snap(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}-${testInfo.project.name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: "image/png" });
}

/** Fills and sends the sign-in form, asking to come back to `callbackUrl` (a password step: allow PASSWORD_STEP_TIMEOUT). */
export async function signIn(page: Page, email: string, password: string, callbackUrl = "/staff"): Promise<void> {
  await page.goto(`/login?callbackUrl=${encodeURIComponent(callbackUrl)}`);
  await page.getByLabel("邮箱").fill(email);
  await page.getByLabel("密码").fill(password);
  await page.getByRole("button", { name: "登录" }).click();
}

/** On WeChat's (sandbox) page: create a new account of `kind`, keep the preselected sets, confirm. */
export async function confirmNewAccount(page: Page, kind: "公众号" | "小程序", name: string): Promise<void> {
  await page.getByRole("radio", { name: `新建${kind}` }).check();
  await page.getByLabel("新账号名称").fill(name);
  await page.getByRole("button", { name: "确认授权" }).click();
}

/** Back from WeChat's page on the new account's page (`?authorized=1`): returns its appid. */
export async function expectAuthorizedAccount(page: Page): Promise<string> {
  await expect(page).toHaveURL(/\/accounts\/wx[0-9a-f]{16}\?authorized=1$/);
  return new URL(page.url()).pathname.split("/").pop()!;
}

/** From /accounts: 授权公众号 or 授权小程序, a new account `name` confirmed on WeChat's page; returns its appid. */
export async function authorizeNewAccount(page: Page, kind: "公众号" | "小程序", name: string): Promise<string> {
  await page.getByRole("button", { name: `授权${kind}` }).click();
  await confirmNewAccount(page, kind, name);
  return expectAuthorizedAccount(page);
}

/** A new merchant, signed up, with one account authorized from its accounts list; answers the account's AppID. */
export async function signUpWithAccount(
  page: Page,
  businessName: string,
  kind: "公众号" | "小程序",
  accountName: string,
): Promise<string> {
  await signUp(page, businessName);
  return authorizeNewAccount(page, kind, accountName);
}

/** The account page, reloaded until `check` passes (WeChat's events are applied asynchronously). */
export async function expectAfterReload(page: Page, check: () => Promise<void>): Promise<void> {
  await expect(async () => {
    await page.reload();
    await check();
  }).toPass({ timeout: 15_000 });
}
