"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { findBatchTarget } from "@/db/queries/batches";
import { requireMerchant } from "@/lib/auth/guards";
import { message, type ActionState } from "@/lib/i18n/message";
import { getPlatform } from "@/lib/platform";
import { releaseWaitingTarget } from "@/lib/releases/staff-operations";

/** The merchant's 发布: the batch waits for it after approval (docs/releases.md). */
export async function publishReleaseAction(_prev: ActionState | undefined, formData: FormData): Promise<ActionState> {
  const merchant = await requireMerchant("/accounts");
  const targetId = z.coerce.number().int().positive().safeParse(formData.get("targetId"));
  if (!targetId.success) return { ok: false, message: message("releases.detail.notDone") };
  // Security: only a target of this merchant's own account.
  const target = await findBatchTarget(await getDb(), targetId.data);
  if (!target || target.merchantId !== merchant.merchantId)
    return { ok: false, message: message("releases.detail.notDone") };
  const moved = await releaseWaitingTarget(
    await getPlatform(),
    { userId: merchant.userId, email: merchant.email },
    target.id,
  );
  revalidatePath(`/accounts/${target.appId}`);
  return moved
    ? { ok: true, message: message("releases.panel.published") }
    : { ok: false, message: message("releases.detail.notDone") };
}
