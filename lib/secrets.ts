import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { log } from "@/lib/log";
import { ErrorRecognisedByName } from "@/lib/wechat/errors";

/**
 * Secrets at rest (tokens, webhook secrets): AES-256-GCM under SECRETS_KEY. Each sealed value names the key that
 * sealed it, so a new key can be introduced while old values still open.
 *
 * A value is bound to its place: the additional authenticated data holds the table, the column and the row's key,
 * so a value copied into another row or column (by anyone who can write the database) no longer opens there — a
 * refresh token pasted into a merchant's `webhook_secret_sealed` is refused and reported, never shown.
 *
 * Format: `v2.<keyId>.<iv>.<ciphertext>.<tag>` (base64url parts), AAD = keyId \0 table.column \0 row.
 * Values of the earlier format `v1.…` (AAD = keyId alone, bound to no place) still open, wherever they are, until
 * `npm run secrets:rotate` re-seals them as v2.
 */
export interface SecretBox {
  seal(plaintext: string, at: SealContext): string;
  /** Throws SecretBoxError; a value that does not belong where it was read is also logged (where, never what). */
  open(sealed: string, at: SealContext): string;
  /** True when `sealed` is not a bound (v2) value under the current key (the rotation re-seals it). */
  needsResealing(sealed: string): boolean;
  readonly currentKeyId: string;
}

/** Every column that holds sealed values, by table. A new sealed column is one line here (and in rotate-secrets.ts). */
interface SealedColumns {
  wechat_component: "access_token_sealed";
  authorizers: "refresh_token_sealed" | "access_token_sealed";
  merchants: "webhook_secret_sealed";
}

/** Where a sealed value lives: its table, its column and the key of its row (primary key, as text). */
export type SealContext = {
  [T in keyof SealedColumns]: { table: T; column: SealedColumns[T]; row: string };
}[keyof SealedColumns];

/** A sealed column's place, as a function of its row's key. */
function sealedColumn<T extends keyof SealedColumns>(table: T, column: SealedColumns[T]) {
  return (row: string) => ({ table, column, row }) as SealContext;
}

/** The place of each sealed value the app stores. */
export const sealedAt = {
  componentAccessToken: sealedColumn("wechat_component", "access_token_sealed"),
  authorizerRefreshToken: sealedColumn("authorizers", "refresh_token_sealed"),
  authorizerAccessToken: sealedColumn("authorizers", "access_token_sealed"),
  merchantWebhookSecret: sealedColumn("merchants", "webhook_secret_sealed"),
};

export type SecretBoxFailure = "malformed" | "unknown_key" | "mismatch";

export class SecretBoxError extends ErrorRecognisedByName("SecretBoxError") {
  constructor(
    message: string,
    readonly reason: SecretBoxFailure = "malformed",
  ) {
    super(message);
  }
}

export function keyIdOf(key: Buffer): string {
  return createHash("sha256").update(key).digest("base64url").slice(0, 8);
}

const VERSION = "v2";
const LEGACY_VERSION = "v1";
const TAG_BYTES = 16;
const IV_BYTES = 12;

function additionalData(version: string, keyId: string, at: SealContext): Buffer {
  // v1 authenticated the key id only; v2 adds the place. NUL cannot occur in a key id, table or column name.
  return Buffer.from(version === LEGACY_VERSION ? keyId : `${keyId}\0${at.table}.${at.column}\0${at.row}`);
}

/** `keys[0]` seals; every key opens. */
export function createSecretBox(keys: Buffer[]): SecretBox {
  const [current] = keys;
  if (!current || keys.some((k) => k.length !== 32)) throw new SecretBoxError("secret keys must be 32 bytes");
  const byId = new Map(keys.map((k) => [keyIdOf(k), k] as const));
  const currentKeyId = keyIdOf(current);

  return {
    currentKeyId,
    seal(plaintext, at) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", current, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(additionalData(VERSION, currentKeyId, at));
      const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return [
        VERSION,
        currentKeyId,
        iv.toString("base64url"),
        ciphertext.toString("base64url"),
        cipher.getAuthTag().toString("base64url"),
      ].join(".");
    },
    open(sealed, at) {
      const parts = sealed.split(".");
      const [version, keyId, iv, ciphertext, tag] = parts;
      if (
        parts.length !== 5 ||
        (version !== VERSION && version !== LEGACY_VERSION) ||
        !keyId ||
        iv === undefined ||
        ciphertext === undefined ||
        tag === undefined
      ) {
        throw new SecretBoxError("not a sealed secret");
      }
      const key = byId.get(keyId);
      if (!key) throw new SecretBoxError(`no key with id ${keyId} is configured`, "unknown_key");
      const ivBytes = Buffer.from(iv, "base64url");
      const tagBytes = Buffer.from(tag, "base64url");
      // Security: GCM accepts tags as short as 4 bytes unless told otherwise, and a cut tag is far easier to forge.
      if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) throw new SecretBoxError("not a sealed secret");
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, ivBytes, { authTagLength: TAG_BYTES });
        decipher.setAAD(additionalData(version, keyId, at));
        decipher.setAuthTag(tagBytes);
        return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString(
          "utf8",
        );
      } catch {
        // Under a key we hold, so either altered or sealed for another place (copied from another row or column).
        // Where it was read is logged, never the value.
        log.error("sealed value does not open where it was read (moved from another row or column, or altered)", {
          table: at.table,
          column: at.column,
          row: at.row,
          format: version,
        });
        throw new SecretBoxError(
          `sealed value in ${at.table}.${at.column} does not belong to row ${at.row} or was altered`,
          "mismatch",
        );
      }
    },
    needsResealing(sealed) {
      const [version, keyId] = sealed.split(".");
      return version !== VERSION || keyId !== currentKeyId;
    },
  };
}
