import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "@/lib/env";
import { SANDBOX_COMPONENT } from "@/lib/sandbox/credentials";

const secrets = { AUTH_SECRET: "x".repeat(40), SECRETS_KEY: Buffer.alloc(32, 1).toString("base64") };
const real = {
  WECHAT_COMPONENT_APPID: "wx5f3c8b1a2d4e6f70",
  WECHAT_COMPONENT_APPSECRET: "0123456789abcdef0123456789abcdef",
  WECHAT_COMPONENT_TOKEN: "PortalToken2024",
  WECHAT_COMPONENT_AES_KEY: "Xy7Kp2Lm9Qw4Er8Ty1Ui5Op3As6Df0Gh2Jk4Lz7Xc9V",
};

function problemsOf(source: Record<string, string>): string[] {
  try {
    parseEnv(source);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvError);
    return (error as EnvError).problems;
  }
  throw new Error("expected parseEnv to fail");
}

describe("parseEnv", () => {
  it("defaults to the sandbox and points every WeChat base at APP_URL/sandbox", () => {
    const env = parseEnv({ ...secrets, APP_URL: "http://127.0.0.1:4000/" });
    expect(env.sandbox).toBe(true);
    expect(env.appUrl).toBe("http://127.0.0.1:4000");
    expect(env.apiBase).toBe("http://127.0.0.1:4000/sandbox");
    expect(env.mpBase).toBe("http://127.0.0.1:4000/sandbox");
    expect(env.openBase).toBe("http://127.0.0.1:4000/sandbox");
    expect(env.component.appId).toBe(SANDBOX_COMPONENT.appId);
    expect(env.databaseUrl).toBeUndefined();
    expect(env.pgliteDir).toBe("./.data/pglite");
    expect(env.internalApiKeys).toEqual([]);
    expect(env.staff?.demo).toBe(true);
  });

  it("turns the sandbox off and targets WeChat when real credentials are set", () => {
    const env = parseEnv({ ...secrets, ...real, NODE_ENV: "production" });
    expect(env.sandbox).toBe(false);
    expect(env.apiBase).toBe("https://api.weixin.qq.com");
    expect(env.mpBase).toBe("https://mp.weixin.qq.com");
    expect(env.openBase).toBe("https://open.weixin.qq.com");
    expect(env.component).toMatchObject({ appId: real.WECHAT_COMPONENT_APPID, token: "PortalToken2024" });
    expect(env.staff).toBeUndefined();
  });

  it("names the variable and the rule for an EncodingAESKey that is not 43 characters", () => {
    const problems = problemsOf({ ...secrets, ...real, WECHAT_COMPONENT_AES_KEY: "tooShort" });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^WECHAT_COMPONENT_AES_KEY: must be exactly 43 characters/);
  });

  it("gives one message per bad variable", () => {
    const problems = problemsOf({
      APP_URL: "not a url",
      DATABASE_URL: "mysql://x",
      SECRETS_KEY: "c2hvcnQ=",
      WECHAT_COMPONENT_APPID: "abc",
    });
    expect(problems.map((p) => p.split(":")[0]).sort()).toEqual(["APP_URL", "DATABASE_URL", "SECRETS_KEY", "WECHAT_COMPONENT_APPID"]);
  });

  it("reads SECRETS_KEY_PREVIOUS as a list of keys, and names the bad entry without showing it", () => {
    const previous = [Buffer.alloc(32, 2), Buffer.alloc(32, 3)];
    const env = parseEnv({ ...secrets, SECRETS_KEY_PREVIOUS: previous.map((k) => k.toString("base64")).join(", ") });
    expect(env.previousSecretsKeys).toEqual(previous);
    expect(parseEnv(secrets).previousSecretsKeys).toEqual([]);
    expect(parseEnv({ ...secrets, SECRETS_KEY_PREVIOUS: " " }).previousSecretsKeys).toEqual([]);

    const tooShort = Buffer.alloc(16, 4).toString("base64");
    const problems = problemsOf({ ...secrets, SECRETS_KEY_PREVIOUS: `${previous[0]!.toString("base64")},${tooShort}` });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^SECRETS_KEY_PREVIOUS: must be the previous SECRETS_KEY values, .*\(entry 2 of 2 is not\)$/);
    expect(problems[0]).not.toContain(tooShort);
  });

  it("requires the whole credential set once the sandbox is off", () => {
    const problems = problemsOf({ ...secrets, WECHAT_COMPONENT_APPID: real.WECHAT_COMPONENT_APPID });
    expect(problems).toEqual([
      "WECHAT_COMPONENT_APPSECRET: is required when the WeChat sandbox is off",
      "WECHAT_COMPONENT_TOKEN: is required when the WeChat sandbox is off",
      "WECHAT_COMPONENT_AES_KEY: is required when the WeChat sandbox is off",
    ]);
  });

  it("requires AUTH_SECRET and SECRETS_KEY in production with real WeChat", () => {
    const problems = problemsOf({ ...real, NODE_ENV: "production" });
    expect(problems.some((p) => p.startsWith("AUTH_SECRET:"))).toBe(true);
    expect(problems.some((p) => p.startsWith("SECRETS_KEY:"))).toBe(true);
  });

  it("lets the sandbox run against configured credentials and splits service keys", () => {
    const env = parseEnv({ ...secrets, ...real, WECHAT_SANDBOX: "1", APP_URL: "http://localhost:3000", INTERNAL_API_KEYS: " a1 ,b2,, " });
    expect(env.sandbox).toBe(true);
    expect(env.component.appId).toBe(real.WECHAT_COMPONENT_APPID);
    expect(env.apiBase).toBe("http://localhost:3000/sandbox");
    expect(env.internalApiKeys).toEqual(["a1", "b2"]);
  });
});
