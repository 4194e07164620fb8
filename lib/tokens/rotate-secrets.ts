import { getTableName, sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import { rowsOf, type Database } from "@/db";
import { authorizers, merchants, wechatComponent } from "@/db/schema";
import { describeError, log } from "@/lib/log";
import { sealedAt, type SealContext, type SecretBox } from "@/lib/secrets";

interface SealedColumn {
  table: PgTable;
  /** A single-column primary key (the batches walk it in order). */
  primaryKey: PgColumn;
  column: PgColumn;
  /** The place a value of this column is bound to, in the row with this primary key. */
  at: (pk: string) => SealContext;
}

/** Every column holding a value sealed by the SecretBox. A new sealed column is one line here. */
export const SEALED_COLUMNS: SealedColumn[] = [
  {
    table: wechatComponent,
    primaryKey: wechatComponent.appId,
    column: wechatComponent.accessTokenSealed,
    at: sealedAt.componentAccessToken,
  },
  {
    table: authorizers,
    primaryKey: authorizers.appId,
    column: authorizers.refreshTokenSealed,
    at: sealedAt.authorizerRefreshToken,
  },
  {
    table: authorizers,
    primaryKey: authorizers.appId,
    column: authorizers.accessTokenSealed,
    at: sealedAt.authorizerAccessToken,
  },
  {
    table: merchants,
    primaryKey: merchants.id,
    column: merchants.webhookSecretSealed,
    at: sealedAt.merchantWebhookSecret,
  },
];

const DEFAULT_BATCH_SIZE = 500;

export interface RotationResult {
  table: string;
  column: string;
  /** Non-null values looked at. */
  scanned: number;
  /** Values sealed under an older key or in the unbound v1 format, now sealed (bound to their place) under the current one. */
  resealed: number;
  /** Values that do not open where they are (no configured key, or sealed for another place): left as they are. */
  failed: number;
}

/**
 * Re-seals every value at rest under the SecretBox's current key, bound to its table, column and row (format v2):
 * after SECRETS_KEY changed (the old key in SECRETS_KEY_PREVIOUS), and once after upgrading from the unbound v1
 * format, even with the same key. Safe while the app runs: each write is conditional on the value read, so a token
 * the app refreshed meanwhile is never replaced by a stale one. A value that does not open where it is (no configured
 * key, or a v2 value sealed for another place) is counted as failed and never touched, so the old key can be
 * restored and the rotation run again; a v1 value, bound to no place, is re-sealed for the place it is found in.
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
  { table, primaryKey, column, at }: SealedColumn,
  batchSize: number,
): Promise<RotationResult> {
  const result: RotationResult = {
    table: getTableName(table),
    column: column.name,
    scanned: 0,
    resealed: 0,
    failed: 0,
  };
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
      // Every value is opened, also those already bound under the current key: the run doubles as a check that
      // each value belongs where it is.
      let plaintext: string;
      try {
        plaintext = secretBox.open(sealed, at(pk));
      } catch (error) {
        // The value itself never reaches the log: only where it is.
        log.error(
          "sealed secret does not open here (no configured key opens it, or it was sealed for another place); left as is",
          {
            table: result.table,
            column: result.column,
            pk,
            error: describeError(error),
          },
        );
        result.failed++;
        continue;
      }
      if (!secretBox.needsResealing(sealed)) continue;
      const resealed = secretBox.seal(plaintext, at(pk));
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
