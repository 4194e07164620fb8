import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { DEMO_STAFF, SANDBOX_COMPONENT } from "./sandbox/credentials";
import { APP_ID_PATTERN } from "./wechat/app-id";

/**
 * The one place that reads process.env. Parsed once (lazily, so `next build` never needs runtime secrets),
 * with one clear message per bad variable.
 */

const DEV_SECRETS_FILE = "dev-secrets.json";
/** Service keys are bearer credentials compared as given: long enough that guessing one is hopeless. */
export const MIN_INTERNAL_API_KEY_LENGTH = 32;
/** The Prometheus scrape token is a bearer credential too (production and development alike). */
export const MIN_METRICS_TOKEN_LENGTH = 24;

const flag = z
  .enum(["0", "1", "true", "false", "yes", "no", "on", "off"], {
    error: "must be 1 or 0 (true/false also accepted)",
  })
  .transform((v) => ["1", "true", "yes", "on"].includes(v));

/** A whole-number variable: `error` when it is not a number, at least `min` (at most `max`), `default` when unset. */
function wholeNumber(error: string, range: { min: number; max?: number; default: number }) {
  const n = z.coerce.number({ error }).int().min(range.min);
  return (range.max === undefined ? n : n.max(range.max)).default(range.default);
}

const isBase64Key32 = (v: string) => /^[A-Za-z0-9+/]+={0,2}$/.test(v) && Buffer.from(v, "base64").length === 32;

const base64Key32 = z.string().refine(isBase64Key32, {
  error: "must be 32 random bytes, base64-encoded (e.g. `openssl rand -base64 32`)",
});

const base64Key32List = z.string().transform((v, ctx) => {
  const keys = v.split(",").map((k) => k.trim());
  const bad = keys.findIndex((k) => !isBase64Key32(k));
  if (bad !== -1) {
    // Named by position, never by value: these are keys.
    ctx.addIssue({
      code: "custom",
      message: `must be the previous SECRETS_KEY values, comma-separated, each 32 random bytes base64-encoded (entry ${bad + 1} of ${keys.length} is not)`,
    });
    return z.NEVER;
  }
  return keys;
});

const httpUrl = z
  .url({ protocol: /^https?$/, error: "must be an absolute http(s) URL" })
  .transform((v) => v.replace(/\/+$/, ""));

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

const rawSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, { error: "must be a postgres:// or postgresql:// connection string" })
      .optional(),
  ),
  PGLITE_DIR: z.string().min(1).default("./.data/pglite"),
  APP_URL: httpUrl.default("http://localhost:3000"),
  AUTH_SECRET: optionalString.pipe(z.string().min(32, { error: "must be at least 32 characters" }).optional()),
  SECRETS_KEY: optionalString.pipe(base64Key32.optional()),
  SECRETS_KEY_PREVIOUS: optionalString.pipe(base64Key32List.optional()),
  WECHAT_SANDBOX: optionalString.pipe(flag.optional()),
  INSECURE_ALLOW_HTTP_APP_URL: optionalString.pipe(flag.optional()),
  WECHAT_COMPONENT_APPID: optionalString.pipe(
    z
      .string()
      .regex(APP_ID_PATTERN, { error: "must look like wx followed by 16 characters (the platform's AppID)" })
      .optional(),
  ),
  WECHAT_COMPONENT_APPSECRET: optionalString.pipe(
    z
      .string()
      .regex(/^[0-9a-zA-Z]{16,64}$/, { error: "must be the platform's AppSecret (letters and digits)" })
      .optional(),
  ),
  WECHAT_COMPONENT_TOKEN: optionalString.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9]{3,32}$/, { error: "must be 3–32 letters or digits (消息校验Token)" })
      .optional(),
  ),
  WECHAT_COMPONENT_AES_KEY: optionalString.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9]{43}$/, {
        error: "must be exactly 43 characters of A–Z, a–z, 0–9 (消息加解密Key / EncodingAESKey from the console)",
      })
      .optional(),
  ),
  WECHAT_COMPONENT_AES_KEY_PREVIOUS: optionalString.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9]{43}(,[A-Za-z0-9]{43})*$/, {
        error: "must be one or more 43-character EncodingAESKeys, comma-separated",
      })
      .optional(),
  ),
  WECHAT_API_BASE: optionalString.pipe(httpUrl.optional()),
  WECHAT_MP_BASE: optionalString.pipe(httpUrl.optional()),
  WECHAT_OPEN_BASE: optionalString.pipe(httpUrl.optional()),
  WECHAT_TIMESTAMP_TOLERANCE_SECONDS: wholeNumber("must be a number of seconds", { min: 0, default: 600 }),
  INTERNAL_API_KEYS: optionalString.transform((v, ctx) => {
    const keys = v
      ? v
          .split(",")
          .map((k) => k.trim())
          .filter((k) => k.length > 0)
      : [];
    const short = keys.findIndex((k) => k.length < MIN_INTERNAL_API_KEY_LENGTH);
    if (short !== -1) {
      // Named by position, never by value: these are keys.
      ctx.addIssue({
        code: "custom",
        message: `each key must be at least ${MIN_INTERNAL_API_KEY_LENGTH} characters (e.g. \`openssl rand -hex 32\`); entry ${short + 1} of ${keys.length} is shorter`,
      });
      return z.NEVER;
    }
    return keys;
  }),
  STAFF_EMAIL: optionalString.pipe(z.email({ error: "must be an email address" }).optional()),
  STAFF_PASSWORD: optionalString.pipe(z.string().min(10, { error: "must be at least 10 characters" }).optional()),
  SANDBOX_TICKET_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(600),
  WECHAT_API_TIMEOUT_MS: wholeNumber("must be a number of milliseconds", { min: 100, max: 60_000, default: 10_000 }),
  AUTHORIZER_REFRESH_CONCURRENCY: wholeNumber("must be a whole number", { min: 1, max: 500, default: 8 }),
  BATCH_CONCURRENCY: wholeNumber("must be a whole number", { min: 1, max: 200, default: 8 }),
  RELEASE_PRIVACY_RETRY_SECONDS: z.coerce.number({ error: "must be a number of seconds" }).min(0).max(3600).default(60),
  RELEASE_AUDIT_RECONCILE_MINUTES: z.coerce
    .number({ error: "must be a number of minutes" })
    .min(0)
    .max(43_200)
    .default(60),
  RECONCILE_INTERVAL_MINUTES: wholeNumber("must be a number of minutes (0 turns it off)", { min: 0, default: 360 }),
  WEBHOOK_TIMEOUT_MS: wholeNumber("must be a number of milliseconds", { min: 100, max: 30_000, default: 5_000 }),
  WEBHOOK_RETRY_BASE_MS: wholeNumber("must be a number of milliseconds", { min: 10, default: 10_000 }),
  WEBHOOK_MAX_ATTEMPTS: wholeNumber("must be a whole number", { min: 1, max: 50, default: 12 }),
  WEBHOOK_CONCURRENCY: wholeNumber("must be a whole number", { min: 1, max: 200, default: 16 }),
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: optionalString.pipe(flag.optional()),
  MESSAGE_RETENTION_DAYS: wholeNumber("must be a number of days (0 keeps everything)", { min: 0, default: 30 }),
  ACTIVITY_RETENTION_DAYS: wholeNumber("must be a number of days (0 keeps everything)", { min: 0, default: 180 }),
  TRUSTED_PROXY_HOPS: wholeNumber("must be a whole number (proxies in front that add to X-Forwarded-For)", {
    min: 1,
    max: 10,
    default: 1,
  }),
  BACKGROUND_JOBS: optionalString.pipe(flag.optional()),
  METRICS_TOKEN: optionalString.pipe(
    z
      .string()
      .min(MIN_METRICS_TOKEN_LENGTH, {
        error: `must be at least ${MIN_METRICS_TOKEN_LENGTH} characters (e.g. \`openssl rand -hex 32\`); unset it to turn /api/metrics off`,
      })
      .optional(),
  ),
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalString.pipe(httpUrl.optional()),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
});

