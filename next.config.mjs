import createNextIntlPlugin from "next-intl/plugin";

// next-intl without locale routing: the language comes from the `lang` cookie (lib/i18n/request.ts).
const withNextIntl = createNextIntlPlugin("./lib/i18n/request.ts");

/** @type {import('next').NextConfig} */
const nextConfig = {
  // PGlite ships wasm + data files that must be loaded from node_modules, not bundled (docs/toolchain.md G11).
  serverExternalPackages: ["@electric-sql/pglite"],
  // Keep `next dev` from writing an AGENTS.md into the repo (docs/toolchain.md G16).
  agentRules: false,
  poweredByHeader: false,
  // The dev request log prints query strings: the sandbox API calls carry tokens and the callback an auth_code.
  logging: {
    incomingRequests: { ignore: [/^\/sandbox\/cgi-bin\//, /^\/sandbox\/wxa\//, /^\/api\/wechat\/authorize\/callback/] },
  },
  // forbidden() for signed-in users without the right role (403 page in app/forbidden.tsx).
  experimental: { authInterrupts: true },
  // The Content-Security-Policy is per request (a nonce), so proxy.ts sets it; these are the same everywhere.
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          // WeChat's authorization page checks the Referer: the origin must be sent (docs/wechat-protocol.md §4.5).
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          // For browsers without CSP frame-ancestors; API responses get it too.
          { key: "X-Frame-Options", value: "DENY" },
        ],
      },
    ];
  },
};

export default withNextIntl(nextConfig);
