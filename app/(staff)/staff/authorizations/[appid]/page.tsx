import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { Suspense } from "react";
import { AccountAvatar } from "@/app/(merchant)/accounts/_components/account-avatar";
import { KindBadge, StatusBadge } from "@/app/(merchant)/accounts/_components/account-badges";
import { BackLink } from "@/app/_components/back-link";
import { Banner } from "@/app/_components/banner";
import { Panel } from "@/app/_components/panel";
import { getDb } from "@/db";
import { findStaffAuthorizerDetail, GRANT_HISTORY_LIMIT, listStaffGrantHistory, parseTimelineCursor } from "@/db/queries/staff-authorizer-detail";
import { requireStaff } from "@/lib/auth/guards";
import { format, getI18n } from "@/lib/i18n";
import { getStaffDetailI18n } from "@/lib/i18n-staff-detail";
import { REVIEW_NOTE_MAX } from "@/lib/staff/review";
import { appIdSchema } from "@/lib/wechat/app-id";
import { GrantHistory, PermissionList } from "./_components/permissions";
import { AccountOperations } from "./operations";
import { ProfileCard } from "./_components/profile-card";
import { ReviewPanel, StaffReviewBadge } from "./_components/review-panel";
import { Timeline, TimelineSkeleton } from "./_components/timeline";
import { TokenHealth } from "./_components/token-health";
import { StaffAccountSetup } from "../../setup/account-setup";

export const metadata: Metadata = { title: "账号详情 · Account · 员工控制台" };

// GET /staff/authorizations/<appid>: one account for staff: profile, review, tokens, grants and its timeline.
export default async function StaffAuthorizationPage({
  params,
  searchParams,
}: {
  params: Promise<{ appid: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await connection();
  const { appid } = await params;
  await requireStaff(`/staff/authorizations/${encodeURIComponent(appid)}`);
  const appId = appIdSchema.safeParse(appid);
  if (!appId.success) notFound();
  const db = await getDb();
  const account = await findStaffAuthorizerDetail(db, appId.data);
  if (!account) notFound();
  const [grants, { lang, t }, { d }, query] = await Promise.all([listStaffGrantHistory(db, appId.data), getI18n(), getStaffDetailI18n(), searchParams]);
  // A malformed cursor is simply the first page.
  const before = parseTimelineCursor(query.before) ? (query.before as string) : undefined;
  const now = Date.now();

  return (
    <div className="flex flex-col gap-5">
      <BackLink href="/staff/authorizations">{d.detail.back}</BackLink>

      <header className="flex items-center gap-4">
        <AccountAvatar src={account.headImg} name={account.nickName ?? ""} seed={account.appId} size="lg" />
        <div className="min-w-0 flex-1">
          <h1 data-testid="staff-account-name" className={`text-xl font-semibold break-words ${account.nickName ? "text-slate-900" : "text-slate-500"}`}>
            {account.nickName ?? d.detail.loadingName}
          </h1>
          <p className="mt-0.5 font-mono text-xs break-all text-slate-500">{account.appId}</p>
          <div className="mt-2 flex flex-wrap gap-1.5">
            <KindBadge kind={account.kind} t={t.kind} />
            <StatusBadge status={account.status} t={t.status} />
            <StaffReviewBadge review={account.reviewStatus} d={d} testId="staff-header-review-badge" />
          </div>
        </div>
      </header>

      {account.reviewStatus === "conflict" && account.contestingMerchant ? (
        <Banner tone="warning" title={d.review.conflictTitle} testId="staff-banner-conflict">
          {format(d.review.conflictBanner, { owner: account.merchant?.name ?? d.detail.unassigned, claimant: account.contestingMerchant.name })}
        </Banner>
      ) : null}

      <div className="grid grid-cols-1 items-start gap-5 lg:grid-cols-[minmax(0,1fr)_22rem]">
        {/* The aside comes first in the page so that on a phone the review is right under the header. */}
        <aside className="flex flex-col gap-5 lg:col-start-2 lg:row-start-1">
          <ReviewPanel account={account} d={d} lang={lang} maxLength={REVIEW_NOTE_MAX} />
          <TokenHealth account={account} d={d} lang={lang} now={now} />
          <AccountOperations appId={account.appId} status={account.status} lang={lang} />
        </aside>
        <div className="flex min-w-0 flex-col gap-5 lg:col-start-1 lg:row-start-1">
          <ProfileCard account={account} d={d} t={t} lang={lang} />
          {account.kind === "mini_program" ? <StaffAccountSetup appId={account.appId} /> : null}
          <PermissionList funcIds={account.funcIds} d={d} lang={lang} revoked={account.status === "unauthorized"} />
          <GrantHistory grants={grants} limit={GRANT_HISTORY_LIMIT} d={d} lang={lang} />
        </div>
      </div>

      <Panel titleId="timeline-title" title={d.timeline.title} className="scroll-mt-4">
        <p className="mt-0.5 text-sm text-slate-600">{d.timeline.subtitle}</p>
        <Suspense key={before ?? "newest"} fallback={<TimelineSkeleton />}>
          <Timeline appId={account.appId} before={before} d={d} lang={lang} />
        </Suspense>
      </Panel>
    </div>
  );
}
