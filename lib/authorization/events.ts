import { eq } from "drizzle-orm";
import { authorizationSessions } from "@/db/schema";
import { runGrantHooks } from "@/lib/authorization/grant-hooks";
import { applyAuthorizationCode, applyRevocation, bindMerchant } from "@/lib/authorization/grants";
import { componentEventHandlerFor } from "@/lib/events/handlers";
import { processPendingEvents } from "@/lib/events/pending";
import { log } from "@/lib/log";
import type { Platform } from "@/lib/platform";
import type { ComponentEvent } from "@/lib/wechat/events";

/**
 * Applies stored authorization events (api_query_auth, profile): after the push is answered, and from every
 * instance's background loop (see processPendingEvents).
 */
export function processPendingComponentEvents(platform: Platform, limit = 20): Promise<number> {
  return processPendingEvents<ComponentEvent>(
    platform.database.db,
    "component",
    (event) => applyComponentEvent(platform, event.payload),
    limit,
  );
}

async function applyComponentEvent(platform: Platform, event: ComponentEvent): Promise<void> {
  switch (event.kind) {
    case "authorized":
    case "updateauthorized": {
      if (event.authorizationCodeExpiresAt * 1000 < Date.now()) {
        log.warn("authorization code in event already expired", { appId: event.authorizerAppId });
        return;
      }
      // The attempt this grant belongs to, found through the pre_auth_code in the authorization link (WeChat signs
      // the push, so this pairing of code and attempt is the authoritative one).
      const [session] = event.preAuthCode
        ? await platform.database.db
            .select({
              state: authorizationSessions.state,
              merchantId: authorizationSessions.merchantId,
              bizAppId: authorizationSessions.bizAppId,
            })
            .from(authorizationSessions)
            .where(eq(authorizationSessions.preAuthCode, event.preAuthCode))
        : [];
      const grant = await applyAuthorizationCode(platform, {
        code: event.authorizationCode,
        merchantId: session?.merchantId ?? null,
        version: event.createTime,
        source: event.kind,
        sessionState: session?.state ?? null,
        expectedAppId: session?.bizAppId,
        authoritative: true,
      });
      if (grant.exchanged) await runGrantHooks(platform, grant.appId);
      if (!session) return;
      if (session.bizAppId && session.bizAppId !== grant.appId) {
        log.warn("authorized account is not the one the attempt asked for: not attached", {
          appId: grant.appId,
          merchantId: session.merchantId,
        });
        return;
      }
      if (grant.sessionState !== session.state) {
        // Another attempt's callback brought this code before WeChat's push said whose it is (a leaked code raced
        // the owner). The code is now recorded as this attempt's; the push's merchant claims the account, and if the
        // other one holds it now, staff review the conflict.
        log.warn("authorization code was first brought by another attempt", {
          appId: grant.appId,
          merchantId: session.merchantId,
        });
      }
      await bindMerchant(platform.database.db, grant.appId, session.merchantId);
      return;
    }
    case "unauthorized":
      await applyRevocation(platform.database.db, { appId: event.authorizerAppId, version: event.createTime });
      return;
    case "unknown":
      // Fast registration results, verification and filing notices…: each area's handler (lib/events/handlers).
      await componentEventHandlerFor(event.infoType)?.apply(platform, {
        infoType: event.infoType,
        createTime: event.createTime,
        fields: event.fields,
      });
      return;
    default:
      return;
  }
}
