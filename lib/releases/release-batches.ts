import { unsafeListMiniPrograms } from "@/db/queries/releases";
import type { Platform } from "@/lib/platform";
import { RELEASE_KIND, releaseParamsSchema, type ReleaseParams } from "./release-kind";

/**
 * Starts a release batch for the chosen mini programs (or every eligible one). Only accounts whose grant includes
 * permission set 18 are eligible (docs/wechat-protocol.md §11.1); the others are returned with the reason, not
 * targeted. The caller checks the staff role and writes the audit log.
 */
export async function createReleaseBatch(
  platform: Platform,
  input: { params: unknown; appIds: string[] | "all"; title?: string; createdByUserId: string | null },
): Promise<{
  batchId: number | null;
  targeted: string[];
  ineligible: { appId: string; reason: "no_set_18" | "unknown" }[];
}> {
  const params: ReleaseParams = releaseParamsSchema.parse(input.params);
  const programs = await unsafeListMiniPrograms(platform.database.db);
  const byId = new Map(programs.map((p) => [p.appId, p]));
  const wanted = input.appIds === "all" ? programs.map((p) => p.appId) : [...new Set(input.appIds)];
  const ineligible: { appId: string; reason: "no_set_18" | "unknown" }[] = [];
  const targets = [];
  for (const appId of wanted) {
    const p = byId.get(appId);
    if (!p) ineligible.push({ appId, reason: "unknown" });
    else if (!p.hasSet18) ineligible.push({ appId, reason: "no_set_18" });
    else
      targets.push({
        appId,
        merchantId: p.merchantId,
        data: { nickName: p.nickName ?? "", merchantName: p.merchantName ?? "", principalName: p.principalName ?? "" },
      });
  }
  if (targets.length === 0) return { batchId: null, targeted: [], ineligible };
  const batchId = await platform.batches.createBatch({
    kind: RELEASE_KIND,
    title: input.title?.trim() || `${params.version}`,
    params,
    targets,
    createdByUserId: input.createdByUserId,
  });
  return { batchId, targeted: targets.map((t) => t.appId), ineligible };
}
