import "server-only";
import { and, asc, eq, inArray, isNotNull, sql } from "drizzle-orm";
import type { Db } from "@/db";
import {
  authorizers,
  setupAccounts,
  setupPrivacyContacts,
  setupProfile,
  setupTesters,
  type ServerDomains,
  type SetupSnapshot,
  type StoredChecklistItem,
} from "@/db/schema";

/**
 * Mini program setup (schema: db/schema/setup.ts). The profile is the platform's (staff); per-account rows are read
 * by staff for any account and by a merchant only for their own (`merchantId` is a required argument there).
 */

export type SetupProfileRow = typeof setupProfile.$inferSelect;
export type SetupAccountRow = typeof setupAccounts.$inferSelect;
export type PrivacyContacts = Pick<
  typeof setupPrivacyContacts.$inferSelect,
  "contactEmail" | "contactPhone" | "contactQq" | "contactWeixin"
>;

export async function findSetupProfile(db: Db): Promise<SetupProfileRow | undefined> {
  const [row] = await db.select().from(setupProfile).where(eq(setupProfile.id, "default"));
  return row;
}

export async function saveSetupProfile(
  db: Pick<Db, "insert">,
  profile: Omit<SetupProfileRow, "id" | "updatedAt">,
): Promise<void> {
  await db
    .insert(setupProfile)
    .values({ id: "default", ...profile })
    .onConflictDoUpdate({ target: setupProfile.id, set: { ...profile, updatedAt: sql`now()` } });
}

/** Staff scope: any account. */
export async function findSetupAccount(db: Db, appId: string): Promise<SetupAccountRow | undefined> {
  const [row] = await db.select().from(setupAccounts).where(eq(setupAccounts.appId, appId));
  return row;
}

/** Merchant scope: the account's setup state only if this merchant holds the account. */
export async function findMerchantSetupAccount(db: Db, merchantId: string, appId: string) {
  const [row] = await db
    .select({
      snapshot: setupAccounts.snapshot,
      checklist: setupAccounts.checklist,
      readAt: setupAccounts.readAt,
      appliedAt: setupAccounts.appliedAt,
      applied: setupAccounts.applied,
    })
    .from(setupAccounts)
    .innerJoin(authorizers, eq(authorizers.appId, setupAccounts.appId))
    .where(and(eq(setupAccounts.appId, appId), eq(authorizers.merchantId, merchantId)));
  return row;
}

/** Merges a partial snapshot into the stored one (events and reads each bring a part). */
export async function mergeSetupSnapshot(
  db: Db,
  appId: string,
  part: SetupSnapshot,
  stamps: { readAt?: Date } = {},
): Promise<SetupAccountRow> {
  const [row] = await db
    .insert(setupAccounts)
    .values({ appId, snapshot: part, readAt: stamps.readAt ?? null })
    .onConflictDoUpdate({
      target: setupAccounts.appId,
      set: {
        snapshot: sql`${setupAccounts.snapshot} || ${JSON.stringify(part)}::jsonb`,
        ...(stamps.readAt && { readAt: stamps.readAt }),
        updatedAt: sql`now()`,
      },
    })
    .returning();
  return row!;
}

export async function saveChecklist(
  db: Db,
  appId: string,
  checklist: StoredChecklistItem[],
  blockingItem: string | null,
) {
  await db
    .update(setupAccounts)
    .set({ checklist, blockingItem, updatedAt: sql`now()` })
    .where(eq(setupAccounts.appId, appId));
}

export async function recordApplied(
  db: Db,
  appId: string,
  applied: { serverDomains: ServerDomains; webviewDomains: string[] },
) {
  await db
    .insert(setupAccounts)
    .values({ appId, applied, appliedAt: sql`now()` as unknown as Date })
    .onConflictDoUpdate({
      target: setupAccounts.appId,
      set: { applied, appliedAt: sql`now()`, updatedAt: sql`now()` },
    });
}

/** Which of these accounts have a blocking checklist item (the staff list's "not ready for audit"). */
export async function listBlockedAppIds(db: Db, appIds?: string[]): Promise<Map<string, string>> {
  const rows = await db
    .select({ appId: setupAccounts.appId, item: setupAccounts.blockingItem })
    .from(setupAccounts)
    .where(
      appIds
        ? and(isNotNull(setupAccounts.blockingItem), inArray(setupAccounts.appId, appIds))
        : isNotNull(setupAccounts.blockingItem),
    );
  return new Map(rows.map((r) => [r.appId, r.item!]));
}

/** Authorized mini programs (staff: the batch apply's choice), with their blocking item if any. */
export async function listSetupCandidates(db: Db) {
  return db
    .select({
      appId: authorizers.appId,
      nickName: authorizers.nickName,
      merchantId: authorizers.merchantId,
      funcIds: authorizers.funcIds,
      blockingItem: setupAccounts.blockingItem,
      appliedAt: setupAccounts.appliedAt,
    })
    .from(authorizers)
    .leftJoin(setupAccounts, eq(setupAccounts.appId, authorizers.appId))
    .where(and(eq(authorizers.kind, "mini_program"), eq(authorizers.status, "authorized")))
    .orderBy(asc(authorizers.createdAt), asc(authorizers.appId));
}

// --- privacy contacts --------------------------------------------------------------------------

/** Unscoped: the apply step (staff or system) reads the account's contacts to send them to WeChat. */
export async function unsafeFindPrivacyContacts(db: Db, appId: string): Promise<PrivacyContacts | undefined> {
  const [row] = await db.select().from(setupPrivacyContacts).where(eq(setupPrivacyContacts.appId, appId));
  return row;
}

export async function findMerchantPrivacyContacts(
  db: Db,
  merchantId: string,
  appId: string,
): Promise<PrivacyContacts | undefined> {
  const [row] = await db
    .select()
    .from(setupPrivacyContacts)
    .where(and(eq(setupPrivacyContacts.appId, appId), eq(setupPrivacyContacts.merchantId, merchantId)));
  return row;
}

export async function saveMerchantPrivacyContacts(
  db: Db,
  merchantId: string,
  appId: string,
  contacts: PrivacyContacts,
): Promise<boolean> {
  const [owned] = await db
    .select({ appId: authorizers.appId })
    .from(authorizers)
    .where(and(eq(authorizers.appId, appId), eq(authorizers.merchantId, merchantId)));
  if (!owned) return false;
  await db
    .insert(setupPrivacyContacts)
    .values({ appId, merchantId, ...contacts })
    .onConflictDoUpdate({
      target: setupPrivacyContacts.appId,
      set: { merchantId, ...contacts, updatedAt: sql`now()` },
    });
  return true;
}

// --- testers -----------------------------------------------------------------------------------

export async function listKnownTesters(db: Db, appId: string) {
  return db
    .select({ wechatId: setupTesters.wechatId, userstr: setupTesters.userstr, createdAt: setupTesters.createdAt })
    .from(setupTesters)
    .where(eq(setupTesters.appId, appId));
}

export async function rememberTester(db: Db, appId: string, wechatId: string, userstr: string) {
  await db
    .insert(setupTesters)
    .values({ appId, wechatId, userstr })
    .onConflictDoUpdate({ target: [setupTesters.appId, setupTesters.userstr], set: { wechatId } });
}

export async function forgetTester(db: Db, appId: string, userstr: string) {
  await db.delete(setupTesters).where(and(eq(setupTesters.appId, appId), eq(setupTesters.userstr, userstr)));
}
