import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";

/**
 * scrypt from node:crypto (memory-hard, no native addon to build). Stored as
 * `scrypt$N$r$p$salt$hash` so parameters can be raised later without breaking old hashes: a hash made with
 * weaker ones is replaced at the owner's next successful sign-in (see `needsRehash`).
 */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/** OWASP Password Storage Cheat Sheet's minimum for scrypt: N=2^17, r=8, p=1 (128 MiB per hash). */
export const PASSWORD_COST: ScryptCost = { N: 2 ** 17, r: 8, p: 1 };
const KEY_LENGTH = 32;

// Bounds for parameters read back from a stored hash: anything else is not one of ours.
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;

function derive(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  // scrypt needs 128·N·r bytes for its table plus 128·r·p for the blocks, above node's 32 MiB default maxmem;
  // allow twice the table so the small remainder always fits.
  const maxmem = 256 * cost.N * cost.r;
  return new Promise((resolve, reject) =>
    scrypt(password.normalize("NFKC"), salt, KEY_LENGTH, { N: cost.N, r: cost.r, p: cost.p, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

function parseHash(stored: string): { cost: ScryptCost; salt: Buffer; hash: Buffer } | undefined {
  const [scheme, n, r, p, salt, hash, ...rest] = stored.split("$");
  if (scheme !== "scrypt" || !n || !r || !p || !salt || !hash || rest.length > 0) return undefined;
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  const powerOfTwo = Number.isInteger(cost.N) && cost.N >= 2 && cost.N <= MAX_N && (cost.N & (cost.N - 1)) === 0;
  const inRange = (v: number, max: number) => Number.isInteger(v) && v >= 1 && v <= max;
  if (!powerOfTwo || !inRange(cost.r, MAX_R) || !inRange(cost.p, MAX_P)) return undefined;
  return { cost, salt: Buffer.from(salt, "base64url"), hash: Buffer.from(hash, "base64url") };
}

/** Hashes with `PASSWORD_COST`; tests that only need some user pass a smaller `cost`. */
export async function hashPassword(password: string, cost: ScryptCost = PASSWORD_COST): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, cost);
  return ["scrypt", cost.N, cost.r, cost.p, salt.toString("base64url"), key.toString("base64url")].join("$");
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const actual = await derive(password, parsed.salt, parsed.cost);
  return parsed.hash.length === actual.length && timingSafeEqual(parsed.hash, actual);
}

/** Whether a stored hash was made with weaker parameters than `cost` (so it is replaced at the next sign-in). */
export function needsRehash(stored: string, cost: ScryptCost = PASSWORD_COST): boolean {
  const parsed = parseHash(stored);
  return !parsed || parsed.cost.N < cost.N || parsed.cost.r < cost.r || parsed.cost.p < cost.p;
}

/** Spends the same time as a real check at `cost`, so an unknown email is not told apart by timing. */
const dummyHashes = new Map<string, Promise<string>>();
export async function burnPasswordCheck(password: string, cost: ScryptCost = PASSWORD_COST): Promise<void> {
  const key = `${cost.N}$${cost.r}$${cost.p}`;
  let dummy = dummyHashes.get(key);
  if (!dummy) dummyHashes.set(key, (dummy = hashPassword("not-a-real-password", cost)));
  await verifyPassword(password, await dummy);
}
