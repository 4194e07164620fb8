// npm run db:migrate: apply pending migrations to DATABASE_URL (or the PGlite directory) and exit.
// The app also migrates at start-up; this is for operators who want it as a separate deploy step.
import { openDatabase } from "@/db";
import { getEnv } from "@/lib/env";

const env = getEnv();
const database = await openDatabase({ databaseUrl: env.databaseUrl, pgliteDir: env.pgliteDir });
await database.close();
console.log(`migrations applied (${database.kind})`);
