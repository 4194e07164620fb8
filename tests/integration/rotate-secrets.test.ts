import { randomBytes, randomUUID } from "node:crypto";
import { eq, getTableColumns, getTableName, is } from "drizzle-orm";
import { PgTable } from "drizzle-orm/pg-core";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { describe, expect, it, vi } from "vitest";
import type { Db } from "@/db";
import * as schema from "@/db/schema";
import { authorizers, merchants, wechatComponent } from "@/db/schema";
import { createSecretBox, keyIdOf, sealedAt, type SealContext, type SecretBox } from "@/lib/secrets";
import { rotateSealedSecrets, SEALED_COLUMNS } from "@/lib/tokens/rotate-secrets";
import { viewWebhookSecret } from "@/lib/webhooks/merchant-secret";
import { sealV1 } from "../support/legacy-secrets";
import { withTestDatabase } from "../support/with-test-database";

/** How the values are sealed in a test: by a box (bound, v2) or in the previous release's unbound v1 format. */
type Sealer = (plaintext: string, at: SealContext) => string;
const bound =
  (box: SecretBox): Sealer =>
  (plaintext, at) =>
    box.seal(plaintext, at);
const unbound =
  (key: Buffer): Sealer =>
  (plaintext) =>
    sealV1(key, plaintext);

