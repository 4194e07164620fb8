/**
 * The Content-Security-Policy of every page, built per request by proxy.ts around a fresh nonce.
 *
 * - Scripts: only those carrying this response's nonce, and what they load ('strict-dynamic'). Next puts the
 *   nonce on its own scripts when it finds it in the request's policy; 'self' is the fallback for browsers
 *   without CSP 3 (they ignore 'strict-dynamic', modern ones ignore 'self').
 * - Styles: Tailwind's stylesheet ('self') and Next's own inline styles (nonce). No style attributes.
 * - Images: ours, and WeChat's image hosts (accounts' head images, loaded straight from WeChat).
 * - form-action: 'self' plus WeChat's authorization pages. The "start authorization" action answers a plain
 *   form post (no JavaScript yet) with a 303 to WeChat, and Chromium checks form-action on that redirect too.
 * - frame-ancestors 'none': nobody frames the portal (clickjacking on the authorize and staff buttons).
 */
export interface ContentSecurityPolicyInput {
  nonce: string;
  /** `next dev`: React's dev tools need eval and Next's dev overlay injects unnonced styles. */
  dev: boolean;
  /** Served over https (APP_URL): any stray http subresource is upgraded rather than loaded in the clear. */
  https: boolean;
  /** Where forms may send the browser besides us: the WeChat authorization page bases (env mpBase, openBase). */
  formActionUrls: string[];
}

/** WeChat serves head images and QR codes from these hosts (account-avatar.tsx upgrades them to https). */
const WECHAT_IMAGE_SOURCES = ["https://*.qlogo.cn", "https://*.qpic.cn"];

export function contentSecurityPolicy(input: ContentSecurityPolicyInput): string {
  const nonce = `'nonce-${input.nonce}'`;
  const formAction = [...new Set(input.formActionUrls.map((url) => new URL(url).origin))];
  const directives: Array<[string, ...string[]]> = [
    ["default-src", "'self'"],
    ["script-src", "'self'", nonce, "'strict-dynamic'", ...(input.dev ? ["'unsafe-eval'"] : [])],
    // A nonce makes browsers ignore 'unsafe-inline', so dev gets 'unsafe-inline' alone.
    ["style-src", "'self'", ...(input.dev ? ["'unsafe-inline'"] : [nonce])],
    ["img-src", "'self'", "data:", "blob:", ...WECHAT_IMAGE_SOURCES],
    ["font-src", "'self'"],
    ["object-src", "'none'"],
    ["base-uri", "'self'"],
    ["form-action", "'self'", ...formAction],
    ["frame-ancestors", "'none'"],
    ...(input.https ? ([["upgrade-insecure-requests"]] as Array<[string]>) : []),
  ];
  return directives.map((d) => d.join(" ")).join("; ");
}

/**
 * Strict-Transport-Security for an https APP_URL: browsers that have seen it once refuse plain http to this host
 * for a year (also when a link or a typed address says http). Subdomains are left to their own operators.
 */
export const STRICT_TRANSPORT_SECURITY = "max-age=31536000";
