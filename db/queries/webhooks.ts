import { and, desc, eq, lt, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { merchants, webhookDeliveries, type WebhookAttempt } from "@/db/schema";

export interface MerchantWebhook {
  url: string | null;
  secretSealed: string | null;
}

export async function findMerchantWebhook(db: Db, merchantId: string): Promise<MerchantWebhook | undefined> {
  const [row] = await db
    .select({ url: merchants.webhookUrl, secretSealed: merchants.webhookSecretSealed })
    .from(merchants)
    .where(eq(merchants.id, merchantId));
  return row;
}

/**
 * Sets (or with null, clears) where the merchant's messages go. The signing secret is created with the first URL
 * (`secretSealed` is used only when the merchant has none) and kept when the URL changes, so the merchant's
 * verifier keeps working.
 */
export async function saveMerchantWebhook(
  db: Db,
  merchantId: string,
  url: string | null,
  secretSealed: string,
): Promise<void> {
  await db
    .update(merchants)
    .set({
      webhookUrl: url,
      webhookSecretSealed: sql`coalesce(${merchants.webhookSecretSealed}, ${secretSealed})`,
      webhookUpdatedAt: sql`now()`,
    })
    .where(eq(merchants.id, merchantId));
}

/** A new signing secret; the old one stops verifying at once. */
export async function replaceMerchantWebhookSecret(db: Db, merchantId: string, secretSealed: string): Promise<void> {
  await db
    .update(merchants)
    .set({ webhookSecretSealed: secretSealed, webhookUpdatedAt: sql`now()` })
    .where(eq(merchants.id, merchantId));
}

export interface DeliveryRow {
  id: number;
  appId: string;
  summary: string;
  status: "pending" | "delivered" | "failed";
  attempts: number;
  nextAttemptAt: Date;
  lastStatusCode: number | null;
  lastError: string | null;
  attemptLog: WebhookAttempt[];
  deliveredAt: Date | null;
  createdAt: Date;
}

/** The merchant's delivery log, newest first (keyset on id), optionally for one account. */
export async function listMerchantDeliveries(
  db: Db,
  merchantId: string,
  opts: { appId?: string; limit?: number; beforeId?: number } = {},
): Promise<DeliveryRow[]> {
  const where = [eq(webhookDeliveries.merchantId, merchantId)];
  if (opts.appId) where.push(eq(webhookDeliveries.appId, opts.appId));
  if (opts.beforeId) where.push(lt(webhookDeliveries.id, opts.beforeId));
  return db
    .select({
      id: webhookDeliveries.id,
      appId: webhookDeliveries.appId,
      summary: webhookDeliveries.summary,
      status: webhookDeliveries.status,
      attempts: webhookDeliveries.attempts,
      nextAttemptAt: webhookDeliveries.nextAttemptAt,
      lastStatusCode: webhookDeliveries.lastStatusCode,
      lastError: webhookDeliveries.lastError,
      attemptLog: webhookDeliveries.attemptLog,
      deliveredAt: webhookDeliveries.deliveredAt,
      createdAt: webhookDeliveries.createdAt,
    })
    .from(webhookDeliveries)
    .where(and(...where))
    .orderBy(desc(webhookDeliveries.id))
    .limit(opts.limit ?? 20);
}

/** Sends a given-up delivery again (a fresh round of attempts). Only the merchant's own; returns whether it did. */
export async function redeliver(db: Db, merchantId: string, deliveryId: number): Promise<boolean> {
  const updated = await db
    .update(webhookDeliveries)
    .set({ status: "pending", attempts: 0, nextAttemptAt: sql`now()`, leaseUntil: null })
    .where(
      and(
        eq(webhookDeliveries.id, deliveryId),
        eq(webhookDeliveries.merchantId, merchantId),
        eq(webhookDeliveries.status, "failed"),
      ),
    )
    .returning({ id: webhookDeliveries.id });
  return updated.length > 0;
}
