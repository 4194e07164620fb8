import { and, eq } from "drizzle-orm";
import { expect } from "vitest";
import type { Db } from "@/db";
import { auditLog } from "@/db/schema";

/** The audit log's records of `action` (about `targetId`, when given), oldest first. */
export function auditRecords(db: Db, action: string, targetId?: string) {
  return db
    .select()
    .from(auditLog)
    .where(
      targetId === undefined
        ? eq(auditLog.action, action)
        : and(eq(auditLog.action, action), eq(auditLog.targetId, targetId)),
    )
    .orderBy(auditLog.id);
}

/** The one audit record of `action` (about `targetId`, when given): fails unless there is exactly one. */
export async function onlyAuditRecord(db: Db, action: string, targetId?: string) {
  const records = await auditRecords(db, action, targetId);
  expect(records).toHaveLength(1);
  return records[0]!;
}
