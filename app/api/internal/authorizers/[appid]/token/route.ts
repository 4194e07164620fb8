// GET /api/internal/authorizers/[appid]/token: an account's current authorizer_access_token, for the
// platform's own backend services (Authorization: Bearer <key from INTERNAL_API_KEYS>)
import { connection, type NextRequest } from "next/server";
import { AppError } from "@/lib/errors";
import { createServiceKeyVerifier } from "@/lib/internal-api";
import { describeError, log } from "@/lib/log";
import { getPlatform } from "@/lib/platform";
import { APP_ID_PATTERN } from "@/lib/wechat/app-id";

const headers = { "cache-control": "no-store" };

let verifier: { keys: readonly string[]; verify: ReturnType<typeof createServiceKeyVerifier> } | undefined;

export async function GET(request: NextRequest, { params }: { params: Promise<{ appid: string }> }) {
  await connection();
  const started = Date.now();
  const { appid } = await params;
  const platform = await getPlatform();
  const keys = platform.env.internalApiKeys;
  if (verifier?.keys !== keys) verifier = { keys, verify: createServiceKeyVerifier(keys) };

  const caller = verifier.verify(request.headers.get("authorization"));
  const done = (status: number, body: Record<string, unknown>, extra: Record<string, string> = {}) => {
    // Every call is logged, never the token: who asked, for which account, and how it went.
    log.info("internal token request", { appId: appid, caller: caller ?? "none", status, ms: Date.now() - started });
    return Response.json(body, { status, headers: { ...headers, ...extra } });
  };

  if (!caller) {
    return done(
      401,
      { error: "unauthorized", message: "Send Authorization: Bearer <service key> with a key from INTERNAL_API_KEYS." },
      { "www-authenticate": 'Bearer realm="internal"' },
    );
  }
  if (!APP_ID_PATTERN.test(appid)) return done(404, { error: "not_found", message: "Not an authorizer appid." });

  try {
    // A caller whose token WeChat just refused (40001/42001) names it, and gets a new one (compare-and-swap).
    const staleToken = request.headers.get("x-stale-token") ?? undefined;
    const token = await platform.authorizerTokens.getToken(appid, { staleToken });
    return done(200, {
      authorizer_appid: token.appId,
      authorizer_access_token: token.accessToken,
      expires_at: token.expiresAt.toISOString(),
      expires_in: Math.max(0, Math.floor((token.expiresAt.getTime() - Date.now()) / 1000)),
    });
  } catch (error) {
    if (error instanceof AppError) {
      const code = error.code === "conflict" ? "not_authorized" : error.code;
      return done(error.status, { error: code, message: error.message });
    }
    log.error("internal token request failed", { appId: appid, error: describeError(error) });
    return done(503, { error: "unavailable", message: "The token could not be obtained; try again shortly." });
  }
}
