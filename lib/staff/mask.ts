/**
 * Masking of stored payloads before staff see them (the account timeline shows WeChat's pushes as JSON).
 * Pure: no Next, no database, so it is unit-tested directly.
 */

/** Words that make a key a credential: its value is never shown. */
const SECRET_WORDS = new Set([
  "token",
  "ticket",
  "code",
  "secret",
  "password",
  "passwd",
  "key",
  "signature",
  "sig",
  "credential",
  "credentials",
]);
/** Fragments that make a key a credential even when run together (`accesstoken`, `encodingaeskey`). */
const SECRET_FRAGMENTS = ["token", "ticket", "secret", "password", "aeskey", "apikey", "privatekey"];
/** A key ending in one of these is about a credential (its expiry, its age), not the credential itself. */
const METADATA_WORDS = new Set([
  "time",
  "at",
  "in",
  "expires",
  "expiry",
  "expired",
  "count",
  "changed",
  "recovered",
  "source",
]);
/** Not credentials although their words match (WeChat's error code field). */
const PUBLIC_KEYS = new Set(["errcode", "err_code"]);

export const MASKED = "•••• (masked)";

function words(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/** True when a JSON key names a credential: token, ticket, code, secret, password, key… (not their expiry). */
export function isSecretKey(key: string): boolean {
  const lower = key.toLowerCase();
  if (PUBLIC_KEYS.has(lower)) return false;
  const parts = words(key);
  const last = parts.at(-1);
  if (last && METADATA_WORDS.has(last)) return false;
  if (parts.some((w) => SECRET_WORDS.has(w))) return true;
  return SECRET_FRAGMENTS.some((f) => lower.includes(f));
}

/** Authorization codes are single-use and short-lived: staff may see enough of one to match it with WeChat's logs. */
function isAuthorizationCodeKey(key: string): boolean {
  return /^authorization_?code$/i.test(key);
}

/** `queryauthcode@@@Abc…3f` → `quer…3f (masked)`; short values are masked whole. */
export function maskPartially(value: string): string {
  return value.length >= 12 ? `${value.slice(0, 4)}…${value.slice(-2)} (masked)` : MASKED;
}

/**
 * A deep copy of `value` in which every value under a secret-looking key is masked. AuthorizationCode keeps its
 * first 4 and last 2 characters; everything else is replaced whole (objects and arrays included).
 */
export function maskSecrets(value: unknown, key?: string): unknown {
  if (key !== undefined && isSecretKey(key) && value !== null && value !== "") {
    if (isAuthorizationCodeKey(key) && typeof value === "string") return maskPartially(value);
    return MASKED;
  }
  if (Array.isArray(value)) return value.map((item) => maskSecrets(item));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, maskSecrets(v, k)]));
  }
  return value;
}
