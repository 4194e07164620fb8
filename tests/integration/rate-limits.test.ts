import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { merchants, rateLimits, users } from "@/db/schema";
import type { ScryptCost } from "@/lib/auth/password";
import { signUpMerchant } from "@/lib/auth/sign-up";
import { SIGN_UP_LIMIT, takeRateLimit } from "@/lib/rate-limit";
import { withTestDatabase } from "../support/with-test-database";

// Rate limits on a real database (PGlite, or PostgreSQL with DATABASE_URL): counted in one statement, so parallel
// requests cannot all slip under the limit. Authorization starts: tests/integration/authorization-flow.test.ts.
describe("rate limits", () => {
  const database = withTestDatabase();
  const FAST: ScryptCost = { N: 2 ** 10, r: 8, p: 1 };
  const signUp = (i: number, address = "203.0.113.20") =>
    signUpMerchant(
      database.db,
      { businessName: `商家 ${i}`, email: `m${i}@example.com`, password: "correct horse battery", address },
      { cost: FAST },
    );

  it("sign-up: 20 parallel requests from one address create 5 merchants; the rest are refused with the wait", async () => {
    expect(SIGN_UP_LIMIT).toMatchObject({ limit: 5, windowSeconds: 3600 });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => signUp(i)));
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    const refused = results.filter((r) => !r.ok);
    expect(refused).toHaveLength(15);
    for (const r of refused) {
      expect(r).toMatchObject({ ok: false, reason: "rate_limited" });
      const wait = (r as { retryAfterSeconds: number }).retryAfterSeconds;
      expect(wait).toBeGreaterThan(3500);
      expect(wait).toBeLessThanOrEqual(3600);
    }
    expect(await database.db.$count(users)).toBe(5);
    expect(await database.db.$count(merchants)).toBe(5);
    // Another address is not affected.
    expect(await signUp(100, "198.51.100.20")).toMatchObject({ ok: true });
  });

  it("sign-up: a refused request creates nothing, and a duplicate email counts like any attempt", async () => {
    expect(await signUp(1)).toMatchObject({ ok: true });
    for (let i = 0; i < 4; i++) expect(await signUp(1)).toEqual({ ok: false, reason: "email_taken" });
    expect(await signUp(2)).toMatchObject({ ok: false, reason: "rate_limited" });
    expect(await database.db.select({ email: users.email }).from(users)).toEqual([{ email: "m1@example.com" }]);
  });

  it("a new window starts once the previous one has passed", async () => {
    const limit = { name: "test", limit: 2, windowSeconds: 600 };
    expect(await takeRateLimit(database.db, limit, "x")).toEqual({ ok: true });
    expect(await takeRateLimit(database.db, limit, "x")).toEqual({ ok: true });
    expect(await takeRateLimit(database.db, limit, "x")).toMatchObject({ ok: false });
    // Refused hits do not run away (the count stops just past the limit) and do not move the window.
    const [before] = await database.db.select().from(rateLimits).where(eq(rateLimits.key, "test:x"));
    expect(await takeRateLimit(database.db, limit, "x")).toMatchObject({ ok: false });
    const [after] = await database.db.select().from(rateLimits).where(eq(rateLimits.key, "test:x"));
    expect(after).toEqual({ ...before, hits: 3 });

    await database.db
      .update(rateLimits)
      .set({ windowStartedAt: sql`now() - interval '601 seconds'` })
      .where(eq(rateLimits.key, "test:x"));
    expect(await takeRateLimit(database.db, limit, "x")).toEqual({ ok: true });
    const [fresh] = await database.db.select().from(rateLimits).where(eq(rateLimits.key, "test:x"));
    expect(fresh!.hits).toBe(1);
    expect(Date.now() - fresh!.windowStartedAt.getTime()).toBeLessThan(60_000);
  });
});
