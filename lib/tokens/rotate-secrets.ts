import { getTableName, sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import { rowsOf, type Database } from "@/db";
import { authorizers, merchants, wechatComponent } from "@/db/schema";
import { describeError, log } from "@/lib/log";
import type { SecretBox } from "@/lib/secrets";

interface SealedColumn {
  table: PgTable;
  /** A single-column primary key (the batches walk it in order). */
  primaryKey: PgColumn;
  column: PgColumn;
}

/** Every column holding a value sealed by the SecretBox. A new sealed column is one line here. */
export const SEALED_COLUMNS: SealedColumn[] = [
  { table: wechatComponent, primaryKey: wechatComponent.appId, column: wechatComponent.accessTokenSealed },
  { table: authorizers, primaryKey: authorizers.appId, column: authorizers.refreshTokenSealed },
  { table: authorizers, primaryKey: authorizers.appId, column: authorizers.accessTokenSealed },
  { table: merchants, primaryKey: merchants.id, column: merchants.webhookSecretSealed },
];

const DEFAULT_BATCH_SIZE = 500;

export interface RotationResult {
  table: string;
  column: string;
  /** Non-null values looked at. */
  scanned: number;
  /** Values sealed under an older key, now sealed under the current one. */
  resealed: number;
  /** Values no configured key opens: left as they are. */
  failed: number;
}

/**
 * Re-seals every value at rest under the SecretBox's current key, after SECRETS_KEY changed (the old key in
 * SECRETS_KEY_PREVIOUS). Safe while the app runs: each write is conditional on the value read, so a token the app
 * refreshed meanwhile is never replaced by a stale one. A value that no configured key opens is counted as failed
 * and never touched, so the old key can be restored and the rotation run again.
 */
export async function rotateSealedSecrets(options: {
  db: Database["db"];
  secretBox: SecretBox;
  batchSize?: number;
}): Promise<RotationResult[]> {
  const results: RotationResult[] = [];
  for (const sealed of SEALED_COLUMNS) {
    results.push(await rotateColumn(options.db, options.secretBox, sealed, options.batchSize ?? DEFAULT_BATCH_SIZE));
  }
  return results;
}

async function rotateColumn(
  db: Database["db"],
  secretBox: SecretBox,
  { table, primaryKey, column }: SealedColumn,
  batchSize: number,
): Promise<RotationResult> {
  const result: RotationResult = { table: getTableName(table), column: column.name, scanned: 0, resealed: 0, failed: 0 };
  let after: string | undefined;

  for (;;) {
    // Keyset pagination: each batch starts after the last primary key seen, so it costs the same at any depth.
    const rows = rowsOf<{ pk: string; sealed: string }>(
      await db.execute(sql`
        select ${primaryKey} as pk, ${column} as sealed from ${table}
        where ${column} is not null ${after === undefined ? sql`` : sql`and ${primaryKey} > ${after}`}
        order by ${primaryKey} limit ${batchSize}`),
    );

    for (const { pk, sealed } of rows) {
      result.scanned++;
      if (!secretBox.needsResealing(sealed)) continue;
      let resealed: string;
      try {
        resealed = secretBox.seal(secretBox.open(sealed));
      } catch (error) {
        // The value itself never reaches the log: only where it is.
        log.error("sealed secret cannot be opened with any configured key; left as is", {
          table: result.table,
          column: result.column,
          pk,
          error: describeError(error),
        });
        result.failed++;
        continue;
      }
      // Conditional on the value read: if the app replaced it meanwhile (a token refresh), its value stands.
      const updated = rowsOf(
        await db.execute(sql`
          update ${table} set ${sql.identifier(column.name)} = ${resealed}
          where ${primaryKey} = ${pk} and ${column} = ${sealed}
          returning 1`),
      );
      if (updated.length > 0) result.resealed++;
    }

    if (rows.length < batchSize) return result;
    after = rows.at(-1)?.pk;
  }
}
