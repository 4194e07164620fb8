import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMerchantWithUser, findUserByEmail } from "@/db/queries/users";
import { BLOCK_AFTER_FAILURES, checkCredentials, loginDelayMs } from "@/lib/auth/credentials";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { ensureStaffAccount } from "@/lib/auth/staff";
import { openTestDatabase, truncateAll } from "../support/database";

describe("passwords", () => {
  it("hashes with scrypt and a per-password salt, and verifies only the right password", async () => {
    const a = await hashPassword("correct horse battery");
    const b = await hashPassword("correct horse battery");
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword("correct horse battery", a)).toBe(true);
    expect(await verifyPassword("correct horse batterY", a)).toBe(false);
    expect(await verifyPassword("x", "not-a-hash")).toBe(false);
  });
});

describe("sign-in checks and sign-up (real database)", () => {
  let database: Awaited<ReturnType<typeof openTestDatabase>>;
  const slept: number[] = [];
  const sleep = async (ms: number) => {
    slept.push(ms);
  };

  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });
  beforeEach(async () => {
    await truncateAll(database);
    slept.length = 0;
  });

  async function merchant(email = "owner@example.com") {
    return createMerchantWithUser(database.db, { businessName: "示例商家", email, passwordHash: await hashPassword("correct horse battery") });
  }
  const attempt = (password: string, email = "owner@example.com", address = "203.0.113.7") =>
    checkCredentials(database.db, { email, password, address }, sleep);

  it("signs in with the right password (email case-insensitive) and refuses a wrong one or an unknown email alike", async () => {
    const created = await merchant();
    expect(await attempt("correct horse battery", "OWNER@example.com")).toMatchObject({ ok: true, user: { role: "merchant", merchantId: created!.merchantId } });
    expect(await attempt("wrong")).toEqual({ ok: false, reason: "invalid_credentials" });
    expect(await attempt("correct horse battery", "nobody@example.com")).toEqual({ ok: false, reason: "invalid_credentials" });
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

  it("refuses a second sign-up with the same email, whatever its case", async () => {
    expect(await merchant("dup@example.com")).not.toBeNull();
    expect(await merchant("DUP@example.com")).toBeNull();
  });

  it("creates the first staff account once and never overwrites it", async () => {
    expect(await ensureStaffAccount(database.db, { email: "Staff@Example.com", password: "first-password" })).toBe("created");
    expect(await ensureStaffAccount(database.db, { email: "staff@example.com", password: "other-password" })).toBe("exists");
    const staff = await findUserByEmail(database.db, "staff@example.com");
    expect(staff?.role).toBe("admin");
    expect(await verifyPassword("first-password", staff!.passwordHash)).toBe(true);
  });
});
