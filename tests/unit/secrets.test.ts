import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createSecretBox, keyIdOf, SecretBoxError } from "@/lib/secrets";

describe("secret box", () => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);

  it("seals with a fresh IV and opens what it sealed", () => {
    const box = createSecretBox([newKey]);
    const a = box.seal("refreshtoken@@@abc");
    const b = box.seal("refreshtoken@@@abc");
    expect(a).not.toBe(b);
    expect(a).not.toContain("refreshtoken");
    expect(box.open(a)).toBe("refreshtoken@@@abc");
    expect(a.split(".")[1]).toBe(keyIdOf(newKey));
  });

  it("opens values sealed under a previous key after rotation", () => {
    const sealedOld = createSecretBox([oldKey]).seal("old value");
    const rotated = createSecretBox([newKey, oldKey]);
    expect(rotated.open(sealedOld)).toBe("old value");
    expect(rotated.seal("x").split(".")[1]).toBe(rotated.currentKeyId);
  });

  it("refuses tampered values, unknown keys and garbage", () => {
    const box = createSecretBox([newKey]);
    const sealed = box.seal("value");
    const parts = sealed.split(".");
    const tampered = [...parts.slice(0, 3), Buffer.from("vaLue").toString("base64url"), parts[4]].join(".");
    expect(() => box.open(tampered)).toThrow(SecretBoxError);
    expect(() => createSecretBox([oldKey]).open(sealed)).toThrow(/no key with id/);
    expect(() => box.open("plain text")).toThrow(SecretBoxError);
    expect(() => createSecretBox([randomBytes(16)])).toThrow(SecretBoxError);
  });

  it("needs resealing exactly the values not sealed under the current key", () => {
    const rotated = createSecretBox([newKey, oldKey]);
    expect(rotated.needsResealing(rotated.seal("value"))).toBe(false);
    expect(rotated.needsResealing(createSecretBox([oldKey]).seal("value"))).toBe(true);
    expect(rotated.needsResealing(createSecretBox([randomBytes(32)]).seal("value"))).toBe(true);
    expect(createSecretBox([oldKey, newKey]).needsResealing(rotated.seal("value"))).toBe(true);
    expect(rotated.needsResealing("plain text")).toBe(true);
    expect(rotated.needsResealing(`v2.${rotated.currentKeyId}.a.b.c`)).toBe(true);
  });
});
