import "server-only";
import type { Db } from "@/db";
import {
  listStaffGrants,
  listStaffTimelineRows,
  type TimelinePosition,
  type TimelineRow,
} from "@/db/queries/staff-authorizer-detail";
import { diffChanges, diffFuncIds, type ChangedKey } from "@/lib/staff/diff";
import { maskSecrets } from "@/lib/staff/mask";

// The staff account page's history: grants with what each changed, and the timeline, secrets masked.

export const GRANT_HISTORY_LIMIT = 50;

/** The account's grants, newest first, each with the permission sets it added and removed compared with the one before. */
export async function listStaffGrantHistory(db: Db, appId: string, limit = GRANT_HISTORY_LIMIT) {
  const rows = await listStaffGrants(db, appId, limit);
  return rows.map(({ previous, ...grant }) => ({ ...grant, ...diffFuncIds(previous, grant.funcIds) }));
}

export const TIMELINE_PAGE_SIZE = 200;

interface TimelineBase {
  id: number;
  at: Date;
  /** Keyset position of this entry: pass it as `before` to get the entries after it. */
  cursor: string;
}

export type TimelineEntry =
  | (TimelineBase & {
      source: "wechat_event";
      kind: string;
      createTime: number | null;
      processError: string | null;
      payload: unknown;
    })
  | (TimelineBase & { source: "grant"; kind: string; funcIds: number[]; added: number[]; removed: number[] })
  | (TimelineBase & { source: "activity"; kind: string; detail: Record<string, unknown> })
  | (TimelineBase & { source: "audit"; kind: string; actorEmail: string; note: string | null; changes: ChangedKey[] });

/** `2026-05-01T08:00:00.123456Z_2_345`: microsecond time (what PostgreSQL stores), source rank, row id. */
const CURSOR = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)_([1-4])_(\d{1,18})$/;

export function parseTimelineCursor(value: unknown): TimelinePosition | null {
  if (typeof value !== "string") return null;
  const match = CURSOR.exec(value);
  return match ? { at: match[1]!, rank: Number(match[2]), id: match[3]! } : null;
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}
function asIds(value: unknown): number[] {
  return Array.isArray(value) ? value.filter((v): v is number => typeof v === "number") : [];
}

function toEntry(row: TimelineRow): TimelineEntry {
  const base = { id: Number(row.id), at: new Date(row.at_text), cursor: `${row.at_text}_${row.rank}_${row.id}` };
  const data = row.data ?? {};
  switch (row.source) {
    case "wechat_event":
      return {
        ...base,
        source: "wechat_event",
        kind: row.kind,
        createTime: typeof data.createTime === "number" ? data.createTime : null,
        processError: typeof data.processError === "string" ? data.processError : null,
        // Security: pushes carry authorization codes and pre_auth_codes; staff see them masked only.
        payload: maskSecrets(data.payload ?? null),
      };
    case "grant": {
      const funcIds = asIds(data.funcIds);
      return {
        ...base,
        source: "grant",
        kind: row.kind,
        funcIds,
        ...diffFuncIds(data.previous === null ? null : asIds(data.previous), funcIds),
      };
    }
    case "activity":
      return { ...base, source: "activity", kind: row.kind, detail: asRecord(maskSecrets(data)) ?? {} };
    case "audit":
      return {
        ...base,
        source: "audit",
        kind: row.kind,
        actorEmail: row.actor_email ?? "",
        note: row.note,
        changes: diffChanges(asRecord(maskSecrets(data.before ?? null)), asRecord(maskSecrets(data.after ?? null))),
      };
  }
}

/**
 * The account's timeline, newest first: WeChat's pushes for this appid, grant changes (with what each added and
 * removed), token activity (refreshes, failures, recoveries, reconcile repairs) and staff actions from the audit
 * log. Keyset-paginated (`before` = an entry's cursor; a malformed one starts from the top). Secrets are masked.
 */
export async function listStaffTimeline(
  db: Db,
  appId: string,
  options: { before?: string | null; limit?: number } = {},
) {
  const limit = Math.min(Math.max(options.limit ?? TIMELINE_PAGE_SIZE, 1), 500);
  const rows = await listStaffTimelineRows(db, appId, { before: parseTimelineCursor(options.before), take: limit + 1 });
  const entries = rows.slice(0, limit).map(toEntry);
  return { entries, nextCursor: rows.length > limit ? (entries.at(-1)?.cursor ?? null) : null };
}
