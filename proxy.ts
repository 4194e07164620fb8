import { randomBytes } from "node:crypto";
import { NextResponse, type NextRequest } from "next/server";
import { contentSecurityPolicy, STRICT_TRANSPORT_SECURITY } from "@/lib/content-security-policy";
import { getEnv } from "@/lib/env";

// Every page: a fresh nonce and the Content-Security-Policy that carries it. Security: a nonce policy rather than
// a static header in next.config.mjs, because a static one must allow 'unsafe-inline' scripts (Next streams the
// page's data in inline scripts) and then stops no injected script at all. Every page here renders per request
// already (session, database), so the nonce costs no static rendering. Next reads the nonce from the request's
// policy header and puts it on its own scripts and styles.
export function proxy(request: NextRequest) {
  const env = getEnv();
  const https = env.appUrl.startsWith("https:");
  const policy = contentSecurityPolicy({
    nonce: randomBytes(16).toString("base64"),
    dev: env.nodeEnv === "development",
    https,
    formActionUrls: [env.mpBase, env.openBase],
  });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", policy);
  // Set here, not in next.config.mjs: that one's headers are fixed at build time, APP_URL is read at start.
  if (https) response.headers.set("strict-transport-security", STRICT_TRANSPORT_SECURITY);
  return response;
}

export const config = {
  matcher: [
    {
      // Not for API routes (JSON, WeChat's pushes, the internal token route), nor built assets, nor prefetches
      // (an RSC payload is no document: the policy of the page that asked for it applies).
      source: "/((?!api/|_next/static|_next/image|icon\\.svg|favicon\\.ico|robots\\.txt).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
