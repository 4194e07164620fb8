import { describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { EnvError, parseEnv } from "@/lib/env";
import { assertSandboxCredentials, createPlatform } from "@/lib/platform";
import { DEMO_STAFF, SANDBOX_COMPONENT } from "@/lib/sandbox/credentials";

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
    const env = parseEnv({ ...secrets, ...real, NODE_ENV: "production", APP_URL: "https://portal.example.com" });
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
    expect(problems.map((p) => p.split(":")[0]).sort()).toEqual([
      "APP_URL",
      "DATABASE_URL",
      "SECRETS_KEY",
      "WECHAT_COMPONENT_APPID",
    ]);
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
    expect(problems[0]).toMatch(
      /^SECRETS_KEY_PREVIOUS: must be the previous SECRETS_KEY values, .*\(entry 2 of 2 is not\)$/,
    );
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

  it("splits service keys", () => {
    const [a, b] = ["a".repeat(32), "b".repeat(64)];
    expect(parseEnv({ ...secrets, INTERNAL_API_KEYS: ` ${a} ,${b},, ` }).internalApiKeys).toEqual([a, b]);
  });

  it("refuses a service key shorter than 32 characters, naming its position, never its value", () => {
    const short = "c".repeat(31);
    const problems = problemsOf({ ...secrets, INTERNAL_API_KEYS: `${"a".repeat(32)},${short}` });
    expect(problems).toEqual([
      expect.stringMatching(/^INTERNAL_API_KEYS: each key must be at least 32 characters .*entry 2 of 2 is shorter$/),
    ]);
    expect(problems[0]).not.toContain(short);
  });

  it("reads METRICS_TOKEN (unset: metrics off) and refuses a short one without echoing it", () => {
    expect(parseEnv({ ...secrets }).metricsToken).toBeUndefined();
    expect(parseEnv({ ...secrets, METRICS_TOKEN: "m".repeat(24) }).metricsToken).toBe("m".repeat(24));
    const problems = problemsOf({ ...secrets, METRICS_TOKEN: "short-token" });
    expect(problems).toEqual([expect.stringMatching(/^METRICS_TOKEN: must be at least 24 characters/)]);
    expect(problems[0]).not.toContain("short-token");
    expect(problemsOf({ ...secrets, OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" })).toEqual([
      expect.stringMatching(/^OTEL_EXPORTER_OTLP_ENDPOINT: /),
    ]);
  });
});

const production = { NODE_ENV: "production" } as const;
const https = { APP_URL: "https://portal.example.com" } as const;

