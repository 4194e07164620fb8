import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import { appIdParamOrNotFound } from "@/app/_components/app-id-param";
import { BackLink } from "@/app/_components/back-link";
import { Banner } from "@/app/_components/banner";
import { Panel } from "@/app/_components/panel";
import { describeProfileCodes } from "@/app/_components/profile-codes";
import { getDb } from "@/db";
import { findMerchantAuthorizer, listMerchantAuthorizerGrants } from "@/db/queries/authorizers";
import { listMerchantDeliveries } from "@/db/queries/webhooks";
import { requireMerchant } from "@/lib/auth/guards";
import { getEnv } from "@/lib/env";
import type { Description } from "@/lib/wechat/permissions";
import { PermissionItem } from "@/app/_components/permission-item";
import { AccountAvatar } from "../_components/account-avatar";
import { KindBadge, ReviewBadge, StatusBadge } from "../_components/account-badges";
import { AuthorizeForm } from "../_components/authorize-form";
import { DeliveryLog } from "../_components/delivery-log";
import { ReleasePanel } from "../_components/release-panel";
import { ReviewPanel } from "../_components/review-panel";
import { SetupPanel, SetupPanelSkeleton } from "../_components/setup-panel";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("accounts.account"))("metaTitle") };
}

const HISTORY_LIMIT = 10;

