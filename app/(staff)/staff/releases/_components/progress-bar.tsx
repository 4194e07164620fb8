import { getTranslations } from "next-intl/server";
import type { BatchTargetStatus } from "@/db/schema";

const SEGMENTS: { status: BatchTargetStatus; className: string }[] = [
  { status: "succeeded", className: "bg-emerald-600" },
  { status: "waiting", className: "bg-sky-500" },
  { status: "pending", className: "bg-slate-400" },
  { status: "failed", className: "bg-red-600" },
  { status: "skipped", className: "bg-amber-500" },
  { status: "cancelled", className: "bg-slate-300" },
];

/** Counts per state as one stacked bar, with the numbers beneath it. */
export async function BatchProgress({ counts }: { counts: Partial<Record<BatchTargetStatus, number>> }) {
  const [t, tReleases] = await Promise.all([getTranslations("jobs"), getTranslations("releases")]);
  const total = Object.values(counts).reduce((a, b) => a + (b ?? 0), 0);
  const done = (counts.succeeded ?? 0) + (counts.failed ?? 0) + (counts.skipped ?? 0) + (counts.cancelled ?? 0);
  return (
    <div>
      <div
        role="progressbar"
        aria-label={tReleases("list.progress")}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
        className="flex h-2.5 w-full overflow-hidden rounded-full bg-slate-100"
      >
        {SEGMENTS.map(({ status, className }) =>
          counts[status] ? (
            <span
              key={status}
              className={className}
              style={{ width: `${((counts[status] ?? 0) / Math.max(total, 1)) * 100}%` }}
            />
          ) : null,
        )}
      </div>
      <ul className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600">
        {SEGMENTS.filter(({ status }) => counts[status]).map(({ status, className }) => (
          <li key={status} data-testid={`count-${status}`} className="inline-flex items-center gap-1.5">
            <span aria-hidden="true" className={`h-2 w-2 rounded-full ${className}`} />
            {t(`status.${status}`)} <span className="font-semibold text-slate-900 tabular-nums">{counts[status]}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
