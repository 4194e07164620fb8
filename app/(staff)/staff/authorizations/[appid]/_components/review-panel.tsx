import { getFormatter, getTranslations } from "next-intl/server";
import type { StaffAuthorizerDetail } from "@/db/queries/staff-authorizer-detail";
import type { ReviewStatus } from "@/db/schema";
import { Panel } from "@/app/_components/panel";
import { ReviewForm } from "./review-form";

const REVIEW_TONES: Record<ReviewStatus, string> = {
  pending: "bg-slate-50 text-slate-700 ring-slate-300",
  approved: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  rejected: "bg-red-50 text-red-800 ring-red-200",
  needs_info: "bg-amber-50 text-amber-800 ring-amber-300",
  conflict: "bg-amber-100 text-amber-900 ring-amber-400",
};

export function StaffReviewBadge({
  review,
  label,
  testId = "staff-review-badge",
}: {
  review: ReviewStatus;
  label: string;
  testId?: string;
}) {
  return (
    <span
      data-testid={testId}
      data-review={review}
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset ${REVIEW_TONES[review]}`}
    >
      {label}
    </span>
  );
}

function MerchantLine({
  label,
  merchant,
  highlight,
}: {
  label: string;
  merchant: { id: string; name: string };
  highlight?: boolean;
}) {
  return (
    <div
      className={`rounded-lg border px-3 py-2 ${highlight ? "border-amber-300 bg-amber-50" : "border-slate-200 bg-white"}`}
    >
      <p className="text-xs text-slate-500">{label}</p>
      <p className="text-sm font-medium break-words text-slate-900">{merchant.name}</p>
      <p className="font-mono text-xs break-all text-slate-500">{merchant.id}</p>
    </div>
  );
}

/** The review: where it stands, the last decision (note, who, when), and the form to decide or resolve a conflict. */
export async function ReviewPanel({ account, maxLength }: { account: StaffAuthorizerDetail; maxLength: number }) {
  const [d, r, format] = await Promise.all([
    getTranslations("staffDetail"),
    getTranslations("staffDetail.review"),
    getFormatter(),
  ]);
  // An open claim (bindMerchant sets it together with review_status 'conflict') is resolved before any decision.
  const contesting = account.contestingMerchant;
  return (
    <Panel
      titleId="review-title"
      title={r("title")}
      aside={<StaffReviewBadge review={account.reviewStatus} label={d(`reviewStatus.${account.reviewStatus}`)} />}
      data-testid="staff-review-panel"
    >
      <dl data-testid="last-decision" className="mt-3 flex flex-col gap-2 rounded-lg bg-slate-50 px-3 py-2.5 text-sm">
        {account.reviewedAt ? (
          <>
            <div>
              <dt className="text-xs text-slate-500">{r("lastNote")}</dt>
              <dd data-testid="last-review-note" className="mt-0.5 break-words whitespace-pre-line text-slate-900">
                {account.reviewNote ?? d("detail.none")}
              </dd>
            </div>
            <div className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600">
              <div className="flex gap-1">
                <dt>{r("lastBy")}</dt>
                <dd data-testid="last-review-by" className="break-all text-slate-800">
                  {account.reviewerEmail ?? d("detail.none")}
                </dd>
              </div>
              <div className="flex gap-1">
                <dt>{r("lastAt")}</dt>
                <dd data-testid="last-review-at" className="text-slate-800">
                  {format.dateTime(account.reviewedAt, "dateTime")}
                </dd>
              </div>
            </div>
          </>
        ) : (
          <div>
            <dt className="sr-only">{r("lastNote")}</dt>
            <dd className="text-slate-600">{r("noDecision")}</dd>
          </div>
        )}
      </dl>

      <div className="mt-4 flex flex-col gap-3 border-t border-slate-100 pt-4">
        {contesting ? (
          <div className="flex flex-col gap-3">
            <div
              data-testid="conflict-summary"
              className="rounded-lg border border-amber-300 bg-amber-50 px-3 py-2.5 text-amber-950"
            >
              <p className="text-sm font-semibold">{r("conflictTitle")}</p>
              <p className="mt-0.5 text-sm leading-relaxed">{r("conflictBody")}</p>
            </div>
            <div className="grid grid-cols-1 gap-2">
              {account.merchant ? <MerchantLine label={r("currentOwner")} merchant={account.merchant} /> : null}
              <MerchantLine label={r("claimant")} merchant={contesting} highlight />
            </div>
          </div>
        ) : null}
        {/* Same position in both modes: the form (and its last message) survives a resolved conflict. */}
        <ReviewForm
          appId={account.appId}
          mode={
            contesting
              ? { kind: "conflict", contestedBy: contesting.id }
              : {
                  kind: "review",
                  expectedStatus: account.reviewStatus,
                  expectedReviewedAt: account.reviewedAt?.toISOString() ?? "",
                }
          }
          maxLength={maxLength}
          labels={{
            note: r("note"),
            submitting: r("submitting"),
            reload: r("reload"),
            noteHint: r("noteHint", { max: maxLength }),
            conflictNoteHint: r("conflictNoteHint", { max: maxLength }),
            approve: r("approve"),
            reject: r("reject"),
            needsInfo: r("needsInfo"),
            keepOwner: r("keepOwner"),
            transfer: r("transfer"),
          }}
        />
      </div>
    </Panel>
  );
}
