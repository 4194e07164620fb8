import type { Db } from "@/db";
import { auditLog } from "@/db/schema";

/** Who acted: a signed-in staff member, or the system / CLI for jobs started without one. */
export type AuditActor = { userId: string; email: string } | { userId: null; email: "system" | "cli" };

export interface AuditEntry {
  actor: AuditActor;
  /** e.g. `review.approve`, `authorizer.refresh_token`, `user.role_change`, `reconcile.run` */
  action: string;
  targetType: "authorizer" | "user" | "platform";
  targetId: string;
  note?: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

/**
 * Records one staff action. Pass the transaction that makes the change, so the record and the change commit
 * together (or neither does). Never put a token or secret in before/after.
 */
export async function recordAudit(db: Pick<Db, "insert">, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({
    actorUserId: entry.actor.userId,
    actorEmail: entry.actor.email,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    note: entry.note ?? null,
    before: entry.before ?? null,
    after: entry.after ?? null,
  });
}
