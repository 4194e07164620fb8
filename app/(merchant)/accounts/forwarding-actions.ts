"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { redeliver, replaceMerchantWebhookSecret, saveMerchantWebhook } from "@/db/queries/webhooks";
import { requireMerchant } from "@/lib/auth/guards";
import { message, type Message } from "@/lib/i18n/message";
import { getPlatform } from "@/lib/platform";
import { checkWebhookUrlShape } from "@/lib/webhooks/destination";
import { sealNewWebhookSecret } from "@/lib/webhooks/merchant-secret";

// Message forwarding settings on the merchant's accounts page. Every action acts on the signed-in merchant only.

export type ForwardingState = { ok: boolean; message: Message } | undefined;

/** Saves the webhook URL (empty: stop forwarding). The signing secret is created with the first URL. */
export async function saveWebhookAction(_prev: ForwardingState, formData: FormData): Promise<ForwardingState> {
  const merchant = await requireMerchant();
  const raw = z.string().max(2000).catch("").parse(formData.get("url")).trim();
  const platform = await getPlatform();
  if (raw !== "") {
    const problem = checkWebhookUrlShape(raw, { requireHttps: platform.env.webhooks.requireHttps });
    if (problem === "https_required") return { ok: false, message: message("forwarding.httpsRequired") };
    if (problem) return { ok: false, message: message("forwarding.invalidUrl") };
  }
  await saveMerchantWebhook(
    platform.database.db,
    merchant.merchantId,
    raw === "" ? null : raw,
    sealNewWebhookSecret(platform.secretBox, merchant.merchantId),
  );
  revalidatePath("/accounts");
  return { ok: true, message: message(raw === "" ? "forwarding.turnedOff" : "forwarding.saved") };
}

/** A new signing secret; the old one stops working at once (the merchant updates their verifier). */
export async function rotateWebhookSecretAction(_prev: ForwardingState): Promise<ForwardingState> {
  const merchant = await requireMerchant();
  const platform = await getPlatform();
  await replaceMerchantWebhookSecret(
    platform.database.db,
    merchant.merchantId,
    sealNewWebhookSecret(platform.secretBox, merchant.merchantId),
  );
  revalidatePath("/accounts");
  return { ok: true, message: message("forwarding.secretRotated") };
}

/** Tries a given-up delivery again. */
export async function redeliverAction(formData: FormData): Promise<void> {
  const merchant = await requireMerchant();
  const id = z.coerce.number().int().positive().safeParse(formData.get("deliveryId"));
  if (!id.success) return;
  const platform = await getPlatform();
  if (await redeliver(platform.database.db, merchant.merchantId, id.data)) await platform.webhooks.kick();
  revalidatePath("/accounts", "layout");
}
