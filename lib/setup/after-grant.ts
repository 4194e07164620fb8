import { eq } from "drizzle-orm";
import { authorizers } from "@/db/schema";
import type { Platform } from "@/lib/platform";
import { SETUP_APPLY_KIND } from "./batch";

/** 小程序开发与数据分析: the set that lets the platform configure domains and privacy (docs/wechat-protocol.md §12.1). */
export const DEVELOPMENT_SET = 18;

/**
 * After a mini program's grant including set 18: the setup profile is applied through a one-account `setup.apply`
 * batch (durable, retried; without a profile yet it only reads the account's state, so its checklist exists).
 */
export async function setupAfterGrant(platform: Platform, appId: string): Promise<void> {
  const { db } = platform.database;
  const [account] = await db
    .select({ kind: authorizers.kind, funcIds: authorizers.funcIds, merchantId: authorizers.merchantId })
    .from(authorizers)
    .where(eq(authorizers.appId, appId));
  if (!account || account.kind !== "mini_program" || !account.funcIds.includes(DEVELOPMENT_SET)) return;
  await platform.batches.createBatch({
    kind: SETUP_APPLY_KIND,
    title: `setup ${appId}`,
    params: {},
    targets: [{ appId, merchantId: account.merchantId }],
    createdByUserId: null,
  });
}
