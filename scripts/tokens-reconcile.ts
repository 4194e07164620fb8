// npm run tokens:reconcile: compare api_get_authorizer_list with our records now, repair and print what changed.
import { openDatabase } from "@/db";
import { getEnv } from "@/lib/env";
import { createPlatform } from "@/lib/platform";
import { reconcileAuthorizers } from "@/lib/tokens/reconcile";

const env = getEnv();
const database = await openDatabase({ databaseUrl: env.databaseUrl, pgliteDir: env.pgliteDir });
try {
  const result = await reconcileAuthorizers(createPlatform(env, database), "cli");
  if (result.skipped) {
    console.log("another reconcile is running; nothing done");
  } else {
    console.log(
      `run ${result.runId}: WeChat lists ${result.listed}, checked ${result.checked}, repairs ${result.repairs.length}`,
    );
    for (const repair of result.repairs) console.log(`  ${repair.appId}  ${repair.action}`);
  }
} catch (error) {
  console.error(`reconcile failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await database.close();
}
