// npm run db:seed -- --authorizations 100000 [--merchants 5000]: demo data for the staff console (merchants,
// authorizations, a few WeChat events) in DATABASE_URL or the PGlite directory. Adds rows each time it runs.
import { parseArgs } from "node:util";
import { z } from "zod";
import { openDatabase } from "@/db";
import { seedStaffDemoData } from "@/lib/staff/seed-demo-data";
import { getEnv } from "@/lib/env";

const { values } = parseArgs({
  options: {
    authorizations: { type: "string", default: "1000" },
    merchants: { type: "string" },
    events: { type: "string" },
  },
});
const count = z.coerce.number().int().min(0).max(10_000_000);
const args = z
  .object({
    authorizations: count,
    merchants: count.min(1).optional(),
    events: z.coerce.number().min(0).max(1).optional(),
  })
  .safeParse(values);
if (!args.success) {
  console.error(
    `usage: npm run db:seed -- --authorizations N [--merchants M] [--events SHARE]\n${z.prettifyError(args.error)}`,
  );
  process.exit(2);
}

const env = getEnv();
const database = await openDatabase({ databaseUrl: env.databaseUrl, pgliteDir: env.pgliteDir, maxConnections: 5 });
try {
  console.log(
    `seeding ${database.kind}: ${args.data.authorizations} authorizations over ${args.data.merchants ?? "one merchant per 20"} merchants…`,
  );
  const result = await seedStaffDemoData(database.db, {
    authorizations: args.data.authorizations,
    merchants: args.data.merchants,
    eventShare: args.data.events,
  });
  console.log(
    `inserted ${result.merchants} merchants, ${result.authorizations} authorizations and ${result.events} WeChat events in ${result.seconds.toFixed(1)} s`,
  );
} finally {
  await database.close();
}
