import { createCipheriv, randomBytes } from "node:crypto";
import { keyIdOf } from "@/lib/secrets";

/**
 * A value as the release before bound secrets sealed it (`v1`: AES-256-GCM, the key id as the only additional
 * data, bound to no place): what a database upgraded from it still holds until `npm run secrets:rotate`.
 */
export function sealV1(key: Buffer, plaintext: string): string {
  const keyId = keyIdOf(key);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(keyId));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [
    "v1",
    keyId,
    iv.toString("base64url"),
    ciphertext.toString("base64url"),
    cipher.getAuthTag().toString("base64url"),
  ].join(".");
}
