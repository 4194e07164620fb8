import "server-only";
import type { Db } from "@/db";
import {
  countAllStaffAuthorizations,
  listStaffAuthorizations,
  type StaffAuthorizationRow,
  type StaffListCursor,
  type StaffListParams,
} from "@/db/queries/staff-authorizations";
import { createTranslator } from "next-intl";
import { CATALOGS } from "@/lib/i18n/catalogs";
import { recordAudit } from "@/lib/staff/audit";
import { staffListFilters } from "@/lib/staff/authorization-list-params";
import { describePermission } from "@/lib/wechat/permissions";

/** Rows per keyset page while streaming: memory stays at one page, whatever the size of the export. */
export const CSV_PAGE_SIZE = 1_000;

const BOM = "\uFEFF";
const LINE_END = "\r\n";

/**
 * One CSV field (RFC 4180): quoted when it holds a quote, comma or line break. Security: a field a spreadsheet
 * would run as a formula (starting with = + - @, or a tab / carriage return that hides one) gets a leading `'`,
 * since names and principals come from WeChat and merchants, not from us.
 */
export function csvField(value: string | null | undefined): string {
  let text = value ?? "";
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(fields: (string | null | undefined)[]): string {
  return fields.map(csvField).join(",") + LINE_END;
}

const CHINA_OFFSET_MS = 8 * 3_600_000;

/**
 * `YYYY-MM-DD HH:mm:ss` in China Standard Time (what staff see in the console), or empty. UTC+8 all year (China
 * has no daylight saving), so a fixed offset is exact, and far cheaper than Intl for 100,000 rows.
 */
export function formatCsvTime(date: Date | null): string {
  if (!date) return "";
  return new Date(date.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 19).replace("T", " ");
}

/**
 * The CSV is written in Chinese whatever the reader's language (spreadsheets are shared and filed as they are),
 * from the staff list's catalog, outside React.
 */
const t = createTranslator({ locale: "zh-CN", messages: CATALOGS["zh-CN"], namespace: "staffList" });

const CSV_HEADERS = [
  t("csv.headers.appId"),
  t("csv.headers.name"),
  t("csv.headers.kind"),
  t("csv.headers.principal"),
  t("csv.headers.merchant"),
  t("csv.headers.status"),
  t("csv.headers.review"),
  t("csv.headers.permissions"),
  t("csv.headers.authorizedAt"),
  t("csv.headers.updatedAt"),
];
const LIST_SEPARATOR = t("csv.listSeparator");

function rowFields(row: StaffAuthorizationRow): string[] {
  return [
    row.appId,
    row.nickName ?? "",
    t(`kind.${row.kind ?? "unknown"}`),
    row.principalName ?? "",
    row.merchant ? row.merchant.name : t("unassigned"),
    t(`status.${row.status}`),
    t(`review.${row.reviewStatus}`),
    row.funcIds.map((id) => describePermission(id).zh).join(LIST_SEPARATOR),
    formatCsvTime(row.authorizedAt),
    formatCsvTime(row.updatedAt),
  ];
}

/**
 * The list as CSV, produced while it is read: a UTF-8 BOM (so spreadsheet programs read the Chinese right) and the
 * header first, then one keyset page of `pageSize` rows per pull. The list's filters and sort apply; its cursor
 * does not (an export starts at the first row). `onDone` gets the number of rows written.
 */
export function createAuthorizationsCsvStream(
  db: Db,
  params: StaffListParams,
  options: { pageSize?: number; onDone?: (rows: number) => void } = {},
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const pageSize = options.pageSize ?? CSV_PAGE_SIZE;
  let cursor: StaffListCursor | undefined;
  let started = false;
  let rows = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!started) {
          started = true;
          controller.enqueue(encoder.encode(BOM + csvLine(CSV_HEADERS)));
          return;
        }
        const page = await listStaffAuthorizations(db, { ...params, cursor }, { pageSize, withLastEvent: false });
        if (page.rows.length > 0)
          controller.enqueue(encoder.encode(page.rows.map((row) => csvLine(rowFields(row))).join("")));
        rows += page.rows.length;
        if (page.next) {
          cursor = page.next;
        } else {
          controller.close();
          options.onDone?.(rows);
        }
      },
    },
    { highWaterMark: 1 },
  );
}

/** `authorizations-YYYYMMDD.csv`, dated in China Standard Time. */
export function exportFilename(now = new Date()): string {
  return `authorizations-${formatCsvTime(now).slice(0, 10).replace(/-/g, "")}.csv`;
}

/**
 * A staff member's CSV export: recorded in the audit log (the filters and how many rows matched) before the first
 * row leaves, so an export that is interrupted is still on record. Every staff action is audited.
 */
export async function exportStaffAuthorizations(
  db: Db,
  actor: { userId: string; email: string },
  params: StaffListParams,
  now = new Date(),
): Promise<{ filename: string; rowCount: number; stream: ReadableStream<Uint8Array> }> {
  const exportParams: StaffListParams = { ...params, cursor: undefined };
  const filters = staffListFilters(exportParams);
  const rowCount = await countAllStaffAuthorizations(db, filters);
  await recordAudit(db, {
    actor,
    action: "authorizations.export",
    targetType: "platform",
    targetId: "authorizations",
    after: { filters: { ...filters }, sort: exportParams.sort, rowCount },
  });
  return { filename: exportFilename(now), rowCount, stream: createAuthorizationsCsvStream(db, exportParams) };
}