export default async function AccountPage({ params, searchParams }: PageProps<"/accounts/[appid]">) {
  await connection();
  const { appid } = await params;
  const merchant = await requireMerchant(`/accounts/${encodeURIComponent(appid)}`);
  const appId = appIdParamOrNotFound(appid);
  const db = await getDb();
  // Every read is scoped to the merchant, so they run together; nothing is shown before the account is found.
  const [account, history, deliveries, t, tAuthorize, tForwarding, format, locale, query] = await Promise.all([
    findMerchantAuthorizer(db, merchant.merchantId, appId),
    listMerchantAuthorizerGrants(db, merchant.merchantId, appId, HISTORY_LIMIT),
    listMerchantDeliveries(db, merchant.merchantId, { appId: appId, limit: 20 }),
    getTranslations("accounts"),
    getTranslations("authorize"),
    getTranslations("forwarding"),
    getFormatter(),
    getLocale(),
    searchParams,
  ]);
  // Security: another merchant's account and a missing one look the same.
  if (!account) notFound();
  const lang = locale === "en" ? "en" : "zh";
  const dateTime = (d: Date | null) => (d ? format.dateTime(d, "dateTime") : null);

  const name = account.kind === null ? t("list.loadingName") : (account.nickName ?? account.appId);
  const funcIds = [...new Set(account.funcIds)].sort((a, b) => a - b);
  const conflict = query.conflict === "1" || account.reviewStatus === "conflict";
  const reauthorizeForm =
    account.status !== "authorized" ? (
      <AuthorizeForm
        bizAppId={account.appId}
        buttons={[
          {
            authType: account.kind === "official_account" ? 1 : account.kind === "mini_program" ? 2 : 3,
            label: tAuthorize("reauthorize"),
          },
        ]}
      />
    ) : null;

  const none = <span className="text-slate-500">{t("account.notProvided")}</span>;
  const described = (d: Description | null) =>
    d ? <span className={d.known ? undefined : "text-amber-800"}>{lang === "en" ? d.en : d.zh}</span> : none;
  const codes = describeProfileCodes(account);
  const details: Array<{ key: string; label: string; value: React.ReactNode; mono?: boolean }> = [
    { key: "appId", label: t("account.appId"), value: account.appId, mono: true },
    { key: "userName", label: t("account.userName"), value: account.userName ?? none, mono: Boolean(account.userName) },
    { key: "alias", label: t("account.alias"), value: account.alias || none },
    { key: "serviceType", label: t("account.serviceType"), value: described(codes.serviceType) },
    { key: "verify", label: t("account.verify"), value: described(codes.verify) },
    { key: "principal", label: t("account.principal"), value: account.principalName || none },
    { key: "accountStatus", label: t("account.accountStatus"), value: described(codes.accountStatus) },
    { key: "authorizedAt", label: t("account.authorizedAt"), value: dateTime(account.authorizedAt) ?? none },
    ...(account.revokedAt
      ? [{ key: "revokedAt", label: t("account.revokedAt"), value: dateTime(account.revokedAt) ?? none }]
      : []),
    {
      key: "profileUpdatedAt",
      label: t("account.profileUpdatedAt"),
      value: dateTime(account.profileUpdatedAt) ?? none,
    },
  ];

  return (
    <div className="flex flex-col gap-5">
      <BackLink href="/accounts">{t("account.back")}</BackLink>

      {account.status === "unauthorized" ? (
        <Banner tone="neutral" title={t("account.bannerRevokedTitle")} testId="banner-revoked" footer={reauthorizeForm}>
          {t("account.bannerRevokedBody")}
        </Banner>
      ) : account.status === "needs_reauthorization" ? (
        <Banner
          tone="warning"
          title={t("account.bannerReauthTitle")}
          testId="banner-needs-reauthorization"
          footer={reauthorizeForm}
        >
          {t("account.bannerReauthBody")}
        </Banner>
      ) : null}
      {conflict ? (
        <Banner tone="warning" title={t("account.bannerConflictTitle")} testId="banner-conflict">
          {t("account.bannerConflictBody")}
        </Banner>
      ) : query.authorized === "1" && account.status === "authorized" ? (
        <Banner tone="success" title={t("account.bannerAuthorizedTitle")} testId="banner-authorized">
          {t("account.bannerAuthorizedBody")}
        </Banner>
      ) : null}

      <section
        aria-labelledby="account-name"
        className="rounded-2xl border border-slate-200 bg-white p-5 shadow-sm sm:p-6"
      >
        <div className="flex items-center gap-4">
          <AccountAvatar src={account.headImg} name={account.nickName ?? ""} seed={account.appId} size="lg" />
          <div className="min-w-0 flex-1">
            <h1
              id="account-name"
              data-testid="account-name"
              className={`text-xl font-semibold break-words ${account.kind === null ? "text-slate-500" : "text-slate-900"}`}
            >
              {name}
            </h1>
            <div className="mt-2 flex flex-wrap gap-1.5">
              <KindBadge kind={account.kind} />
              <StatusBadge status={account.status} />
              <ReviewBadge review={account.reviewStatus} showPending />
            </div>
          </div>
        </div>
        {account.kind === null ? <p className="mt-4 text-sm text-slate-600">{t("account.loadingProfile")}</p> : null}
        <dl className="mt-5 grid grid-cols-1 gap-x-8 border-t border-slate-100 pt-2 sm:grid-cols-2">
          {details.map((row) => (
            <div
              key={row.key}
              className="flex items-baseline justify-between gap-4 border-b border-slate-100 py-2.5 sm:flex-col sm:justify-start sm:gap-0.5"
            >
              <dt className="shrink-0 text-sm text-slate-500">{row.label}</dt>
              <dd
                data-testid={`detail-${row.key}`}
                className={`min-w-0 text-right text-sm break-all text-slate-900 sm:text-left ${row.mono ? "font-mono" : ""}`}
              >
                {row.value}
              </dd>
            </div>
          ))}
        </dl>
      </section>

      <ReviewPanel review={account.reviewStatus} note={account.reviewNote} reviewedAt={account.reviewedAt} />

      {account.kind === "mini_program" && account.status === "authorized" ? (
        <>
          <Suspense fallback={<SetupPanelSkeleton />}>
            <SetupPanel merchantId={merchant.merchantId} appId={account.appId} />
          </Suspense>
          <ReleasePanel
            merchantId={merchant.merchantId}
            appId={account.appId}
            funcIds={funcIds}
            reauthorize={
              <AuthorizeForm bizAppId={account.appId} buttons={[{ authType: 2, label: tAuthorize("reauthorize") }]} />
            }
          />
        </>
      ) : null}

      <Panel titleId="permissions-title" title={t("account.permissionsTitle")}>
        {funcIds.length === 0 ? (
          <p className="mt-2 text-sm text-slate-600">{t("account.noPermissions")}</p>
        ) : (
          <>
            <p className="mt-0.5 text-sm text-slate-600">
              {t(account.status === "unauthorized" ? "account.permissionsRevokedHint" : "account.permissionsHint", {
                n: funcIds.length,
              })}
            </p>
            <ul
              data-testid="permission-list"
              className={`mt-4 grid grid-cols-1 gap-2 sm:grid-cols-2 ${account.status === "unauthorized" ? "opacity-60" : ""}`}
            >
              {funcIds.map((id) => (
                <PermissionItem
                  key={id}
                  id={id}
                  lang={lang}
                  testId={`permission-${id}`}
                  unknownLabel={t("account.permissionUnknown")}
                  undocumentedLabel={t("account.permissionUndocumented")}
                />
              ))}
            </ul>
          </>
        )}
      </Panel>

      <Panel titleId="history-title" title={t("account.historyTitle")}>
        {history.length === 0 ? (
          <p className="mt-2 text-sm text-slate-600">{t("account.historyEmpty")}</p>
        ) : (
          <ol data-testid="grant-history" className="mt-3 flex flex-col">
            {history.map((grant, index) => (
              <li
                key={`${grant.source}-${index}`}
                data-source={grant.source}
                className="flex flex-col gap-0.5 border-l-2 border-slate-200 py-2 pl-4 sm:flex-row sm:items-baseline sm:gap-3"
              >
                <span className="text-sm font-medium text-slate-900">{t(`account.historySource.${grant.source}`)}</span>
                <span className="text-xs text-slate-500">
                  {grant.source !== "unauthorized"
                    ? t("account.historyEntry", {
                        time: format.dateTime(grant.createdAt, "dateTime"),
                        permissions: t("account.historyPermissions", { n: grant.funcIds.length }),
                      })
                    : format.dateTime(grant.createdAt, "dateTime")}
                </span>
              </li>
            ))}
          </ol>
        )}
      </Panel>

      <Panel
        titleId="forwarded-title"
        title={tForwarding("accountLogTitle")}
        aside={
          <Link href="/accounts#forwarding" className="text-sm text-emerald-700 hover:underline">
            {tForwarding("settingsLink")}
          </Link>
        }
        className="flex flex-col gap-3"
        data-testid="account-deliveries"
      >
        <DeliveryLog deliveries={deliveries} retentionDays={getEnv().retention.messageDays} />
      </Panel>
    </div>
  );
}
