import type { ChangedKey } from "@/lib/staff/diff";

function show(value: unknown): string {
  if (value === null || value === undefined) return "∅";
  if (typeof value === "string") return value.length > 300 ? `${value.slice(0, 300)}…` : value;
  return JSON.stringify(value);
}

/**
 * An audit entry's changed keys: `key  before → after`. The new review note is the entry's note, shown beside
 * the list already, so that change is left out when they match.
 */
export function ChangeList({
  changes,
  note,
  empty,
}: {
  changes: ChangedKey[];
  note?: string | null;
  empty: React.ReactNode;
}) {
  const shown = changes.filter((change) => !(change.key === "reviewNote" && note && change.after === note));
  if (shown.length === 0) return <>{empty}</>;
  return (
    <dl
      data-testid="change-list"
      className="grid grid-cols-1 gap-x-2 gap-y-1 text-xs sm:grid-cols-[max-content_minmax(0,1fr)]"
    >
      {shown.map((change) => (
        <div key={change.key} data-key={change.key} className="contents">
          <dt className="font-mono text-slate-500">{change.key}</dt>
          <dd className="mb-1 flex min-w-0 flex-wrap items-baseline gap-1.5 sm:mb-0">
            <span
              data-testid="change-before"
              className="rounded bg-red-50 px-1 break-all whitespace-pre-line text-red-800 line-through decoration-red-300"
            >
              {show(change.before)}
            </span>
            <span className="text-slate-500">→</span>
            <span
              data-testid="change-after"
              className="rounded bg-emerald-50 px-1 break-all whitespace-pre-line text-emerald-900"
            >
              {show(change.after)}
            </span>
          </dd>
        </div>
      ))}
    </dl>
  );
}
