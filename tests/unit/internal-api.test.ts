import { describe, expect, it } from "vitest";
import { createServiceKeyVerifier } from "@/lib/internal-api";

describe("service key verifier", () => {
  const verify = createServiceKeyVerifier(["alpha-key-123", "beta-key-456"]);

  it("accepts each configured key as a Bearer token and labels it without revealing it", () => {
    const a = verify("Bearer alpha-key-123");
    const b = verify("bearer beta-key-456");
    expect(a).toMatch(/^key:[0-9a-f]{8}$/);
    expect(b).toMatch(/^key:[0-9a-f]{8}$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain("alpha");
  });

  it("refuses everything else", () => {
    for (const header of [
      null,
      "",
      "Bearer",
      "Bearer ",
      "alpha-key-123",
      "Basic alpha-key-123",
      "Bearer alpha-key-12",
      "Bearer alpha-key-1234",
      "Bearer alpha-key-123 extra",
    ]) {
      expect(verify(header)).toBeNull();
    }
  });

  it("with no keys configured, refuses everyone (even an empty bearer)", () => {
    const none = createServiceKeyVerifier([]);
    expect(none("Bearer ")).toBeNull();
    expect(none("Bearer anything")).toBeNull();
  });
});
