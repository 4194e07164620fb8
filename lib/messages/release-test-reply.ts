import { applyAuthorizationCode } from "@/lib/authorization/grants";
import { authorizerEventHandlerFor } from "@/lib/events/handlers";
import { processPendingEvents, type PendingEvent } from "@/lib/events/pending";
import { log } from "@/lib/log";
import type { Platform } from "@/lib/platform";
import { parseAuthorizerMessage } from "@/lib/wechat/events";
import { isReleaseTestAccount, releaseTestCase } from "@/lib/wechat/release-test";

/**
 * Account messages stored as needing work after the answer: the release test's API case (`QUERY_AUTH_CODE:<code>`,
 * docs/wechat-protocol.md §7.2), which WeChat checks by waiting for a customer-service message, and the platform's
 * own events (audit results and the like), each applied by its area's handler (lib/events/handlers).
 */
export function processPendingAuthorizerMessages(platform: Platform, limit = 20): Promise<number> {
  return processPendingEvents<Record<string, unknown>>(
    platform.database.db,
    "authorizer",
    (event) => followUp(platform, event),
    limit,
  );
}

async function followUp(platform: Platform, event: PendingEvent<Record<string, unknown>>): Promise<void> {
  const message = parseAuthorizerMessage(event.payload);
  const appId = event.authorizerAppId ?? "";
  const testCase = isReleaseTestAccount(appId) ? releaseTestCase(message) : undefined;
  if (testCase === undefined && message.MsgType === "event") {
    await authorizerEventHandlerFor(message.Event)?.apply(platform, { appId, fields: event.payload });
    return;
  }
  if (testCase?.kind !== "api_text") return;

  // A token obtained from that code: exchanged here, or already by whoever brought the same code first (the
  // `authorized` push carries it too). Either way the code is exchanged once and its refresh token stored
  // (docs/wechat-protocol.md §3.4), and the token service hands out the access token that exchange produced.
  const grant = await applyAuthorizationCode(platform, {
    code: testCase.queryAuthCode,
    merchantId: null,
    version: message.CreateTime,
    source: "authorized",
  });
  await platform.authorizerTokens.withToken(grant.appId, (accessToken) =>
    platform.client.sendCustomTextMessage(accessToken, message.FromUserName, `${testCase.queryAuthCode}_from_api`),
  );
  log.info("release test: customer-service message sent", { appId: grant.appId });
}