export type Env = {
  nodeEnv: "development" | "production" | "test";
  databaseUrl: string | undefined;
  pgliteDir: string;
  appUrl: string;
  authSecret: string;
  secretsKey: Buffer;
  /** Keys that sealed values before the current SECRETS_KEY: they still open, never seal. */
  previousSecretsKeys: Buffer[];
  sandbox: boolean;
  component: {
    appId: string;
    appSecret: string;
    token: string;
    encodingAesKey: string;
    previousEncodingAesKeys: string[];
  };
  apiBase: string;
  mpBase: string;
  openBase: string;
  timestampToleranceSeconds: number;
  internalApiKeys: string[];
  staff: { email: string; password: string; demo: boolean } | undefined;
  /** STAFF_PASSWORD as given (at least 10 characters), also without STAFF_EMAIL: `npm run staff:create` reads it. */
  staffPassword: string | undefined;
  sandboxTicketIntervalSeconds: number;
  /** Per attempt of a WeChat API call. */
  wechatApiTimeoutMs: number;
  /** Authorizer token refreshes in flight at once, per instance. */
  authorizerRefreshConcurrency: number;
  /** Steps of release and setup batches (each about one WeChat call) in flight at once, per instance. */
  batchConcurrency: number;
  /** Release center (docs/releases.md): wait after 61039, and how long an audit may go without news before a poll. */
  releases: { privacyRetryMs: number; auditReconcileMs: number };
  /** How often one instance reconciles with api_get_authorizer_list; 0: only when asked. */
  reconcileIntervalMinutes: number;
  /** Forwarding of account messages to merchants' webhooks. */
  webhooks: {
    timeoutMs: number;
    retryBaseMs: number;
    maxAttempts: number;
    concurrency: number;
    /** Deliver to loopback/private addresses (the sandbox and tests do); off against real WeChat. */
    allowPrivateNetworks: boolean;
    /** Merchants must enter https:// URLs (off only with the sandbox). */
    requireHttps: boolean;
  };
  /** How long delivered account messages and routine token activity are kept (days; 0: forever). */
  retention: { messageDays: number; activityDays: number };
  /** Proxies in front of the portal that add the address they saw to X-Forwarded-For (the client's is that far from the end). */
  trustedProxyHops: number;
  backgroundJobs: boolean;
  /** Bearer token for `GET /api/metrics`; unset: the route answers 404 and nothing is recorded. */
  metricsToken: string | undefined;
  /** OTLP endpoint for traces (instrumentation.ts); unset: no tracing. */
  otlpEndpoint: string | undefined;
  logLevel: "debug" | "info" | "warn" | "error" | "silent";
};

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "EnvError";
  }
}

