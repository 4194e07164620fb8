import type { ReviewStatus } from "@/db/schema";
import { useFormatter, useTranslations } from "next-intl";

const TONES: Record<ReviewStatus, { box: string; dot: string }> = {
  pending: { box: "border-slate-200 bg-white text-slate-900", dot: "bg-slate-400" },
  conflict: { box: "border-slate-200 bg-white text-slate-900", dot: "bg-amber-500" },
  approved: { box: "border-emerald-200 bg-emerald-50 text-emerald-950", dot: "bg-emerald-500" },
  rejected: { box: "border-red-200 bg-red-50 text-red-950", dot: "bg-red-500" },
  needs_info: { box: "border-amber-300 bg-amber-50 text-amber-950", dot: "bg-amber-500" },
};

/**
 * 平台审核：the platform's decision on the account, with the reviewer's note and date (never who reviewed).
 * Pending says so plainly.
 */
export function ReviewPanel({
  review,
  note,
  reviewedAt,
}: {
  review: ReviewStatus;
  note: string | null;
  reviewedAt: Date | null;
}) {
  const t = useTranslations("accounts.reviewPanel");
  const format = useFormatter();
  const decided = review === "approved" || review === "rejected" || review === "needs_info";
  const tone = TONES[review];
  return (
    <section
      data-testid="review-panel"
      data-review={review}
      aria-labelledby="review-panel-title"
      className={`rounded-2xl border px-5 py-4 shadow-sm sm:px-6 ${tone.box}`}
    >
      <h2 id="review-panel-title" className="flex items-center gap-2 text-base font-semibold">
        <span aria-hidden="true" className={`h-2 w-2 shrink-0 rounded-full ${tone.dot}`} />
        {t("title", { status: t(`status.${review}`) })}
      </h2>
      {decided ? (
        <>
          {note ? (
            <div className="mt-3">
              <p className="text-xs font-medium opacity-75">{t("note")}</p>
              <p data-testid="review-note" className="mt-1 text-sm leading-relaxed break-words whitespace-pre-line">
                {note}
              </p>
            </div>
          ) : null}
          {review === "needs_info" ? <p className="mt-3 text-sm">{t("needsInfoHint")}</p> : null}
          {reviewedAt ? (
            <p data-testid="review-date" className="mt-3 text-xs opacity-75">
              {t("reviewedAt")} {format.dateTime(reviewedAt, "dateTime")}
            </p>
          ) : null}
        </>
      ) : (
        <p className="mt-1 text-sm text-slate-600">{review === "conflict" ? t("conflictBody") : t("pendingBody")}</p>
      )}
    </section>
  );
}
