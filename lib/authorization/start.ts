import { randomBytes } from "node:crypto";
import { authorizationSessions } from "@/db/schema";
import type { Platform } from "@/lib/platform";
import { AUTHORIZATION_START_LIMIT, RateLimitedError, takeRateLimit } from "@/lib/rate-limit";
import { withSpan } from "@/lib/tracing/spans";

/** How long a merchant may stay on WeChat's page before the callback is refused. */
const SESSION_TTL_SECONDS = 30 * 60;

export type AuthType = 1 | 2 | 3;

export interface StartAuthorizationInput {
  merchantId: string;
  userId: string;
  authType: AuthType;
  /** Restrict to one account (re-authorization); WeChat lets it win over auth_type. */
  bizAppId?: string;
  categoryIds?: number[];
  /** The mobile page (inside WeChat) instead of the PC QR-code page. */
  mobile: boolean;
}

/**
 * Starts one authorization attempt: a fresh pre_auth_code (never shared between attempts or merchants), an
 * opaque single-use `state` bound to the merchant, and WeChat's authorization page URL with our callback.
 * Throws RateLimitedError past AUTHORIZATION_START_LIMIT for the merchant, before asking WeChat for anything.
 */
export async function startAuthorization(platform: Platform, input: StartAuthorizationInput): Promise<string> {
  // The merchant's "authorize" server action: one span (tracing on), its WeChat call nested inside.
  return withSpan("action start_authorization", { "authorization.auth_type": input.authType }, () =>
    start(platform, input),
  );
}

async function start(platform: Platform, input: StartAuthorizationInput): Promise<string> {
  // Security: each start spends a pre_auth_code from the platform's daily quota with WeChat; counted first.
  const allowed = await takeRateLimit(platform.database.db, AUTHORIZATION_START_LIMIT, input.merchantId);
  if (!allowed.ok) throw new RateLimitedError(allowed.retryAfterSeconds);
  const { preAuthCode, expiresIn } = await platform.client.createPreAuthCode();
  const state = randomBytes(32).toString("base64url");
  const ttl = Math.min(SESSION_TTL_SECONDS, expiresIn);
  await platform.database.db.insert(authorizationSessions).values({
    state,
    merchantId: input.merchantId,
    userId: input.userId,
    preAuthCode,
    authType: input.authType,
    bizAppId: input.bizAppId ?? null,
    expiresAt: new Date(Date.now() + ttl * 1000),
  });
  return buildAuthorizationPageUrl(platform.env, { preAuthCode, state, ...input });
}

export function buildAuthorizationPageUrl(
  env: Pick<Platform["env"], "appUrl" | "mpBase" | "openBase" | "component">,
  input: {
    preAuthCode: string;
    state: string;
    authType: AuthType;
    bizAppId?: string;
    categoryIds?: number[];
    mobile: boolean;
  },
): string {
  const redirectUri = `${env.appUrl}/api/wechat/authorize/callback?state=${encodeURIComponent(input.state)}`;
  const params = new URLSearchParams();
  if (input.mobile) {
    params.set("action", "bindcomponent");
    params.set("no_scan", "1");
  }
  params.set("component_appid", env.component.appId);
  params.set("pre_auth_code", input.preAuthCode);
  // URLSearchParams encodes redirect_uri as WeChat requires (one component, its own `?`/`=`/`&` escaped).
  params.set("redirect_uri", redirectUri);
  params.set("auth_type", String(input.authType));
  if (input.bizAppId) params.set("biz_appid", input.bizAppId);
  if (input.categoryIds?.length) params.set("category_id_list", input.categoryIds.join("|"));
  return input.mobile
    ? `${env.openBase}/wxaopen/safe/bindcomponent?${params}#wechat_redirect`
    : `${env.mpBase}/cgi-bin/componentloginpage?${params}`;
}

/** WeChat's own browser and common phones get the mobile page; anything else the PC QR-code page. */
export function isMobileUserAgent(userAgent: string | null): boolean {
  return !!userAgent && /MicroMessenger|Android|iPhone|iPad|iPod|Mobile|HarmonyOS/i.test(userAgent);
}
