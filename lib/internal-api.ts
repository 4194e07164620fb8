import { createHash, timingSafeEqual } from "node:crypto";

const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();

/**
 * Service keys for the internal API (`INTERNAL_API_KEYS`). A presented key is compared with every configured
 * key in constant time (digests of equal length, no early exit), so timing reveals neither which key nor how
 * much of one matched. Returns a short, stable label for the matching key (for logs), or null.
 */
export function createServiceKeyVerifier(keys: readonly string[]) {
  const configured = keys.map((key) => ({
    digest: digest(key),
    label: `key:${digest(key).toString("hex").slice(0, 8)}`,
  }));
  return function verify(authorization: string | null): string | null {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
    const presented = digest(match?.[1] ?? "");
    let label: string | null = null;
    for (const key of configured) {
      if (timingSafeEqual(key.digest, presented) && match) label = key.label;
    }
    return label;
  };
}
