import { randomBytes, randomUUID } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createSecretBox, keyIdOf, sealedAt, SecretBoxError } from "@/lib/secrets";
import { sealV1 } from "../support/legacy-secrets";

/** The same value with its tag cut to `bytes` bytes. */
const cutTag = (sealed: string, bytes: number) => {
  const parts = sealed.split(".");
  parts[4] = Buffer.from(parts[4]!, "base64url").subarray(0, bytes).toString("base64url");
  return parts.join(".");
};

/** Lines written to stderr (where warnings and errors are logged) while `fn` runs. */
function stderrDuring(fn: () => void): string {
  const spy = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  try {
    fn();
    return spy.mock.calls.map(([line]) => String(line)).join("");
  } finally {
    spy.mockRestore();
  }
}

describe("secret box", () => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  const refreshOfA = sealedAt.authorizerRefreshToken("wx1111111111111111");

  afterEach(() => vi.restoreAllMocks());

  it("seals with a fresh IV, in the bound format, and opens what it sealed in the same place", () => {
    const box = createSecretBox([newKey]);
    const a = box.seal("refreshtoken@@@abc", refreshOfA);
    const b = box.seal("refreshtoken@@@abc", refreshOfA);
    expect(a).not.toBe(b);
    expect(a).not.toContain("refreshtoken");
    expect(box.open(a, refreshOfA)).toBe("refreshtoken@@@abc");
    expect(box.open(a, { table: "authorizers", column: "refresh_token_sealed", row: "wx1111111111111111" })).toBe(
      "refreshtoken@@@abc",
    );
    const [version, keyId, iv, , tag] = a.split(".");
    expect([version, keyId]).toEqual(["v2", keyIdOf(newKey)]);
    expect(Buffer.from(iv!, "base64url")).toHaveLength(12);
    expect(Buffer.from(tag!, "base64url")).toHaveLength(16);
  });

  it("opens values sealed under a previous key after rotation", () => {
    const sealedOld = createSecretBox([oldKey]).seal("old value", refreshOfA);
    const rotated = createSecretBox([newKey, oldKey]);
    expect(rotated.open(sealedOld, refreshOfA)).toBe("old value");
    expect(rotated.seal("x", refreshOfA).split(".")[1]).toBe(rotated.currentKeyId);
  });

  it("a value moved to another row or column does not open there, and the log says where, never what", () => {
    const box = createSecretBox([newKey]);
    const merchantId = randomUUID();
    const refreshToken = "refreshtoken@@@the-account-of-someone-else";
    const sealed = box.seal(refreshToken, refreshOfA);
    const elsewhere = [
      // A refresh token pasted into a merchant's webhook secret (the merchant would be shown it).
      sealedAt.merchantWebhookSecret(merchantId),
      // Into another account's row.
      sealedAt.authorizerRefreshToken("wx2222222222222222"),
      // Into the access token column of its own row.
      sealedAt.authorizerAccessToken("wx1111111111111111"),
      sealedAt.componentAccessToken("wx1111111111111111"),
    ];
    for (const at of elsewhere) {
      let error: unknown;
      const logged = stderrDuring(() => {
        try {
          box.open(sealed, at);
        } catch (e) {
          error = e;
        }
      });
      expect(error).toBeInstanceOf(SecretBoxError);
      expect((error as SecretBoxError).reason).toBe("mismatch");
      expect((error as Error).message).not.toContain(refreshToken);
      const line = JSON.parse(logged.trim()) as Record<string, unknown>;
      expect(line).toMatchObject({ level: "error", table: at.table, column: at.column, row: at.row });
      expect(logged).not.toContain(refreshToken);
      expect(logged).not.toContain(sealed.split(".")[3]);
    }
    // Still opens where it belongs.
    expect(box.open(sealed, refreshOfA)).toBe(refreshToken);
  });

  it("still opens values of the previous, unbound format (v1) wherever they are, and says they need re-sealing", () => {
    const box = createSecretBox([newKey, oldKey]);
    const legacy = sealV1(newKey, "whsec_legacy");
    const legacyOld = sealV1(oldKey, "refreshtoken@@@legacy");
    expect(box.open(legacy, sealedAt.merchantWebhookSecret(randomUUID()))).toBe("whsec_legacy");
    expect(box.open(legacyOld, refreshOfA)).toBe("refreshtoken@@@legacy");
    // Under the current key, but unbound: the rotation converts it.
    expect(box.needsResealing(legacy)).toBe(true);
    expect(box.needsResealing(legacyOld)).toBe(true);
  });

  it("refuses a tag cut short (GCM would accept 4 bytes), in both formats", () => {
    const box = createSecretBox([newKey]);
    const sealed = box.seal("value", refreshOfA);
    const legacy = sealV1(newKey, "value");
    for (const bytes of [4, 8, 12, 15]) {
      expect(() => box.open(cutTag(sealed, bytes), refreshOfA)).toThrow(SecretBoxError);
      expect(() => box.open(cutTag(legacy, bytes), refreshOfA)).toThrow(SecretBoxError);
    }
    const longer = sealed.split(".");
    longer[4] = Buffer.concat([Buffer.from(longer[4]!, "base64url"), Buffer.from([0])]).toString("base64url");
    expect(() => box.open(longer.join("."), refreshOfA)).toThrow(SecretBoxError);
    expect(box.open(sealed, refreshOfA)).toBe("value");
  });

  it("refuses tampered values, unknown keys and garbage", () => {
    const box = createSecretBox([newKey]);
    const sealed = box.seal("value", refreshOfA);
    const parts = sealed.split(".");
    const tampered = [...parts.slice(0, 3), Buffer.from("vaLue").toString("base64url"), parts[4]].join(".");
    stderrDuring(() => expect(() => box.open(tampered, refreshOfA)).toThrow(SecretBoxError));
    // A bound value relabelled as unbound does not open either.
    stderrDuring(() => expect(() => box.open(["v1", ...parts.slice(1)].join("."), refreshOfA)).toThrow(SecretBoxError));
    expect(() => createSecretBox([oldKey]).open(sealed, refreshOfA)).toThrow(/no key with id/);
    expect(() => box.open("plain text", refreshOfA)).toThrow(SecretBoxError);
    expect(() => box.open(`v3.${box.currentKeyId}.a.b.c`, refreshOfA)).toThrow(SecretBoxError);
    expect(() => box.open(`${sealed}.extra`, refreshOfA)).toThrow(SecretBoxError);
    expect(() => createSecretBox([randomBytes(16)])).toThrow(SecretBoxError);
  });

  it("needs resealing exactly the values not sealed, bound, under the current key", () => {
    const rotated = createSecretBox([newKey, oldKey]);
    expect(rotated.needsResealing(rotated.seal("value", refreshOfA))).toBe(false);
    expect(rotated.needsResealing(createSecretBox([oldKey]).seal("value", refreshOfA))).toBe(true);
    expect(rotated.needsResealing(createSecretBox([randomBytes(32)]).seal("value", refreshOfA))).toBe(true);
    expect(createSecretBox([oldKey, newKey]).needsResealing(rotated.seal("value", refreshOfA))).toBe(true);
    expect(rotated.needsResealing(sealV1(newKey, "value"))).toBe(true);
    expect(rotated.needsResealing("plain text")).toBe(true);
    expect(rotated.needsResealing(`v3.${rotated.currentKeyId}.a.b.c`)).toBe(true);
  });
});
