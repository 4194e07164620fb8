import { describe, expect, it } from "vitest";
import { contentSecurityPolicy } from "@/lib/content-security-policy";
import { parseEnv } from "@/lib/env";

const SECRETS = { AUTH_SECRET: "x".repeat(32), SECRETS_KEY: Buffer.alloc(32, 1).toString("base64") };
const directives = (policy: string) =>
  new Map(policy.split("; ").map((d) => [d.split(" ")[0]!, d.split(" ").slice(1)]));

describe("content security policy", () => {
  it("in production: scripts and styles by nonce only, no eval, and forms may go to WeChat's real authorization pages", () => {
    const env = parseEnv({
      ...SECRETS,
      NODE_ENV: "production",
      APP_URL: "https://portal.example.com",
      WECHAT_COMPONENT_APPID: "wx0123456789abcdef",
      WECHAT_COMPONENT_APPSECRET: "0123456789abcdef0123456789abcdef",
      WECHAT_COMPONENT_TOKEN: "token123",
      WECHAT_COMPONENT_AES_KEY: "a".repeat(43),
    });
    const policy = directives(
      contentSecurityPolicy({ nonce: "abc123==", dev: false, https: true, formActionUrls: [env.mpBase, env.openBase] }),
    );
    expect(policy.get("script-src")).toEqual(["'self'", "'nonce-abc123=='", "'strict-dynamic'"]);
    expect(policy.get("style-src")).toEqual(["'self'", "'nonce-abc123=='"]);
    expect(policy.get("form-action")).toEqual(["'self'", "https://mp.weixin.qq.com", "https://open.weixin.qq.com"]);
    expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
    expect(policy.get("object-src")).toEqual(["'none'"]);
    expect(policy.get("base-uri")).toEqual(["'self'"]);
    expect(policy.has("upgrade-insecure-requests")).toBe(true);
  });

  it("in the sandbox: the form-action origin is the portal's own (one entry), and no upgrade over http", () => {
    const env = parseEnv({ ...SECRETS, APP_URL: "http://127.0.0.1:4000", WECHAT_SANDBOX: "1" });
    const policy = directives(
      contentSecurityPolicy({ nonce: "n", dev: false, https: false, formActionUrls: [env.mpBase, env.openBase] }),
    );
    expect(policy.get("form-action")).toEqual(["'self'", "http://127.0.0.1:4000"]);
    expect(policy.has("upgrade-insecure-requests")).toBe(false);
  });

  it("in `next dev`: eval for React's debugging and inline styles for the dev overlay", () => {
    const policy = directives(contentSecurityPolicy({ nonce: "n", dev: true, https: false, formActionUrls: [] }));
    expect(policy.get("script-src")).toContain("'unsafe-eval'");
    expect(policy.get("style-src")).toEqual(["'self'", "'unsafe-inline'"]);
  });
});
