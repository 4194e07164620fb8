// A separate portal process for the cross-process single-flight test: the production wiring on the shared
// PostgreSQL database; waits for the common start time, then asks for the component token from CALLERS
// concurrent callers.
import { openDatabase } from "@/db";
import { parseEnv } from "@/lib/env";
import { setLogLevel } from "@/lib/log";
import { createPlatform } from "@/lib/platform";

const { CALLERS = "200", START_AT = "0" } = process.env;

setLogLevel("error");
const env = parseEnv(process.env);
const database = await openDatabase({ databaseUrl: env.databaseUrl, pgliteDir: "memory://" });
const { componentToken } = createPlatform(env, database);

await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(START_AT) - Date.now())));
const results = await Promise.allSettled(Array.from({ length: Number(CALLERS) }, () => componentToken.getToken()));
const tokens = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
const errors = results.flatMap((r) => (r.status === "rejected" ? [String((r.reason as Error).message)] : []));
process.stdout.write("\nRESULT " + JSON.stringify({ tokens: [...new Set(tokens)], fulfilled: tokens.length, errors }));
await database.close();
