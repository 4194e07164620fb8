import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db";
import { listMerchantAuthorizerGrants } from "@/db/queries/authorizers";
import { authorizerGrants, authorizers } from "@/db/schema";
import { openTestDatabase } from "../support/database";
import { createMerchant } from "../support/portal";

// The reads behind a merchant's account page (/accounts/[appid]), on a real database.
describe("merchant account queries", () => {
  let database: Database & { drop(): Promise<void> };
  let owner: string;
  let other: string;
  const APP = "wx00000000000000c1";

  beforeAll(async () => {
    database = await openTestDatabase();
    const db = database.db;
    owner = (await createMerchant(database, "Owner Co")).merchantId;
    other = (await createMerchant(database, "Other Co")).merchantId;
    await db.insert(authorizers).values({ appId: APP, merchantId: owner, kind: "official_account", funcIds: [1] });
    // Twelve grants, the n-th granting n permission sets; plus another account's grant that must never show.
    for (let n = 1; n <= 12; n++) {
      await db.insert(authorizerGrants).values({
        appId: APP,
        source: n === 1 ? "callback" : "updateauthorized",
        funcIds: Array.from({ length: n }, (_, i) => i + 1),
        stateVersion: n,
      });
    }
    await db
      .insert(authorizerGrants)
      .values({ appId: "wx00000000000000c2", source: "callback", funcIds: [99], stateVersion: 1 });
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("grant history: the latest ones, newest first, only for the merchant holding the account", async () => {
    const grants = await listMerchantAuthorizerGrants(database.db, owner, APP, 10);
    expect(grants.map((g) => g.funcIds.length)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3]);
    expect(grants[0]).toEqual({ source: "updateauthorized", funcIds: expect.any(Array), createdAt: expect.any(Date) });
    expect(await listMerchantAuthorizerGrants(database.db, other, APP, 10)).toEqual([]);

    // Transferred to the other merchant: the history follows the account.
    await database.db.update(authorizers).set({ merchantId: other }).where(eq(authorizers.appId, APP));
    expect(await listMerchantAuthorizerGrants(database.db, owner, APP, 10)).toEqual([]);
    expect(await listMerchantAuthorizerGrants(database.db, other, APP, 3)).toHaveLength(3);
  });
});
