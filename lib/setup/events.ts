import { findSetupAccount, mergeSetupSnapshot } from "@/db/queries/setup";
import type { SetupSnapshot } from "@/db/schema";
import type { AuthorizerEventHandler, ComponentEventHandler } from "@/lib/events/handlers/types";
import type { Platform } from "@/lib/platform";
import { recomputeChecklist, tryRefreshSetupState } from "./service";

/**
 * Setup events (docs/wechat-protocol.md §12.3.7, §12.5, §12.6.7, §12.7.4; docs/setup.md): each one updates the
 * account's checklist from its own fields at once, then the state is read again from WeChat (the payload is a
 * pointer; WeChat's read is the truth when it answers). The ICP filing events are accepted on both URLs: the docs
 * call them message events, a field report has them on the authorization-event URL.
 */

const ICP_EVENTS = ["notify_apply_icpfiling_result", "notify_icpfiling_verify_result"] as const;
const str = (v: unknown) => (typeof v === "string" || typeof v === "number" ? String(v) : "");
const num = (v: unknown) => (typeof v === "number" ? v : Number.parseInt(str(v), 10));
const nowS = () => Math.floor(Date.now() / 1000);

/** What an event says, as a part of the snapshot (its `events` entry merged with the stored ones by the caller). */
function partOf(
  name: string,
  f: Record<string, unknown>,
): { key: string; record: Record<string, string | number>; part: SetupSnapshot } {
  switch (name) {
    case "wxa_nickname_audit":
      return {
        key: "nickname",
        record: { ret: num(f.ret), nickname: str(f.nickname), reason: str(f.reason), at: nowS() },
        part: {},
      };
    case "wxa_category_audit":
      return {
        key: "category",
        record: { ret: num(f.ret), first: str(f.first), second: str(f.second), reason: str(f.reason), at: nowS() },
        part: {},
      };
    case "wxa_privacy_apply": {
      // Nested under result_info (SDK samples); a flat layout is accepted too.
      const r = (typeof f.result_info === "object" && f.result_info !== null ? f.result_info : f) as Record<
        string,
        unknown
      >;
      return {
        key: "privacyApply",
        record: { apiName: str(r.api_name), status: num(r.status), reason: str(r.reason), at: nowS() },
        part: {},
      };
    }
    case "notify_3rd_wxa_wxverify":
      return { key: "wxverify", record: { expired: num(f.expired), at: nowS() }, part: {} };
    case "notify_apply_icpfiling_result":
      return { key: "icpFiling", record: { status: num(f.beian_status), at: nowS() }, part: {} };
    default:
      return { key: "icpVerify", record: { result: num(f.result), at: nowS() }, part: {} };
  }
}

async function applySetupEvent(platform: Platform, appId: string, name: string, fields: Record<string, unknown>) {
  if (!appId) return;
  const { key, record } = partOf(name, fields);
  const { db } = platform.database;
  const stored = (await findSetupAccount(db, appId))?.snapshot ?? {};
  const part: SetupSnapshot = { events: { ...stored.events, [key]: record } };
  // The event's own news, until WeChat's read says otherwise.
  if (key === "nickname" && record.ret === 3 && stored.basic)
    part.basic = { ...stored.basic, nickname: String(record.nickname) };
  if (key === "wxverify" && Number.isFinite(record.expired))
    part.verify = {
      ...(stored.verify ?? { naming: true, annualReview: true }),
      qualification: true,
      endTime: Number(record.expired),
    };
  if (key === "icpFiling" && Number.isFinite(record.status))
    part.icp = { ...stored.icp, status: Number(record.status) };
  if (key === "category" && stored.categories) {
    part.categories = stored.categories.map((c) =>
      String(c.first) === record.first && String(c.second) === record.second
        ? { ...c, auditStatus: Number(record.ret), reason: String(record.reason) || undefined }
        : c,
    );
  }
  await mergeSetupSnapshot(db, appId, part);
  await recomputeChecklist(platform, appId);
  await tryRefreshSetupState(platform, appId);
}

export const setupAuthorizerEvents: AuthorizerEventHandler = {
  events: ["wxa_nickname_audit", "wxa_category_audit", "wxa_privacy_apply", ...ICP_EVENTS],
  apply: (platform, { appId, fields }) => applySetupEvent(platform, appId, String(fields.Event), fields),
};

export const setupComponentEvents: ComponentEventHandler = {
  infoTypes: ["notify_3rd_wxa_wxverify", ...ICP_EVENTS],
  apply: (platform, { infoType, fields }) =>
    applySetupEvent(
      platform,
      str(fields.appid) || str(fields.authorizer_appid) || str(fields.verify_appid),
      infoType,
      fields,
    ),
};
