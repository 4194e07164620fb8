"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { findMerchantAuthorizer } from "@/db/queries/authorizers";
import { requireMerchant } from "@/lib/auth/guards";
import { isMobileUserAgent, startAuthorization } from "@/lib/authorization/start";
import { isAppError } from "@/lib/errors";
import { message, type Message } from "@/lib/i18n/message";
import { wechatErrorMessage } from "@/lib/i18n/wechat-errors";
import { describeError, log } from "@/lib/log";
import { getPlatform } from "@/lib/platform";
import { RateLimitedError, retryAfterMinutes } from "@/lib/rate-limit";
import { appIdSchema } from "@/lib/wechat/app-id";
import { WechatApiError } from "@/lib/wechat/errors";

/** A refusal: what went wrong, and for a WeChat error what its errcode means (`detail`). */
export type StartAuthorizationState = { ok: false; message: Message; detail?: Message } | undefined;

const startSchema = z.object({
  authType: z.coerce.number().pipe(z.union([z.literal(1), z.literal(2), z.literal(3)])),
  device: z.enum(["auto", "pc", "mobile"]).default("auto"),
  bizAppId: appIdSchema.optional().or(z.literal("").transform(() => undefined)),
});

/**
 * 授权公众号 / 授权小程序: a fresh pre_auth_code, then the browser goes to WeChat's page from this page of
 * ours, so WeChat sees our domain in the Referer (docs/wechat-protocol.md §4.5).
 */
export async function startAuthorizationAction(
  _prev: StartAuthorizationState,
  formData: FormData,
): Promise<StartAuthorizationState> {
  const merchant = await requireMerchant();
  const input = startSchema.safeParse(Object.fromEntries(formData));
  if (!input.success) return { ok: false, message: message("authorize.errors.invalidRequest") };
  const platform = await getPlatform();
  // Re-authorizing a given account is only offered for the merchant's own accounts.
  if (
    input.data.bizAppId &&
    !(await findMerchantAuthorizer(platform.database.db, merchant.merchantId, input.data.bizAppId))
  ) {
    return { ok: false, message: message("authorize.errors.accountNotFound") };
  }
  const mobile =
    input.data.device === "auto"
      ? isMobileUserAgent((await headers()).get("user-agent"))
      : input.data.device === "mobile";

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
      return {
        ok: false,
        message: message("authorize.errors.rateLimited", { minutes: retryAfterMinutes(error.retryAfterSeconds) }),
      };
    }
    log.warn("could not start authorization", { error: describeError(error) });
    if (isAppError(error) && error.code === "waiting_for_ticket") {
      return { ok: false, message: message("authorize.errors.waitingForTicket") };
    }
    if (error instanceof WechatApiError) {
      return {
        ok: false,
        message: message("authorize.errors.wechat", { errcode: error.errcode }),
        detail: wechatErrorMessage(error.errcode),
      };
    }
    return { ok: false, message: message("authorize.errors.unreachable") };
  }
  redirect(url);
}
