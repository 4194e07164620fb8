"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { findMerchantAuthorizer } from "@/db/queries/authorizers";
import { requireMerchant } from "@/lib/auth/guards";
import { isMobileUserAgent, startAuthorization } from "@/lib/authorization/start";
import { isAppError } from "@/lib/errors";
import { describeError, log } from "@/lib/log";
import { getPlatform } from "@/lib/platform";
import { RateLimitedError, retryAfterText } from "@/lib/rate-limit";
import { appIdSchema } from "@/lib/wechat/app-id";
import { WechatApiError } from "@/lib/wechat/errors";

export type StartAuthorizationState = { ok: false; message: string } | undefined;

const startSchema = z.object({
  authType: z.coerce.number().pipe(z.union([z.literal(1), z.literal(2), z.literal(3)])),
  device: z.enum(["auto", "pc", "mobile"]).default("auto"),
  bizAppId: appIdSchema
    .optional()
    .or(z.literal("").transform(() => undefined)),
});

/**
 * 授权公众号 / 授权小程序: a fresh pre_auth_code, then the browser goes to WeChat's page from this page of
 * ours, so WeChat sees our domain in the Referer (docs/wechat-protocol.md §4.5).
 */
export async function startAuthorizationAction(_prev: StartAuthorizationState, formData: FormData): Promise<StartAuthorizationState> {
  const merchant = await requireMerchant();
  const input = startSchema.safeParse(Object.fromEntries(formData));
  if (!input.success) return { ok: false, message: "请求无效 · Invalid request" };
  const platform = await getPlatform();
  // Re-authorizing a given account is only offered for the merchant's own accounts.
  if (input.data.bizAppId && !(await findMerchantAuthorizer(platform.database.db, merchant.merchantId, input.data.bizAppId))) {
    return { ok: false, message: "找不到该账号 · Account not found" };
  }
  const mobile = input.data.device === "auto" ? isMobileUserAgent((await headers()).get("user-agent")) : input.data.device === "mobile";

  let url: string;
  try {
    url = await startAuthorization(platform, {
      merchantId: merchant.merchantId,
      userId: merchant.userId,
      authType: input.data.authType,
      bizAppId: input.data.bizAppId,
      mobile,
    });
  } catch (error) {
    if (error instanceof RateLimitedError) {
      const wait = retryAfterText(error.retryAfterSeconds);
      return { ok: false, message: `发起授权过于频繁，请 ${wait.zh}后再试 · Too many authorization attempts; try again in ${wait.en}` };
    }
    log.warn("could not start authorization", { error: describeError(error) });
    if (isAppError(error) && error.code === "waiting_for_ticket") {
      return { ok: false, message: "平台正在等待微信推送验证票据，请几分钟后再试 · The platform is waiting for WeChat's verify ticket; try again in a few minutes" };
    }
    if (error instanceof WechatApiError) {
      return { ok: false, message: `微信返回错误 ${error.errcode}：${error.meaning.zh} · WeChat error ${error.errcode}: ${error.meaning.en}` };
    }
    return { ok: false, message: "暂时无法连接微信，请稍后重试 · WeChat is unreachable right now; please try again" };
  }
  redirect(url);
}
