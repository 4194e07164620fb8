import type { AuthorizerStatus as AccountStatus, ReviewStatus } from "@/db/schema";
import { useTranslations } from "next-intl";
import type { AccountKind } from "@/lib/wechat/permissions";

/** Transition: staff pages still pass their old labels as `t`; ignored, the badges translate themselves. */
type LegacyLabels = { t?: Record<string, string> };

const BASE =
  "inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset";

export function KindBadge({ kind }: { kind: AccountKind | null } & LegacyLabels) {
  const t = useTranslations("accounts.kind");
  const tone =
    kind === "mini_program"
      ? "bg-indigo-50 text-indigo-700 ring-indigo-200"
      : kind
        ? "bg-sky-50 text-sky-700 ring-sky-200"
        : "bg-slate-50 text-slate-600 ring-slate-200";
  return (
    <span data-testid="kind-badge" className={`${BASE} ${tone}`}>
      {t(kind ?? "unknown")}
    </span>
  );
}

const STATUS_TONES: Record<AccountStatus, { tone: string; dot: string }> = {
  authorized: { tone: "bg-emerald-50 text-emerald-800 ring-emerald-200", dot: "bg-emerald-500" },
  unauthorized: { tone: "bg-slate-100 text-slate-700 ring-slate-300", dot: "bg-slate-400" },
  needs_reauthorization: { tone: "bg-amber-50 text-amber-800 ring-amber-300", dot: "bg-amber-500" },
};

export function StatusBadge({ status }: { status: AccountStatus } & LegacyLabels) {
  const t = useTranslations("accounts.status");
  const { tone, dot } = STATUS_TONES[status];
  return (
    <span data-testid="status-badge" data-status={status} className={`${BASE} ${tone}`}>
      <span aria-hidden="true" className={`h-1.5 w-1.5 rounded-full ${dot}`} />
      {t(status)}
    </span>
  );
}

const REVIEW_TONES: Record<ReviewStatus, string> = {
  pending: "bg-slate-50 text-slate-600 ring-slate-200",
  approved: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  rejected: "bg-red-50 text-red-800 ring-red-200",
  needs_info: "bg-amber-50 text-amber-800 ring-amber-300",
  conflict: "bg-amber-50 text-amber-800 ring-amber-300",
};

/** Review outcome; "pending" is every new account's state and is not worth a badge on its own. */
export function ReviewBadge({
  review,
  showPending = false,
}: { review: ReviewStatus; showPending?: boolean } & LegacyLabels) {
  const t = useTranslations("accounts.review");
  if (review === "pending" && !showPending) return null;
  return (
    <span data-testid="review-badge" data-review={review} className={`${BASE} ${REVIEW_TONES[review]}`}>
      {t(review)}
    </span>
  );
}
