// npm run secrets:rotate: re-seal the tokens at rest under the current SECRETS_KEY, each bound to its table, column
// and row: after the old key moved to SECRETS_KEY_PREVIOUS and every instance restarted (docs/operations.md: Rotating
// SECRETS_KEY), and once after upgrading from unbound (v1) values, with the same key. Prints counts, never a value;
// exits 1 when a value could not be opened where it is (the old key is still needed, or it was moved there).
import { openDatabase } from "@/db";
import { getEnv } from "@/lib/env";
import { describeError, setLogLevel } from "@/lib/log";
import { createSecretBox } from "@/lib/secrets";
import { rotateSealedSecrets } from "@/lib/tokens/rotate-secrets";

const env = getEnv();
setLogLevel(env.logLevel);
const secretBox = createSecretBox([env.secretsKey, ...env.previousSecretsKeys]);
const database = await openDatabase({ databaseUrl: env.databaseUrl, pgliteDir: env.pgliteDir });
const results = await rotateSealedSecrets({ db: database.db, secretBox })
  .finally(() => database.close())
  .catch((error: unknown) => {
    // describeError: a failed query's message would carry its parameters (sealed values).
    console.error(`rotation stopped: ${describeError(error)}`);
    process.exit(1);
  });

const header = ["column", "scanned", "resealed", "failed"];
const lines = results.map((r) => [`${r.table}.${r.column}`, String(r.scanned), String(r.resealed), String(r.failed)]);
const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
const format = (cells: string[]) =>
  cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
console.log(`current key ${secretBox.currentKeyId} (${database.kind})`);
console.log(format(header));
for (const line of lines) console.log(format(line));

const failed = results.reduce((sum, r) => sum + r.failed, 0);
if (failed > 0) {
  console.error(
    `${failed} value(s) could not be opened where they are and were left as they are (the log says where, and why:`,
  );
  console.error(
    "no configured key opens it — keep SECRETS_KEY_PREVIOUS until this reports 0 failed — or it was sealed for another",
  );
  console.error("row or column and copied there, which the app refuses to use; clear or replace such a value).");
  process.exit(1);
}
