// A separate portal process for the cross-process refresher test: the production wiring on the shared
// PostgreSQL database; waits for the common start time, runs one refresher pass, prints what it did.
import { openDatabase } from "@/db";
import { parseEnv } from "@/lib/env";
import { setLogLevel } from "@/lib/log";
import { createPlatform } from "@/lib/platform";

const { START_AT = "0" } = process.env;

setLogLevel("error");
const env = parseEnv(process.env);
const database = await openDatabase({ databaseUrl: env.databaseUrl, pgliteDir: "memory://", maxConnections: 12 });
const { refresher } = createPlatform(env, database);

await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(START_AT) - Date.now())));
const result = await refresher.runPass();
process.stdout.write("\nRESULT " + JSON.stringify(result));
await database.close();
