import { and, eq, sql } from "drizzle-orm";
import { registrationTasks } from "@/db/schema";
import type { Platform } from "@/lib/platform";
import { recordAudit, type AuditActor } from "@/lib/staff/audit";

/** Staff cancel a waiting registration (we stop following it; WeChat's task cannot be cancelled), audited in the same transaction. */
export async function cancelRegistrationByStaff(platform: Platform, actor: AuditActor, id: string): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return false;
  return platform.database.db.transaction(async (tx) => {
    const [row] = await tx
      .update(registrationTasks)
      .set({
        status: "cancelled",
        finishedAt: sql`now()`,
        updatedAt: sql`now()`,
        pollLeaseOwner: null,
        pollLeaseUntil: null,
      })
      .where(and(eq(registrationTasks.id, id), eq(registrationTasks.status, "waiting")))
      .returning({ id: registrationTasks.id, merchantId: registrationTasks.merchantId, kind: registrationTasks.kind });
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
