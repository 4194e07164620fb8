import { beforeEach, describe, expect, it } from "vitest";
import { createMerchantWithUser, findUserByEmail } from "@/db/queries/users";
import { BLOCK_AFTER_FAILURES, checkCredentials, loginDelayMs } from "@/lib/auth/credentials";
import { hashPassword, needsRehash, verifyPassword, type ScryptCost } from "@/lib/auth/password";
import { ensureStaffAccount } from "@/lib/auth/staff";
import { withTestDatabase } from "../support/with-test-database";

describe("passwords", () => {
  it("hashes with scrypt and a per-password salt, and verifies only the right password", async () => {
    const a = await hashPassword("correct horse battery");
    const b = await hashPassword("correct horse battery");
    // OWASP's minimum for scrypt: N=2^17, r=8, p=1.
    expect(a).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword("correct horse battery", a)).toBe(true);
    expect(await verifyPassword("correct horse batterY", a)).toBe(false);
    expect(await verifyPassword("x", "not-a-hash")).toBe(false);
    expect(needsRehash(a)).toBe(false);
  });

  it("still verifies hashes made with the earlier parameters (N=2^15), and marks them for an upgrade", async () => {
    const old = await hashPassword("correct horse battery", { N: 2 ** 15, r: 8, p: 1 });
    expect(old).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword("correct horse battery", old)).toBe(true);
    expect(needsRehash(old)).toBe(true);
  });

  it("refuses stored parameters that are not ours instead of running them", async () => {
    const good = await hashPassword("pw", { N: 2 ** 10, r: 8, p: 1 });
    const [, , r, p, salt, hash] = good.split("$");
    for (const n of ["3", "0", String(2 ** 24), "1e3", ""])
      expect(await verifyPassword("pw", ["scrypt", n, r, p, salt, hash].join("$"))).toBe(false);
    expect(await verifyPassword("pw", `${good}$extra`)).toBe(false);
    expect(await verifyPassword("pw", good)).toBe(true);
  });
});

