import { notFound } from "next/navigation";
import { connection } from "next/server";
import { getTranslations } from "next-intl/server";
import { Suspense } from "react";
import { AccountAvatar } from "@/app/(merchant)/accounts/_components/account-avatar";
import { KindBadge, StatusBadge } from "@/app/(merchant)/accounts/_components/account-badges";
import { appIdParamOrNotFound } from "@/app/_components/app-id-param";
import { BackLink } from "@/app/_components/back-link";
import { Banner } from "@/app/_components/banner";
import { Panel } from "@/app/_components/panel";
import { getDb } from "@/db";
import { findStaffAuthorizerDetail } from "@/db/queries/staff-authorizer-detail";
import { requireStaff } from "@/lib/auth/guards";
import { GRANT_HISTORY_LIMIT, listStaffGrantHistory, parseTimelineCursor } from "@/lib/staff/authorizer-detail";
import { REVIEW_NOTE_MAX } from "@/lib/staff/review";
import { getAccountLabels } from "../../_components/account-labels";
import { AccountOperations } from "../../_components/account-operations";
import { staffMetadata } from "../../_components/metadata";
import { StaffCodePanel } from "./_components/code-panel";
import { GrantHistory, PermissionList } from "./_components/permissions";
import { ProfileCard } from "./_components/profile-card";
import { ReviewPanel, StaffReviewBadge } from "./_components/review-panel";
import { Timeline, TimelineSkeleton } from "./_components/timeline";
import { TokenHealth } from "./_components/token-health";
import { StaffAccountSetup } from "../../setup/account-setup";

export const generateMetadata = () => staffMetadata("account");

// GET /staff/authorizations/<appid>: one account for staff: profile, review, tokens, grants and its timeline.
export default async function StaffAuthorizationPage({
  params,
  searchParams,
}: PageProps<"/staff/authorizations/[appid]">) {
  await connection();
  const { appid } = await params;
  await requireStaff(`/staff/authorizations/${encodeURIComponent(appid)}`);
  const appId = appIdParamOrNotFound(appid);
  const db = await getDb();
  const account = await findStaffAuthorizerDetail(db, appId);
  if (!account) notFound();
  const [grants, d, labels, tStaff, query] = await Promise.all([
    listStaffGrantHistory(db, appId),
    getTranslations("staffDetail"),
    getAccountLabels(),
    getTranslations("staff"),
    searchParams,
  ]);
  // A malformed cursor is simply the first page.
  const before = parseTimelineCursor(query.before) ? (query.before as string) : undefined;
  // eslint-disable-next-line react-hooks/purity -- a server component renders once per request: this is its time
  const now = Date.now();

  return (
    <div className="flex flex-col gap-5">
      <BackLink href="/staff/authorizations">{d("detail.back")}</BackLink>

      <header className="flex items-center gap-4">
        <AccountAvatar src={account.headImg} name={account.nickName ?? ""} seed={account.appId} size="lg" />
        <div className="min-w-0 flex-1">
          <h1
            data-testid="staff-account-name"
            className={`text-xl font-semibold break-words ${account.nickName ? "text-slate-900" : "text-slate-500"}`}
          >
            {account.nickName ?? d("detail.loadingName")}
          </h1>
          <p className="mt-0.5 font-mono text-xs break-all text-slate-500">{account.appId}</p>
          <div className="mt-2 flex flex-wrap gap-1.5">
            <KindBadge kind={account.kind} t={labels.kind} />
            <StatusBadge status={account.status} t={labels.status} />
            <StaffReviewBadge
              review={account.reviewStatus}
              label={d(`reviewStatus.${account.reviewStatus}`)}
              testId="staff-header-review-badge"
            />
          </div>
        </div>
      </header>

      {account.reviewStatus === "conflict" && account.contestingMerchant ? (
        <Banner tone="warning" title={d("review.conflictTitle")} testId="staff-banner-conflict">
          {d("review.conflictBanner", {
            owner: account.merchant?.name ?? d("detail.unassigned"),
            claimant: account.contestingMerchant.name,
          })}
        </Banner>
      ) : null}

      <div className="grid grid-cols-1 items-start gap-5 lg:grid-cols-[minmax(0,1fr)_22rem]">
        {/* The aside comes first in the page so that on a phone the review is right under the header. */}
        <aside className="flex flex-col gap-5 lg:col-start-2 lg:row-start-1">
          <ReviewPanel account={account} maxLength={REVIEW_NOTE_MAX} />
          <TokenHealth account={account} now={now} />
          <AccountOperations appId={account.appId} status={account.status} />
        </aside>
        <div className="flex min-w-0 flex-col gap-5 lg:col-start-1 lg:row-start-1">
          <ProfileCard account={account} />
          {account.kind === "mini_program" ? <StaffAccountSetup appId={account.appId} /> : null}
          {account.kind === "mini_program" && account.status === "authorized" ? (
            <StaffCodePanel appId={account.appId} funcIds={account.funcIds} />
          ) : null}
          <PermissionList funcIds={account.funcIds} revoked={account.status === "unauthorized"} />
          <GrantHistory grants={grants} limit={GRANT_HISTORY_LIMIT} />
        </div>
      </div>

      <Panel titleId="timeline-title" title={d("timeline.title")} className="scroll-mt-4">
        <p className="mt-0.5 text-sm text-slate-600">{d("timeline.subtitle")}</p>
        <Suspense key={before ?? "newest"} fallback={<TimelineSkeleton label={tStaff("loading")} />}>
          <Timeline appId={account.appId} before={before} />
        </Suspense>
      </Panel>
    </div>
  );
}
