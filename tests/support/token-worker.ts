// A separate portal process for the cross-process single-flight test: opens the shared PostgreSQL database,
// waits for the common start time, then asks for the component token from CALLERS concurrent callers.
import { openDatabase } from "@/db";
import { setLogLevel } from "@/lib/log";
import { createSecretBox } from "@/lib/secrets";
import { createComponentTokenService } from "@/lib/tokens/component-token";
import { createComponentClient } from "@/lib/wechat/client";
import { SANDBOX_COMPONENT } from "@/lib/sandbox/credentials";

const { DATABASE_URL, WECHAT_API_BASE, CALLERS = "200", START_AT = "0", SECRETS_KEY = "" } = process.env;

setLogLevel("error");
const database = await openDatabase({ databaseUrl: DATABASE_URL, pgliteDir: "memory://" });
const client = createComponentClient({
  baseUrl: WECHAT_API_BASE!,
  componentAppId: SANDBOX_COMPONENT.appId,
  componentAppSecret: SANDBOX_COMPONENT.appSecret,
});
const service = createComponentTokenService({
  database,
  upstream: client,
  secretBox: createSecretBox([Buffer.from(SECRETS_KEY, "base64")]),
  componentAppId: SANDBOX_COMPONENT.appId,
});

await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(START_AT) - Date.now())));
const results = await Promise.allSettled(Array.from({ length: Number(CALLERS) }, () => service.getToken()));
const tokens = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
const errors = results.flatMap((r) => (r.status === "rejected" ? [String((r.reason as Error).message)] : []));
process.stdout.write("\nRESULT " + JSON.stringify({ tokens: [...new Set(tokens)], fulfilled: tokens.length, errors }));
await database.close();