/** Parses an environment object. Exported for tests; the app uses `getEnv()`. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const parsed = rawSchema.safeParse(source);
  if (!parsed.success) {
    throw new EnvError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  }
  const raw = parsed.data;
  const problems: string[] = [];

  const production = raw.NODE_ENV === "production";
  const real = {
    WECHAT_COMPONENT_APPID: raw.WECHAT_COMPONENT_APPID,
    WECHAT_COMPONENT_APPSECRET: raw.WECHAT_COMPONENT_APPSECRET,
    WECHAT_COMPONENT_TOKEN: raw.WECHAT_COMPONENT_TOKEN,
    WECHAT_COMPONENT_AES_KEY: raw.WECHAT_COMPONENT_AES_KEY,
  };
  // Security: in production (`next start`) the sandbox runs only when asked for by name. Its control plane has no
  // authentication and it makes a demo admin, so a deploy whose credentials were not mounted must stop, not fall
  // back to it. In development (and tests) it stands in for WeChat until a real AppID is configured.
  const sandbox = raw.WECHAT_SANDBOX ?? (production ? false : raw.WECHAT_COMPONENT_APPID === undefined);
  if (sandbox) {
    // Security: the sandbox signs pushes (`unauthorized` included) with the platform's Token and AES key; it must
    // never hold real ones.
    const configured = { ...real, WECHAT_COMPONENT_AES_KEY_PREVIOUS: raw.WECHAT_COMPONENT_AES_KEY_PREVIOUS };
    for (const [name, value] of Object.entries(configured)) {
      if (value === undefined) continue;
      problems.push(
        raw.WECHAT_SANDBOX
          ? `${name}: must not be set with WECHAT_SANDBOX=1 (the sandbox never runs with real credentials): unset it, or unset WECHAT_SANDBOX to use WeChat`
          : `${name}: is set but WECHAT_COMPONENT_APPID is not: set all four WECHAT_COMPONENT_* variables to use WeChat, or none for the sandbox`,
      );
    }
  } else {
    for (const [name, value] of Object.entries(real)) {
      if (value !== undefined) continue;
      problems.push(
        production && raw.WECHAT_SANDBOX === undefined
          ? `${name}: is required in production (the platform's credentials from the open platform console); to run the built-in WeChat sandbox instead, set WECHAT_SANDBOX=1`
          : `${name}: is required when the WeChat sandbox is off`,
      );
    }
  }
  if (production && !raw.AUTH_SECRET)
    problems.push("AUTH_SECRET: is required in production (`openssl rand -base64 32`)");
  if (production && !raw.SECRETS_KEY)
    problems.push("SECRETS_KEY: is required in production (`openssl rand -base64 32`)");
  // Security: session cookies are marked Secure, and WeChat is given callback URLs, from APP_URL. The sandbox's
  // test servers listen on plain http; a plain-http intranet must opt out by name.
  if (production && !sandbox && !raw.APP_URL.startsWith("https://") && !raw.INSECURE_ALLOW_HTTP_APP_URL) {
    problems.push(
      source.APP_URL?.trim()
        ? `APP_URL: must be the portal's public https:// URL in production (it is ${raw.APP_URL}); only for a plain-http intranet set INSECURE_ALLOW_HTTP_APP_URL=1`
        : "APP_URL: is required in production: the portal's public https:// URL (e.g. https://portal.example.com)",
    );
  }
  if (raw.STAFF_EMAIL && !raw.STAFF_PASSWORD) problems.push("STAFF_PASSWORD: is required when STAFF_EMAIL is set");
  if (!sandbox && raw.STAFF_EMAIL?.toLowerCase() === DEMO_STAFF.email) {
    problems.push(
      `STAFF_EMAIL: ${DEMO_STAFF.email} is the sandbox's demo account (disabled outside the sandbox); choose another email`,
    );
  }
  if (problems.length > 0) throw new EnvError(problems);

  const devSecrets = raw.AUTH_SECRET && raw.SECRETS_KEY ? undefined : loadDevSecrets(raw.PGLITE_DIR);
  const sandboxBase = `${raw.APP_URL}/sandbox`;

  return {
    nodeEnv: raw.NODE_ENV,
    databaseUrl: raw.DATABASE_URL,
    pgliteDir: raw.PGLITE_DIR,
    appUrl: raw.APP_URL,
    authSecret: raw.AUTH_SECRET ?? devSecrets!.authSecret,
    secretsKey: Buffer.from(raw.SECRETS_KEY ?? devSecrets!.secretsKey, "base64"),
    previousSecretsKeys: (raw.SECRETS_KEY_PREVIOUS ?? []).map((k) => Buffer.from(k, "base64")),
    sandbox,
    component: sandbox
      ? {
          appId: SANDBOX_COMPONENT.appId,
          appSecret: SANDBOX_COMPONENT.appSecret,
          token: SANDBOX_COMPONENT.token,
          encodingAesKey: SANDBOX_COMPONENT.encodingAesKey,
          previousEncodingAesKeys: [],
        }
      : {
          appId: real.WECHAT_COMPONENT_APPID!,
          appSecret: real.WECHAT_COMPONENT_APPSECRET!,
          token: real.WECHAT_COMPONENT_TOKEN!,
          encodingAesKey: real.WECHAT_COMPONENT_AES_KEY!,
          previousEncodingAesKeys: raw.WECHAT_COMPONENT_AES_KEY_PREVIOUS?.split(",") ?? [],
        },
    apiBase: raw.WECHAT_API_BASE ?? (sandbox ? sandboxBase : "https://api.weixin.qq.com"),
    mpBase: raw.WECHAT_MP_BASE ?? (sandbox ? sandboxBase : "https://mp.weixin.qq.com"),
    openBase: raw.WECHAT_OPEN_BASE ?? (sandbox ? sandboxBase : "https://open.weixin.qq.com"),
    timestampToleranceSeconds: raw.WECHAT_TIMESTAMP_TOLERANCE_SECONDS,
    internalApiKeys: raw.INTERNAL_API_KEYS,
    // Security: the demo login (a public password) only ever exists with the sandbox.
    staff:
      raw.STAFF_EMAIL && raw.STAFF_PASSWORD
        ? { email: raw.STAFF_EMAIL, password: raw.STAFF_PASSWORD, demo: false }
        : sandbox
          ? { ...DEMO_STAFF, demo: true }
          : undefined,
    staffPassword: raw.STAFF_PASSWORD,
    sandboxTicketIntervalSeconds: raw.SANDBOX_TICKET_INTERVAL_SECONDS,
    wechatApiTimeoutMs: raw.WECHAT_API_TIMEOUT_MS,
    authorizerRefreshConcurrency: raw.AUTHORIZER_REFRESH_CONCURRENCY,
    batchConcurrency: raw.BATCH_CONCURRENCY,
    releases: {
      privacyRetryMs: Math.round(raw.RELEASE_PRIVACY_RETRY_SECONDS * 1000),
      auditReconcileMs: Math.round(raw.RELEASE_AUDIT_RECONCILE_MINUTES * 60_000),
    },
    reconcileIntervalMinutes: raw.RECONCILE_INTERVAL_MINUTES,
    webhooks: {
      timeoutMs: raw.WEBHOOK_TIMEOUT_MS,
      retryBaseMs: raw.WEBHOOK_RETRY_BASE_MS,
      maxAttempts: raw.WEBHOOK_MAX_ATTEMPTS,
      concurrency: raw.WEBHOOK_CONCURRENCY,
      allowPrivateNetworks: raw.WEBHOOK_ALLOW_PRIVATE_NETWORKS ?? sandbox,
      requireHttps: !sandbox,
    },
    retention: { messageDays: raw.MESSAGE_RETENTION_DAYS, activityDays: raw.ACTIVITY_RETENTION_DAYS },
    trustedProxyHops: raw.TRUSTED_PROXY_HOPS,
    backgroundJobs: raw.BACKGROUND_JOBS ?? true,
    metricsToken: raw.METRICS_TOKEN,
    otlpEndpoint: raw.OTEL_EXPORTER_OTLP_ENDPOINT,
    logLevel: raw.LOG_LEVEL,
  };
}

/** Dev only: secrets generated once and kept next to the PGlite data, so sessions survive restarts. */
function loadDevSecrets(pgliteDir: string): { authSecret: string; secretsKey: string } {
  const dir = pgliteDir.startsWith("memory://") ? "./.data" : path.dirname(path.resolve(pgliteDir));
  const file = path.join(dir, DEV_SECRETS_FILE);
  try {
    return JSON.parse(readFileSync(file, "utf8")) as { authSecret: string; secretsKey: string };
  } catch {
    const secrets = { authSecret: randomBytes(32).toString("base64"), secretsKey: randomBytes(32).toString("base64") };
    mkdirSync(dir, { recursive: true });
    try {
      writeFileSync(file, JSON.stringify(secrets), { mode: 0o600, flag: "wx" });
      return secrets;
    } catch {
      // Another process created it first: use theirs.
      return JSON.parse(readFileSync(file, "utf8")) as { authSecret: string; secretsKey: string };
    }
  }
}

let cached: Env | undefined;

export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
