import { applyAuditResult } from "@/db/queries/releases";
import type { AuditStatus } from "@/db/schema";
import type { AuthorizerEventHandler } from "@/lib/events/handlers/types";
import { RELEASE_KIND } from "./release-kind";

const STATUS: Record<string, AuditStatus> = { weapp_audit_success: 0, weapp_audit_fail: 1, weapp_audit_delay: 4 };

/**
 * weapp_audit_success / _fail / _delay (docs/wechat-protocol.md §11.6): no audit id, so the result is about the
 * account's current audit. Applied if not older than what is known (a poll or a later event may have come first),
 * so duplicates and any order converge; then the account's waiting release targets look at it.
 */
export const auditEventHandler: AuthorizerEventHandler = {
  events: Object.keys(STATUS),
  async apply(platform, { appId, fields }) {
    const event = String(fields.Event ?? "");
    const status = STATUS[event];
    if (status === undefined || !appId) return;
    const seconds = Number(fields.SuccTime ?? fields.FailTime ?? fields.DelayTime ?? fields.CreateTime);
    const at = Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : new Date();
    await applyAuditResult(platform.database.db, appId, {
      status,
      reason: typeof fields.Reason === "string" ? fields.Reason : null,
      screenshots: typeof fields.ScreenShot === "string" ? fields.ScreenShot : null,
      at,
    });
    await platform.batches.wake(RELEASE_KIND, appId, ["audit"]);
  },
};
