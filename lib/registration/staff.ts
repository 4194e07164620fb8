import type { Platform } from "@/lib/platform";
import { recordAudit, type AuditActor } from "@/lib/staff/audit";
import { cancelWaitingTask } from "./tasks";

/** Staff cancel a waiting registration (we stop following it; WeChat's task cannot be cancelled), audited in the same transaction. */
export async function cancelRegistrationByStaff(platform: Platform, actor: AuditActor, id: string): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return false;
  return platform.database.db.transaction(async (tx) => {
    const row = await cancelWaitingTask(tx, id);
    if (!row) return false;
    await recordAudit(tx, {
      actor,
      action: "registration.cancel",
      targetType: "platform",
      targetId: `registration:${row.id}`,
      before: { status: "waiting", merchantId: row.merchantId, kind: row.kind },
      after: { status: "cancelled" },
    });
    return true;
  });
}
