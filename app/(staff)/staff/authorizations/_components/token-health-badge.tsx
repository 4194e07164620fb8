import type { TokenHealth } from "@/db/queries/staff-authorizations";

const BASE =
  "inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset";

const TONES: Record<TokenHealth, { tone: string; dot: string }> = {
  ok: { tone: "bg-white text-emerald-800 ring-emerald-200", dot: "bg-emerald-500" },
  failing: { tone: "bg-red-50 text-red-800 ring-red-200", dot: "bg-red-500" },
  expired: { tone: "bg-amber-50 text-amber-800 ring-amber-300", dot: "bg-amber-500" },
  none: { tone: "bg-white text-slate-500 ring-slate-200", dot: "bg-slate-300" },
};

/** The authorizer access token's state, as the refresher sees it (derived in the list query). */
export function TokenHealthBadge({ health, label, hint }: { health: TokenHealth; label: string; hint: string }) {
  const { tone, dot } = TONES[health];
  return (
    <span data-health={health} title={hint} className={`${BASE} ${tone}`}>
      <span aria-hidden="true" className={`h-1.5 w-1.5 rounded-full ${dot}`} />
      {label}
    </span>
  );
}
