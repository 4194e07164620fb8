/** Small pure helpers the staff pages use to show what changed. */

export interface ChangedKey {
  key: string;
  before: unknown;
  after: unknown;
}

function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stable(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

/** jsonb does not keep key order: the usual keys come first in this order, the rest alphabetically. */
const KEY_ORDER = ["status", "reviewStatus", "merchantId", "contestedByMerchantId", "reviewNote"];
const rank = (key: string) => {
  const index = KEY_ORDER.indexOf(key);
  return index === -1 ? KEY_ORDER.length : index;
};

/** The keys of an audit entry's before/after whose values differ (a missing key counts as null), in a stable order. */
export function diffChanges(
  before: Record<string, unknown> | null | undefined,
  after: Record<string, unknown> | null | undefined,
): ChangedKey[] {
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])].sort(
    (a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0),
  );
  return keys
    .map((key) => ({ key, before: before?.[key] ?? null, after: after?.[key] ?? null }))
    .filter((change) => stable(change.before) !== stable(change.after));
}

/** What a grant added and removed compared with the one before it (the first grant adds everything). */
export function diffFuncIds(
  previous: readonly number[] | null | undefined,
  current: readonly number[],
): { added: number[]; removed: number[] } {
  const before = new Set(previous ?? []);
  const now = new Set(current);
  return {
    added: [...now].filter((id) => !before.has(id)).sort((a, b) => a - b),
    removed: [...before].filter((id) => !now.has(id)).sort((a, b) => a - b),
  };
}