describe("the sandbox in production", () => {
  it("without WECHAT_SANDBOX and without WeChat's credentials: one message per missing variable, naming the way to the sandbox", () => {
    const problems = problemsOf({ ...production, ...secrets, ...https });
    expect(problems.map((p) => p.split(":")[0])).toEqual([
      "WECHAT_COMPONENT_APPID",
      "WECHAT_COMPONENT_APPSECRET",
      "WECHAT_COMPONENT_TOKEN",
      "WECHAT_COMPONENT_AES_KEY",
    ]);
    for (const problem of problems) expect(problem).toMatch(/is required in production .*set WECHAT_SANDBOX=1$/);
  });

  it("names only what is missing when some of the credentials are set", () => {
    const { WECHAT_COMPONENT_TOKEN: _token, ...withoutToken } = real;
    expect(problemsOf({ ...production, ...secrets, ...https, ...withoutToken })).toEqual([
      expect.stringMatching(/^WECHAT_COMPONENT_TOKEN: is required in production/),
    ]);
  });

  it("runs the sandbox only when asked for by name, with its own credentials and the demo login", () => {
    const env = parseEnv({ ...production, ...secrets, WECHAT_SANDBOX: "1", APP_URL: "http://127.0.0.1:4000" });
    expect(env.sandbox).toBe(true);
    const { name: _name, ...own } = SANDBOX_COMPONENT;
    expect(env.component).toEqual({ ...own, previousEncodingAesKeys: [] });
    expect(env.apiBase).toBe("http://127.0.0.1:4000/sandbox");
    expect(env.staff).toEqual({ ...DEMO_STAFF, demo: true });
  });

  it("refuses WECHAT_SANDBOX=1 together with any real credential, one message per variable", () => {
    for (const nodeEnv of ["production", "development"]) {
      expect(
        problemsOf({
          ...secrets,
          NODE_ENV: nodeEnv,
          WECHAT_SANDBOX: "1",
          WECHAT_COMPONENT_APPID: real.WECHAT_COMPONENT_APPID,
        }),
      ).toEqual([
        expect.stringMatching(
          /^WECHAT_COMPONENT_APPID: must not be set with WECHAT_SANDBOX=1 \(the sandbox never runs with real credentials\)/,
        ),
      ]);
      const problems = problemsOf({
        ...secrets,
        ...real,
        NODE_ENV: nodeEnv,
        WECHAT_SANDBOX: "1",
        WECHAT_COMPONENT_AES_KEY_PREVIOUS: "Q".repeat(43),
      });
      expect(problems.map((p) => p.split(":")[0])).toEqual([...Object.keys(real), "WECHAT_COMPONENT_AES_KEY_PREVIOUS"]);
      // The values are secrets: never echoed.
      for (const value of Object.values(real)) expect(problems.join("\n")).not.toContain(value);
    }
  });

  it("in development, a credential without WECHAT_COMPONENT_APPID is refused rather than silently run in the sandbox", () => {
    expect(problemsOf({ ...secrets, WECHAT_COMPONENT_TOKEN: real.WECHAT_COMPONENT_TOKEN })).toEqual([
      expect.stringMatching(/^WECHAT_COMPONENT_TOKEN: is set but WECHAT_COMPONENT_APPID is not/),
    ]);
  });

  it("development and tests stay zero-configuration: the sandbox, dev secrets and the demo login with nothing set", () => {
    for (const source of [{ PGLITE_DIR: "memory://" }, { NODE_ENV: "test", PGLITE_DIR: "memory://" }]) {
      const env = parseEnv(source);
      expect(env.sandbox).toBe(true);
      expect(env.authSecret.length).toBeGreaterThanOrEqual(32);
      expect(env.staff).toEqual({ ...DEMO_STAFF, demo: true });
    }
  });

  it("WECHAT_SANDBOX=0 in development needs the credentials too", () => {
    expect(problemsOf({ ...secrets, WECHAT_SANDBOX: "0" }).map((p) => p.split(":")[0])).toEqual(Object.keys(real));
  });

  it("no demo login outside the sandbox, and the demo's email cannot be made the first staff account there", () => {
    expect(parseEnv({ ...secrets, ...real }).staff).toBeUndefined();
    expect(parseEnv({ ...secrets, ...real, ...production, ...https }).staff).toBeUndefined();
    expect(
      problemsOf({ ...secrets, ...real, STAFF_EMAIL: "Staff@Demo.local", STAFF_PASSWORD: "a-long-password" }),
    ).toEqual([expect.stringMatching(/^STAFF_EMAIL: staff@demo\.local is the sandbox's demo account/)]);
    expect(
      parseEnv({ ...secrets, ...real, STAFF_EMAIL: "ops@example.com", STAFF_PASSWORD: "a-long-password" }).staff,
    ).toEqual({
      email: "ops@example.com",
      password: "a-long-password",
      demo: false,
    });
  });
});

describe("production requirements", () => {
  it("requires AUTH_SECRET and SECRETS_KEY in production, also with the sandbox", () => {
    for (const extra of [{ ...real, ...https }, { WECHAT_SANDBOX: "1" }] as Array<Record<string, string>>) {
      expect(problemsOf({ ...production, ...extra }).map((p) => p.split(":")[0])).toEqual([
        "AUTH_SECRET",
        "SECRETS_KEY",
      ]);
    }
  });

  it("requires an https APP_URL with real WeChat (also when APP_URL is not set at all)", () => {
    expect(problemsOf({ ...production, ...secrets, ...real, APP_URL: "http://portal.example.com" })).toEqual([
      expect.stringMatching(
        /^APP_URL: must be the portal's public https:\/\/ URL in production .*INSECURE_ALLOW_HTTP_APP_URL=1$/,
      ),
    ]);
    expect(problemsOf({ ...production, ...secrets, ...real })).toEqual([
      "APP_URL: is required in production: the portal's public https:// URL (e.g. https://portal.example.com)",
    ]);
    expect(parseEnv({ ...production, ...secrets, ...real, ...https }).appUrl).toBe("https://portal.example.com");
  });

  it("lets a plain-http intranet opt out by name, and only by name", () => {
    const intranet = { ...production, ...secrets, ...real, APP_URL: "http://portal.intra:3000" };
    expect(parseEnv({ ...intranet, INSECURE_ALLOW_HTTP_APP_URL: "1" }).appUrl).toBe("http://portal.intra:3000");
    expect(problemsOf({ ...intranet, INSECURE_ALLOW_HTTP_APP_URL: "0" }).map((p) => p.split(":")[0])).toEqual([
      "APP_URL",
    ]);
    expect(problemsOf({ ...intranet, INSECURE_ALLOW_HTTP_APP_URL: "please" }).map((p) => p.split(":")[0])).toEqual([
      "INSECURE_ALLOW_HTTP_APP_URL",
    ]);
  });

  it("does not require https for the sandbox's test servers on plain http", () => {
    expect(parseEnv({ ...production, ...secrets, WECHAT_SANDBOX: "1", APP_URL: "http://127.0.0.1:4000" }).sandbox).toBe(
      true,
    );
  });
});

describe("createPlatform", () => {
  const noDatabase = {} as Database;

  it("never builds the sandbox with real credentials, whatever env object it is given", () => {
    const realEnv = parseEnv({ ...production, ...secrets, ...real, ...https });
    expect(() => createPlatform({ ...realEnv, sandbox: true }, noDatabase)).toThrow(/only with its own credentials/);
    const sandboxEnv = parseEnv({ ...secrets, WECHAT_SANDBOX: "1" });
    for (const component of [
      { ...sandboxEnv.component, token: real.WECHAT_COMPONENT_TOKEN },
      { ...sandboxEnv.component, encodingAesKey: real.WECHAT_COMPONENT_AES_KEY },
      { ...sandboxEnv.component, appSecret: real.WECHAT_COMPONENT_APPSECRET },
      { ...sandboxEnv.component, appId: real.WECHAT_COMPONENT_APPID },
      { ...sandboxEnv.component, previousEncodingAesKeys: [real.WECHAT_COMPONENT_AES_KEY] },
    ]) {
      expect(() => createPlatform({ ...sandboxEnv, component }, noDatabase)).toThrow(/only with its own credentials/);
    }
    expect(() => assertSandboxCredentials(sandboxEnv.component)).not.toThrow();
  });
});