// Re-sealing tokens at rest after SECRETS_KEY changed, on a real database (PGlite, or PostgreSQL with DATABASE_URL).
describe("rotateSealedSecrets", () => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  const oldBox = createSecretBox([oldKey]);
  const newBox = createSecretBox([newKey]);
  /** What every instance runs with during the rotation: SECRETS_KEY=new, SECRETS_KEY_PREVIOUS=old. */
  const rotatingBox = createSecretBox([newKey, oldKey]);
  const database = withTestDatabase();

  /** The component token, five authorizers (one without an access token) and two merchants' webhook secrets (of three), sealed by `seal`. */
  async function seed(seal: Sealer) {
    await database.db.insert(wechatComponent).values({
      appId: "wxcomponent00000001",
      accessTokenSealed: seal("component-token", sealedAt.componentAccessToken("wxcomponent00000001")),
    });
    await database.db.insert(authorizers).values(
      [1, 2, 3, 4, 5].map((i) => ({
        appId: `wxauthorizer0000000${i}`,
        refreshTokenSealed: seal(`refresh-${i}`, sealedAt.authorizerRefreshToken(`wxauthorizer0000000${i}`)),
        accessTokenSealed:
          i === 3 ? null : seal(`access-${i}`, sealedAt.authorizerAccessToken(`wxauthorizer0000000${i}`)),
      })),
    );
    await database.db.insert(merchants).values(
      [1, 2, 3].map((i) => {
        const id = randomUUID();
        return {
          id,
          name: `m${i}`,
          webhookSecretSealed: i === 2 ? null : seal(`whsec_${i}`, sealedAt.merchantWebhookSecret(id)),
        };
      }),
    );
  }

  /** Every sealed value in the database, by a readable name, with the place it is in. */
  async function sealedValues(): Promise<Record<string, { sealed: string; at: SealContext }>> {
    const values: Record<string, { sealed: string; at: SealContext }> = {};
    for (const row of await database.db.select().from(wechatComponent)) {
      if (row.accessTokenSealed)
        values[`${row.appId}.access`] = { sealed: row.accessTokenSealed, at: sealedAt.componentAccessToken(row.appId) };
    }
    for (const row of await database.db.select().from(authorizers)) {
      if (row.refreshTokenSealed)
        values[`${row.appId}.refresh`] = {
          sealed: row.refreshTokenSealed,
          at: sealedAt.authorizerRefreshToken(row.appId),
        };
      if (row.accessTokenSealed)
        values[`${row.appId}.access`] = {
          sealed: row.accessTokenSealed,
          at: sealedAt.authorizerAccessToken(row.appId),
        };
    }
    for (const row of await database.db.select().from(merchants)) {
      if (row.webhookSecretSealed)
        values[`${row.name}.webhook`] = { sealed: row.webhookSecretSealed, at: sealedAt.merchantWebhookSecret(row.id) };
    }
    return values;
  }

  const opened = (values: Awaited<ReturnType<typeof sealedValues>>, box: SecretBox) =>
    Object.fromEntries(Object.entries(values).map(([where, { sealed, at }]) => [where, box.open(sealed, at)]));
  const formats = (values: Awaited<ReturnType<typeof sealedValues>>) =>
    new Set(Object.values(values).map(({ sealed }) => sealed.split(".").slice(0, 2).join(".")));

  /** Runs `fn` with stderr (where errors are logged) captured; returns its result and what was logged. */
  async function capturingLog<T>(fn: () => Promise<T>): Promise<{ result: T; logged: string }> {
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      const result = await fn();
      return { result, logged: stderr.mock.calls.map(([line]) => String(line)).join("") };
    } finally {
      stderr.mockRestore();
    }
  }

  const counts = (scanned: number[], resealed: number[], failed = [0, 0, 0, 0]) => [
    {
      table: "wechat_component",
      column: "access_token_sealed",
      scanned: scanned[0],
      resealed: resealed[0],
      failed: failed[0],
    },
    {
      table: "authorizers",
      column: "refresh_token_sealed",
      scanned: scanned[1],
      resealed: resealed[1],
      failed: failed[1],
    },
    {
      table: "authorizers",
      column: "access_token_sealed",
      scanned: scanned[2],
      resealed: resealed[2],
      failed: failed[2],
    },
    {
      table: "merchants",
      column: "webhook_secret_sealed",
      scanned: scanned[3],
      resealed: resealed[3],
      failed: failed[3],
    },
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
    await seed(bound(oldBox));
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

  it("converts unbound (v1) values into values bound to their place, with the same key; a moved value then no longer opens", async () => {
    await seed(unbound(newKey));
    const before = await sealedValues();
    expect(formats(before)).toEqual(new Set([`v1.${keyIdOf(newKey)}`]));
    // Still readable by the app before the rotation (the change keeps old values working).
    const plaintexts = opened(before, newBox);
    expect(plaintexts["wxauthorizer00000002.refresh"]).toBe("refresh-2");

    const first = await rotateSealedSecrets({ db: database.db, secretBox: newBox, batchSize: 2 });
    expect(first).toEqual(counts([1, 5, 4, 2], [1, 5, 4, 2]));
    const after = await sealedValues();
    expect(formats(after)).toEqual(new Set([`v2.${keyIdOf(newKey)}`]));
    expect(opened(after, newBox)).toEqual(plaintexts);
    expect(await rotateSealedSecrets({ db: database.db, secretBox: newBox })).toEqual(
      counts([1, 5, 4, 2], [0, 0, 0, 0]),
    );

    // Now bound: an account's refresh token copied into a merchant's webhook secret does not open there.
    const [m1] = await database.db.select().from(merchants).where(eq(merchants.name, "m1"));
    const stolen = after["wxauthorizer00000002.refresh"]!.sealed;
    await database.db.update(merchants).set({ webhookSecretSealed: stolen }).where(eq(merchants.id, m1!.id));
    const { result: view, logged } = await capturingLog(async () => viewWebhookSecret(newBox, m1!.id, stolen));
    expect(view).toEqual({ kind: "unreadable" });
    expect(logged).toContain(m1!.id);
    expect(logged).toContain("webhook_secret_sealed");
    expect(logged).not.toContain("refresh-2");
  });

  it("reports a value moved to another row or column, and leaves it; v1 values are bound to where they are found", async () => {
    await seed(bound(newBox));
    const values = await sealedValues();
    const [m1] = await database.db.select().from(merchants).where(eq(merchants.name, "m1"));
    // Someone with write access to the database: a refresh token into a merchant's webhook secret, another account's
    // refresh token into account 4, and account 5's access token into its own refresh token column.
    const moved = {
      webhook: values["wxauthorizer00000001.refresh"]!.sealed,
      refresh4: values["wxauthorizer00000002.refresh"]!.sealed,
      refresh5: values["wxauthorizer00000005.access"]!.sealed,
    };
    await database.db.update(merchants).set({ webhookSecretSealed: moved.webhook }).where(eq(merchants.id, m1!.id));
    await database.db
      .update(authorizers)
      .set({ refreshTokenSealed: moved.refresh4 })
      .where(eq(authorizers.appId, "wxauthorizer00000004"));
    await database.db
      .update(authorizers)
      .set({ refreshTokenSealed: moved.refresh5 })
      .where(eq(authorizers.appId, "wxauthorizer00000005"));
    // And one unbound value from before the change: it opens anywhere, so the rotation binds it where it is.
    await database.db
      .update(authorizers)
      .set({ accessTokenSealed: sealV1(newKey, "access-1") })
      .where(eq(authorizers.appId, "wxauthorizer00000001"));

    const { result, logged } = await capturingLog(() => rotateSealedSecrets({ db: database.db, secretBox: newBox }));
    expect(result).toEqual(counts([1, 5, 4, 2], [0, 0, 1, 0], [0, 2, 0, 1]));

    // Left exactly as they were, and refused where they are.
    const after = await sealedValues();
    expect(after["m1.webhook"]!.sealed).toBe(moved.webhook);
    expect(after["wxauthorizer00000004.refresh"]!.sealed).toBe(moved.refresh4);
    expect(after["wxauthorizer00000005.refresh"]!.sealed).toBe(moved.refresh5);
    for (const name of ["m1.webhook", "wxauthorizer00000004.refresh", "wxauthorizer00000005.refresh"]) {
      expect(() => newBox.open(after[name]!.sealed, after[name]!.at)).toThrow(/does not belong to row/);
    }
    expect(after["wxauthorizer00000001.access"]!.sealed.startsWith("v2.")).toBe(true);
    expect(
      newBox.open(after["wxauthorizer00000001.access"]!.sealed, sealedAt.authorizerAccessToken("wxauthorizer00000001")),
    ).toBe("access-1");

    // Reported by place, never by value.
    for (const where of [m1!.id, "wxauthorizer00000004", "wxauthorizer00000005"]) expect(logged).toContain(where);
    for (const secret of ["refresh-1", "refresh-2", "access-5", ...Object.values(moved).map((v) => v.split(".")[3]!)]) {
      expect(logged).not.toContain(secret);
    }
  });

  it("leaves a value no configured key opens exactly as it is, counts it as failed and logs where it is, not what", async () => {
    await seed(bound(oldBox));
    const lost = createSecretBox([randomBytes(32)]).seal(
      "refresh-from-a-lost-key",
      sealedAt.authorizerRefreshToken("wxauthorizer00000004"),
    );
    await database.db
      .update(authorizers)
      .set({ refreshTokenSealed: lost })
      .where(eq(authorizers.appId, "wxauthorizer00000004"));
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
    expect(newBox.open(row!.accessTokenSealed!, sealedAt.authorizerAccessToken("wxauthorizer00000004"))).toBe(
      "access-4",
    );

    expect(logged).toContain("wxauthorizer00000004");
    expect(logged).toContain("refresh_token_sealed");
    expect(logged).not.toContain(lost);
    expect(logged).not.toContain(lost.split(".")[3]);
  });

  it("never overwrites a value the app replaced between the rotation's read and its write", async () => {
    await seed(bound(oldBox));
    // One connection, as PGlite has, so the app's write reaches the database between the rotation's read and write.
    const client = database.databaseUrl ? postgres(database.databaseUrl, { max: 1, onnotice: () => {} }) : undefined;
    const db = client ? (drizzle({ client, schema }) as unknown as Db) : database.db;
    const target = "wxauthorizer00000002";
    const [row] = await database.db.select().from(authorizers).where(eq(authorizers.appId, target));
    let appWrite: Promise<unknown> | undefined;
    // A token refresh lands while the rotation holds the old value: the app seals the new token under the new key.
    const racingBox: SecretBox = {
      ...rotatingBox,
      open(sealed, at) {
        const plaintext = rotatingBox.open(sealed, at);
        if (sealed === row?.refreshTokenSealed) {
          appWrite = db
            .update(authorizers)
            .set({
              refreshTokenSealed: rotatingBox.seal("refresh-2-refreshed", sealedAt.authorizerRefreshToken(target)),
            })
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
