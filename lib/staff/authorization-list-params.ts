import { z } from "zod";
import {
  ACCOUNT_KINDS,
  AUTHORIZER_STATUSES,
  REVIEW_STATUSES,
  STAFF_LIST_SORTS,
  UNASSIGNED_MERCHANT,
  type StaffListCursor,
  type StaffListFilters,
  type StaffListParams,
  type StaffListSort,
} from "@/db/queries/staff-authorizations";
import { isoDaySchema } from "@/lib/staff/filters";

// The staff authorization list's URL: filters, sort and an opaque cursor, read and written (page, CSV export).

// A bad or stale value (hand-edited URL, a select option that no longer exists) drops that filter, never the page.
const staffListSearchSchema = z.object({
  status: z.enum(AUTHORIZER_STATUSES).optional().catch(undefined),
  review: z.enum(REVIEW_STATUSES).optional().catch(undefined),
  kind: z.enum(ACCOUNT_KINDS).optional().catch(undefined),
  perm: z.coerce.number().int().positive().max(1_000_000).optional().catch(undefined),
  merchant: z
    .union([z.uuid(), z.literal(UNASSIGNED_MERCHANT)])
    .optional()
    .catch(undefined),
  from: isoDaySchema.optional().catch(undefined),
  to: isoDaySchema.optional().catch(undefined),
  q: z
    .string()
    .optional()
    .transform((v) => v?.trim().slice(0, 100) || undefined)
    .catch(undefined),
  sort: z.enum(STAFF_LIST_SORTS).catch("updated"),
  ready: z.literal("no").optional().catch(undefined),
  cursor: z.string().max(400).optional().catch(undefined),
});

export type SearchParamsInput = URLSearchParams | Record<string, string | string[] | undefined>;

/** The list's filters, sort and cursor from the page's (or the export's) URL search params. */
export function parseStaffListParams(input: SearchParamsInput): StaffListParams {
  const raw: Record<string, string | undefined> = {};
  if (input instanceof URLSearchParams) {
    for (const key of input.keys()) raw[key] ??= input.get(key) ?? undefined;
  } else {
    for (const [key, value] of Object.entries(input)) raw[key] = Array.isArray(value) ? value[0] : value;
  }
  const parsed = staffListSearchSchema.parse(raw);
  const params: StaffListParams = { sort: parsed.sort };
  if (parsed.status) params.status = parsed.status;
  if (parsed.review) params.review = parsed.review;
  if (parsed.kind) params.kind = parsed.kind;
  if (parsed.perm !== undefined) params.permission = parsed.perm;
  if (parsed.merchant) params.merchant = parsed.merchant;
  if (parsed.from) params.from = parsed.from;
  if (parsed.to) params.to = parsed.to;
  if (parsed.q) params.q = parsed.q;
  if (parsed.ready === "no") params.notReady = true;
  const cursor = parsed.cursor ? decodeStaffListCursor(parsed.cursor) : undefined;
  // A cursor from another sort order points nowhere meaningful: start from the first page instead.
  if (cursor && cursor.sort === parsed.sort) params.cursor = cursor;
  return params;
}

/** The URL search params that reproduce `params` (filters and sort; the cursor only when asked for). */
export function toStaffListSearchParams(
  params: StaffListFilters & { sort?: StaffListSort },
  cursor?: StaffListCursor | null,
): URLSearchParams {
  const out = new URLSearchParams();
  if (params.q) out.set("q", params.q);
  if (params.status) out.set("status", params.status);
  if (params.review) out.set("review", params.review);
  if (params.kind) out.set("kind", params.kind);
  if (params.permission !== undefined) out.set("perm", String(params.permission));
  if (params.merchant) out.set("merchant", params.merchant);
  if (params.from) out.set("from", params.from);
  if (params.to) out.set("to", params.to);
  if (params.notReady) out.set("ready", "no");
  if (params.sort && params.sort !== "updated") out.set("sort", params.sort);
  if (cursor) out.set("cursor", encodeStaffListCursor(cursor));
  return out;
}

/** Only the filters (for the audit record and "is anything filtered?"). */
export function staffListFilters(params: StaffListParams): StaffListFilters {
  const { sort: _sort, cursor: _cursor, ...filters } = params;
  return filters;
}

const cursorSchema = z.object({
  s: z.enum(STAFF_LIST_SORTS),
  k: z
    .string()
    .regex(/^-?\d{1,17}$/)
    .nullable(),
  id: z.string().min(1).max(64),
  p: z.number().int().positive().max(10_000_000),
});

/** Opaque to the browser: base64url JSON. Tampering only moves the page start, it reads nothing else. */
export function encodeStaffListCursor(cursor: StaffListCursor): string {
  return Buffer.from(JSON.stringify({ s: cursor.sort, k: cursor.key, id: cursor.appId, p: cursor.page })).toString(
    "base64url",
  );
}

export function decodeStaffListCursor(value: string): StaffListCursor | undefined {
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(value, "base64url").toString("utf8")));
    return parsed.success
      ? { sort: parsed.data.s, key: parsed.data.k, appId: parsed.data.id, page: parsed.data.p }
      : undefined;
  } catch {
    return undefined;
  }
}
