import { randomBytes } from "node:crypto";
import { eq, getTableColumns, getTableName, is } from "drizzle-orm";
import { PgTable } from "drizzle-orm/pg-core";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { describe, expect, it, vi } from "vitest";
import type { Db } from "@/db";
import * as schema from "@/db/schema";
import { authorizers, merchants, wechatComponent } from "@/db/schema";
import { createSecretBox, type SecretBox } from "@/lib/secrets";
import { rotateSealedSecrets, SEALED_COLUMNS } from "@/lib/tokens/rotate-secrets";
import { useTestDatabase } from "../support/use-test-database";

// Re-sealing tokens at rest after SECRETS_KEY changed, on a real database (PGlite, or PostgreSQL with DATABASE_URL).
describe("rotateSealedSecrets", () => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  const oldBox = createSecretBox([oldKey]);
  const newBox = createSecretBox([newKey]);
  /** What every instance runs with during the rotation: SECRETS_KEY=new, SECRETS_KEY_PREVIOUS=old. */
  const rotatingBox = createSecretBox([newKey, oldKey]);
  const database = useTestDatabase();

  /** The component token, five authorizers (one without an access token) and two merchants' webhook secrets (of three), sealed by `box`. */
  async function seed(box: SecretBox) {
    await database.db.insert(wechatComponent).values({ appId: "wxcomponent00000001", accessTokenSealed: box.seal("component-token") });
    await database.db.insert(authorizers).values(
      [1, 2, 3, 4, 5].map((i) => ({
        appId: `wxauthorizer0000000${i}`,
        refreshTokenSealed: box.seal(`refresh-${i}`),
        accessTokenSealed: i === 3 ? null : box.seal(`access-${i}`),
      })),
    );
    await database.db.insert(merchants).values([1, 2, 3].map((i) => ({ name: `m${i}`, webhookSecretSealed: i === 2 ? null : box.seal(`whsec_${i}`) })));
  }

  async function sealedValues(): Promise<Record<string, string>> {
    const values: Record<string, string> = {};
    for (const row of await database.db.select().from(wechatComponent)) {
      if (row.accessTokenSealed) values[`${row.appId}.access`] = row.accessTokenSealed;
    }
    for (const row of await database.db.select().from(authorizers)) {
      if (row.refreshTokenSealed) values[`${row.appId}.refresh`] = row.refreshTokenSealed;
      if (row.accessTokenSealed) values[`${row.appId}.access`] = row.accessTokenSealed;
    }
    for (const row of await database.db.select().from(merchants)) {
      if (row.webhookSecretSealed) values[`${row.name}.webhook`] = row.webhookSecretSealed;
    }
    return values;
  }

  const opened = (values: Record<string, string>, box: SecretBox) =>
    Object.fromEntries(Object.entries(values).map(([where, sealed]) => [where, box.open(sealed)]));

  const counts = (scanned: number[], resealed: number[], failed = [0, 0, 0, 0]) => [
    { table: "wechat_component", column: "access_token_sealed", scanned: scanned[0], resealed: resealed[0], failed: failed[0] },
    { table: "authorizers", column: "refresh_token_sealed", scanned: scanned[1], resealed: resealed[1], failed: failed[1] },
    { table: "authorizers", column: "access_token_sealed", scanned: scanned[2], resealed: resealed[2], failed: failed[2] },
    { table: "merchants", column: "webhook_secret_sealed", scanned: scanned[3], resealed: resealed[3], failed: failed[3] },
  ];

  it("knows every sealed column of the schema", () => {
    const inSchema = Object.values(schema)
      .filter((table) => is(table, PgTable))
      .flatMap((table) => Object.values(getTableColumns(table)).map((c) => `${getTableName(table)}.${c.name}`))
      .filter((name) => name.endsWith("_sealed"));
    const listed = SEALED_COLUMNS.map(({ table, column }) => `${getTableName(table)}.${column.name}`);
    expect(listed.sort()).toEqual(inSchema.sort());
  });

  it("re-seals every value under the new key, in batches, keeping the plaintexts; a second run has nothing to do", async () => {
    await seed(oldBox);
    const before = await sealedValues();
    expect(() => opened(before, newBox)).toThrow(/no key with id/);

    const first = await rotateSealedSecrets({ db: database.db, secretBox: rotatingBox, batchSize: 2 });
    expect(first).toEqual(counts([1, 5, 4, 2], [1, 5, 4, 2]));

    const after = await sealedValues();
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    expect(opened(after, newBox)).toEqual(opened(before, oldBox));
    expect(opened(after, newBox)["wxauthorizer00000002.refresh"]).toBe("refresh-2");
    expect(opened(after, newBox)["m3.webhook"]).toBe("whsec_3");

    const second = await rotateSealedSecrets({ db: database.db, secretBox: rotatingBox, batchSize: 2 });
    expect(second).toEqual(counts([1, 5, 4, 2], [0, 0, 0, 0]));
    expect(await sealedValues()).toEqual(after);
  });

  it("leaves a value no configured key opens exactly as it is, counts it as failed and logs where it is, not what", async () => {
    await seed(oldBox);
    const lost = createSecretBox([randomBytes(32)]).seal("refresh-from-a-lost-key");
    await database.db.update(authorizers).set({ refreshTokenSealed: lost }).where(eq(authorizers.appId, "wxauthorizer00000004"));
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    let results;
    let logged: string;
    try {
      results = await rotateSealedSecrets({ db: database.db, secretBox: rotatingBox });
    } finally {
      logged = stderr.mock.calls.map(([line]) => String(line)).join("");
      stderr.mockRestore();
    }

    expect(results).toEqual(counts([1, 5, 4, 2], [1, 4, 4, 2], [0, 1, 0, 0]));
    const [row] = await database.db.select().from(authorizers).where(eq(authorizers.appId, "wxauthorizer00000004"));
    expect(row?.refreshTokenSealed).toBe(lost);
    expect(newBox.open(row!.accessTokenSealed!)).toBe("access-4");

    expect(logged).toContain("wxauthorizer00000004");
    expect(logged).toContain("refresh_token_sealed");
    expect(logged).not.toContain(lost);
    expect(logged).not.toContain(lost.split(".")[3]);
  });

  it("never overwrites a value the app replaced between the rotation's read and its write", async () => {
    await seed(oldBox);
    // One connection, as PGlite has, so the app's write reaches the database between the rotation's read and write.
    const client = database.databaseUrl ? postgres(database.databaseUrl, { max: 1, onnotice: () => {} }) : undefined;
    const db = client ? (drizzle({ client, schema }) as unknown as Db) : database.db;
    const target = "wxauthorizer00000002";
    const [row] = await database.db.select().from(authorizers).where(eq(authorizers.appId, target));
    let appWrite: Promise<unknown> | undefined;
    // A token refresh lands while the rotation holds the old value: the app seals the new token under the new key.
    const racingBox: SecretBox = {
      ...rotatingBox,
      open(sealed) {
        const plaintext = rotatingBox.open(sealed);
        if (sealed === row?.refreshTokenSealed) {
          appWrite = db
            .update(authorizers)
            .set({ refreshTokenSealed: rotatingBox.seal("refresh-2-refreshed") })
            .where(eq(authorizers.appId, target))
            .then(() => undefined);
        }
        return plaintext;
      },
    };

    let results;
    try {
      results = await rotateSealedSecrets({ db, secretBox: racingBox });
      await appWrite;
    } finally {
      await client?.end();
    }

    expect(appWrite).toBeDefined();
    expect(results).toEqual(counts([1, 5, 4, 2], [1, 4, 4, 2]));
    const after = opened(await sealedValues(), newBox);
    expect(after[`${target}.refresh`]).toBe("refresh-2-refreshed");
    expect(after["wxauthorizer00000001.refresh"]).toBe("refresh-1");
    expect(after[`${target}.access`]).toBe("access-2");
  });
});