describe("sign-in checks and sign-up (real database)", () => {
  const database = withTestDatabase();
  const slept: number[] = [];
  const sleep = async (ms: number) => {
    slept.push(ms);
  };
  beforeEach(async () => {
    slept.length = 0;
  });

  // Small scrypt parameters where the cost is not what is tested (a full-cost hash takes about a second here).
  const FAST: ScryptCost = { N: 2 ** 10, r: 8, p: 1 };
  async function merchant(email = "owner@example.com", passwordHash?: string) {
    return createMerchantWithUser(database.db, {
      businessName: "示例商家",
      email,
      passwordHash: passwordHash ?? (await hashPassword("correct horse battery", FAST)),
    });
  }
  const attempt = (password: string, email = "owner@example.com", address = "203.0.113.7") =>
    checkCredentials(database.db, { email, password, address }, { sleep, cost: FAST });

  it("signs in with the right password (email case-insensitive) and refuses a wrong one or an unknown email alike", async () => {
    const created = await merchant();
    expect(await attempt("correct horse battery", "OWNER@example.com")).toMatchObject({
      ok: true,
      user: { role: "merchant", merchantId: created!.merchantId },
    });
    expect(await attempt("wrong")).toEqual({ ok: false, reason: "invalid_credentials" });
    expect(await attempt("correct horse battery", "nobody@example.com")).toEqual({
      ok: false,
      reason: "invalid_credentials",
    });
  });

  it("slows down repeated failures, then stops checking even the right password", async () => {
    await merchant();
    for (let i = 0; i < BLOCK_AFTER_FAILURES; i++) expect((await attempt("wrong")).ok).toBe(false);
    expect(slept).toEqual([250, 500, 1000, 2000, 4000, 4000, 4000]);
    expect(await attempt("correct horse battery")).toEqual({ ok: false, reason: "too_many_attempts" });
    // Another account from the same address is slowed, not locked out.
    await merchant("colleague@example.com");
    expect(await attempt("correct horse battery", "colleague@example.com")).toMatchObject({ ok: true });
  });

  it("forgets earlier failures after a successful sign-in", async () => {
    await merchant();
    for (let i = 0; i < 4; i++) await attempt("wrong");
    expect((await attempt("correct horse battery")).ok).toBe(true);
    slept.length = 0;
    await attempt("wrong", "owner@example.com", "198.51.100.1");
    expect(slept).toEqual([]);
    expect(loginDelayMs(2)).toBe(0);
  });

  it("checks at most 10 of 50 parallel wrong guesses for one email; the rest are refused unchecked", async () => {
    await merchant();
    let checks = 0;
    const checkPassword = async (password: string, stored: string | null) => {
      checks += 1;
      return stored ? verifyPassword(password, stored) : false;
    };
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        checkCredentials(
          database.db,
          { email: "owner@example.com", password: `guess-${i}`, address: `198.51.100.${i}` },
          { sleep, checkPassword, cost: FAST },
        ),
      ),
    );
    expect(checks).toBe(BLOCK_AFTER_FAILURES);
    expect(results.filter((r) => !r.ok && r.reason === "invalid_credentials")).toHaveLength(BLOCK_AFTER_FAILURES);
    expect(results.filter((r) => !r.ok && r.reason === "too_many_attempts")).toHaveLength(50 - BLOCK_AFTER_FAILURES);
    // The right password is not checked either until the window passes.
    expect(await attempt("correct horse battery")).toEqual({ ok: false, reason: "too_many_attempts" });
    expect(checks).toBe(BLOCK_AFTER_FAILURES);
  });

  it("counts guesses for unknown emails the same way", async () => {
    let checks = 0;
    const checkPassword = async () => (checks++, false);
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        checkCredentials(
          database.db,
          { email: "nobody@example.com", password: `guess-${i}`, address: "203.0.113.9" },
          { sleep, checkPassword },
        ),
      ),
    );
    expect(checks).toBe(BLOCK_AFTER_FAILURES);
    expect(results.filter((r) => !r.ok && r.reason === "too_many_attempts")).toHaveLength(30 - BLOCK_AFTER_FAILURES);
  });

  it("upgrades a hash made with the earlier parameters at the next successful sign-in", async () => {
    const old = await hashPassword("correct horse battery", { N: 2 ** 15, r: 8, p: 1 });
    await merchant("legacy@example.com", old);
    /** A sign-in as the legacy user, at the default (full) cost. */
    const signIn = (password: string) =>
      checkCredentials(database.db, { email: "legacy@example.com", password, address: "203.0.113.7" }, { sleep });
    expect(await signIn("correct horse battery")).toMatchObject({ ok: true });
    const upgraded = (await findUserByEmail(database.db, "legacy@example.com"))!.passwordHash;
    expect(upgraded).not.toBe(old);
    expect(upgraded).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(await verifyPassword("correct horse battery", upgraded)).toBe(true);
    // A wrong password changes nothing, and an up-to-date hash is left as it is.
    await signIn("wrong");
    expect(await signIn("correct horse battery")).toMatchObject({ ok: true });
    expect((await findUserByEmail(database.db, "legacy@example.com"))!.passwordHash).toBe(upgraded);
  });

  it("refuses a second sign-up with the same email, whatever its case", async () => {
    expect(await merchant("dup@example.com")).not.toBeNull();
    expect(await merchant("DUP@example.com")).toBeNull();
  });

  it("creates the first staff account once and never overwrites it", async () => {
    expect(await ensureStaffAccount(database.db, { email: "Staff@Example.com", password: "first-password" })).toBe(
      "created",
    );
    expect(await ensureStaffAccount(database.db, { email: "staff@example.com", password: "other-password" })).toBe(
      "exists",
    );
    const staff = await findUserByEmail(database.db, "staff@example.com");
    expect(staff?.role).toBe("admin");
    expect(await verifyPassword("first-password", staff!.passwordHash)).toBe(true);
  });
});
