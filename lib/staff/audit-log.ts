import "server-only";
import { z } from "zod";
import type { Db } from "@/db";
import { listAuditLogRows, type AuditFilters } from "@/db/queries/audit";
import { diffChanges } from "@/lib/staff/diff";
import { isoDaySchema } from "@/lib/staff/filters";
import { maskSecrets } from "@/lib/staff/mask";

// /staff/audit: its search params, and the log as staff see it (changed keys only, secrets masked).

export type { AuditFilters };

export const AUDIT_PAGE_SIZE = 50;

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .catch(undefined)
    .transform((v) => v || undefined);
const optionalDate = isoDaySchema.optional().catch(undefined);

/** /staff/audit's search params. A malformed value is dropped rather than failing the page. */
export const auditFiltersSchema = z.object({
  /** Part of the actor's email, or a user id. */
  actor: optionalText(200),
  action: optionalText(100),
  /** An appid or user id, exactly. */
  target: optionalText(100),
  /** Days in China Standard Time (the console shows times in it), inclusive. */
  from: optionalDate,
  to: optionalDate,
  before: z.coerce.number().int().positive().optional().catch(undefined),
});

/**
 * The audit log, newest first, `limit` entries per page, keyset on id (`before` = the last id of the previous
 * page). Each entry carries only the keys its before/after changed, secrets masked.
 */
export async function listAuditEntries(db: Db, filters: AuditFilters, page: { before?: number; limit?: number } = {}) {
  const { rows, nextBefore } = await listAuditLogRows(db, filters, {
    before: page.before,
    limit: page.limit ?? AUDIT_PAGE_SIZE,
  });
  const entries = rows.map(({ before, after, ...entry }) => ({
    ...entry,
    changes: diffChanges(
      maskSecrets(before) as Record<string, unknown> | null,
      maskSecrets(after) as Record<string, unknown> | null,
    ),
  }));
  return { entries, nextBefore };
}

export type AuditEntryView = Awaited<ReturnType<typeof listAuditEntries>>["entries"][number];
