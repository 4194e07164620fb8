import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/**
 * Secrets at rest (tokens): AES-256-GCM under SECRETS_KEY. Each sealed value names the key that sealed it,
 * so a new key can be introduced while old values still open.
 * Format: `v1.<keyId>.<iv>.<ciphertext>.<tag>` (base64url parts).
 */
export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
  /** True when `sealed` was not sealed under the current key (key rotation re-seals it). */
  needsResealing(sealed: string): boolean;
  readonly currentKeyId: string;
}

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretBoxError";
  }
}

export function keyIdOf(key: Buffer): string {
  return createHash("sha256").update(key).digest("base64url").slice(0, 8);
}

/** `keys[0]` seals; every key opens. */
export function createSecretBox(keys: Buffer[]): SecretBox {
  const [current] = keys;
  if (!current || keys.some((k) => k.length !== 32)) throw new SecretBoxError("secret keys must be 32 bytes");
  const byId = new Map(keys.map((k) => [keyIdOf(k), k] as const));
  const currentKeyId = keyIdOf(current);

  return {
    currentKeyId,
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", current, iv);
      cipher.setAAD(Buffer.from(currentKeyId));
      const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return ["v1", currentKeyId, iv.toString("base64url"), ciphertext.toString("base64url"), cipher.getAuthTag().toString("base64url")].join(".");
    },
    open(sealed) {
      const [version, keyId, iv, ciphertext, tag] = sealed.split(".");
      if (version !== "v1" || !keyId || iv === undefined || ciphertext === undefined || tag === undefined) {
        throw new SecretBoxError("not a sealed secret");
      }
      const key = byId.get(keyId);
      if (!key) throw new SecretBoxError(`no key with id ${keyId} is configured`);
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
        decipher.setAAD(Buffer.from(keyId));
        decipher.setAuthTag(Buffer.from(tag, "base64url"));
        return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
      } catch {
        throw new SecretBoxError("sealed secret failed authentication");
      }
    },
    needsResealing(sealed) {
      const [version, keyId] = sealed.split(".");
      return version !== "v1" || keyId !== currentKeyId;
    },
  };
}
