import { createServer, type Server } from "node:http";
import { expect, test } from "@playwright/test";
import { SANDBOX_COMPONENT } from "@/lib/sandbox/credentials";
import { createMessageCrypto } from "@/lib/wechat/crypto";
import { sealPush } from "@/lib/wechat/push";
import { verifyWebhook } from "@/lib/webhooks/signature";
import { freePort } from "../support/app-server";
import { expectAfterReload, signUpWithAccount, snap } from "./helpers";

// A merchant turns on message forwarding, a user writes to their account, and the merchant's server gets it, signed,
// after one failed try; the account page shows the delivery. Then the developer's release test page, run in a browser.
test("merchant forwarding: set the webhook, receive a signed message after a retry, see the log", async ({
  page,
  request,
}, testInfo) => {
  const hits: { headers: Headers; body: string }[] = [];
  const port = await freePort();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      hits.push({
        headers: new Headers(Object.entries(req.headers).map(([k, v]) => [k, String(v)] as [string, string])),
        body: Buffer.concat(chunks).toString("utf8"),
      });
      res.writeHead(hits.length === 1 ? 503 : 204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  try {
    const appId = await signUpWithAccount(page, "海盐烘焙", "公众号", "海盐烘焙坊");
    await expect(page.getByTestId("delivery-log-empty")).toBeVisible();

    await page.goto("/accounts");
    const panel = page.getByTestId("forwarding-panel");
    await expect(panel.getByTestId("forwarding-state")).toHaveText("未开启");
    await panel.getByLabel("接收地址（Webhook URL）").fill("ftp://files.example.com/hook");
    await panel.getByRole("button", { name: "保存" }).click();
    await expect(panel.getByTestId("webhook-form-status")).toContainText("请输入有效的 http(s) 地址");
    // The refused address stays in the field, to correct.
    await expect(panel.getByLabel("接收地址（Webhook URL）")).toHaveValue("ftp://files.example.com/hook");
    await panel.getByLabel("接收地址（Webhook URL）").fill(`http://127.0.0.1:${port}/wechat`);
    await panel.getByRole("button", { name: "保存" }).click();
    await expect(panel.getByTestId("webhook-form-status")).toContainText("已保存");
    await expect(panel.getByTestId("forwarding-state")).toHaveText("已开启");
    await panel.getByText("显示密钥").click();
    const secret = (await panel.getByTestId("webhook-secret").textContent())!.trim();
    expect(secret).toMatch(/^whsec_/);
    await snap(page, testInfo, "forwarding-settings");

    // A user writes to the account: WeChat pushes to the account's message URL.
    const crypto = createMessageCrypto({ ...SANDBOX_COMPONENT });
    const sealed = sealPush(
      crypto,
      {
        ToUserName: `gh_${appId.slice(2, 14)}`,
        FromUserName: "oUserE2E0000000000000000001",
        CreateTime: Math.floor(Date.now() / 1000),
        MsgType: "text",
        Content: "请问周末营业吗？",
        MsgId: "9000000000000001",
      },
      { ToUserName: `gh_${appId.slice(2, 14)}` },
      { extraQuery: { openid: "oUserE2E0000000000000000001" } },
    );
    const answer = await request.post(`/api/wechat/authorizers/${appId}/events?${sealed.query}`, {
      data: sealed.body,
      headers: { "content-type": "text/xml" },
    });
    expect(await answer.text()).toBe("success");

    await expect.poll(() => hits.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    expect(hits[0]!.headers.get("webhook-id")).toBe(hits[1]!.headers.get("webhook-id"));
    expect(verifyWebhook(secret, hits[1]!.headers, hits[1]!.body)).toBe(true);
    expect(JSON.parse(hits[1]!.body)).toMatchObject({
      appId,
      type: "message",
      message: { Content: "请问周末营业吗？" },
    });

    await page.goto(`/accounts/${appId}`);
    await expectAfterReload(page, async () => {
      await expect(page.getByTestId("account-deliveries").locator('[data-status="delivered"]')).toHaveCount(1);
    });
    await expect(page.getByTestId("account-deliveries")).toContainText("第 2 次尝试");
    await snap(page, testInfo, "account-deliveries");
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto("/accounts");
    await expect(page.getByTestId("delivery-log").locator('[data-status="delivered"]')).toHaveCount(1);
    await snap(page, testInfo, "forwarding-phone");

    // Rotating the secret replaces it: the old one no longer verifies what is sent from now on.
    await page.getByRole("button", { name: "更换密钥" }).click();
    await expect(page.getByTestId("rotate-secret-status")).toContainText("已更换密钥");
    await page.getByText("显示密钥").click();
    await expect(page.getByTestId("webhook-secret")).not.toHaveText(secret);
    await expect(page.getByTestId("webhook-secret")).toHaveText(/^whsec_/);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test("release test page: run the 全网发布 check and read the report", async ({ page }, testInfo) => {
  await page.goto("/sandbox/release-test");
  await page.getByLabel("测试组").selectOption("3");
  await page.getByRole("button", { name: "开始检测" }).click();
  await expect(page).toHaveURL(/\/sandbox\/release-test\?run=\d+$/, { timeout: 30_000 });
  const report = page.getByTestId("release-test-report");
  await expect(report).toHaveAttribute("data-status", "passed");
  await expect(report.locator('[data-passed="true"]')).toHaveCount(7);
  await expect(page.getByTestId("release-check-api_text")).toContainText("customer-service message after");
  await snap(page, testInfo, "release-test-report");
});
