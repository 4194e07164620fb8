import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { getTranslations } from "next-intl/server";
import { Banner } from "@/app/_components/banner";
import { ChevronRightIcon, EmptyStateIcon } from "@/app/_components/icons";
import { PageHeader } from "@/app/_components/page-header";
import { Panel } from "@/app/_components/panel";
import { getDb } from "@/db";
import { listMerchantAuthorizers } from "@/db/queries/authorizers";
import { findMerchantWebhook, listMerchantDeliveries } from "@/db/queries/webhooks";
import { requireMerchant } from "@/lib/auth/guards";
import { getPlatform } from "@/lib/platform";
import { viewWebhookSecret } from "@/lib/webhooks/merchant-secret";
import { AccountAvatar } from "../_components/account-avatar";
import { KindBadge, ReviewBadge, StatusBadge } from "../_components/account-badges";
import { AuthorizeForm, type AuthorizeButton } from "../_components/authorize-form";
import { ForwardingPanel } from "../_components/forwarding-panel";
import { RegisterLink } from "../_components/register-link";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("accounts.list"))("metaTitle") };
}

export default async function AccountsPage({ searchParams }: PageProps<"/accounts">) {
  await connection();
  const merchant = await requireMerchant("/accounts");
  const db = await getDb();
  const [t, accounts, query, webhook, deliveries, { secretBox, env }] = await Promise.all([
    getTranslations("accounts"),
    listMerchantAuthorizers(db, merchant.merchantId),
    searchParams,
    findMerchantWebhook(db, merchant.merchantId),
    listMerchantDeliveries(db, merchant.merchantId, { limit: 20 }),
    getPlatform(),
  ]);
  const tAuthorize = await getTranslations("authorize");
  const buttons: AuthorizeButton[] = [
    { authType: 1, label: tAuthorize("authorizeOfficialAccount") },
    { authType: 2, label: tAuthorize("authorizeMiniProgram") },
  ];
  const authorizeForm = <AuthorizeForm buttons={buttons} />;

  return (
    <div className="flex flex-col gap-6">
      <PageHeader title={t("list.title")} subtitle={t("list.subtitle")}>
        <div className="mt-3">
          <RegisterLink />
        </div>
      </PageHeader>

      {query.conflict === "1" ? (
        <Banner tone="warning" title={t("notices.conflictTitle")} testId="notice-conflict">
          {t("notices.conflictBody")}
        </Banner>
      ) : query.authorized === "1" ? (
        <Banner tone="success" title={t("notices.authorizedTitle")} testId="notice-authorized">
          {t("notices.authorizedBody")}
        </Banner>
      ) : null}

      {accounts.length === 0 ? (
        <section
          data-testid="accounts-empty"
          aria-labelledby="empty-title"
          className="rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8"
        >
          <EmptyStateIcon className="mb-4 flex h-12 w-12 items-center justify-center rounded-full bg-emerald-50 text-emerald-600">
            <path d="M12 3 4 6v6c0 4.4 3.4 8.2 8 9 4.6-.8 8-4.6 8-9V6l-8-3Z" />
            <path d="m8.5 12 2.5 2.5 4.5-5" />
          </EmptyStateIcon>
          <h2 id="empty-title" className="text-lg font-semibold text-slate-900">
            {t("list.emptyTitle")}
          </h2>
          <p className="mt-2 max-w-2xl text-sm leading-relaxed text-slate-600">{t("list.emptyBody")}</p>
          <ol className="mt-4 flex flex-col gap-2 text-sm text-slate-700 sm:flex-row sm:gap-6">
            {(["choose", "confirm", "back"] as const).map((step, index) => (
              <li key={step} className="flex items-start gap-2">
                <span
                  aria-hidden="true"
                  className="flex h-5 w-5 shrink-0 items-center justify-center rounded-full bg-slate-100 text-xs font-semibold text-slate-600"
                >
                  {index + 1}
                </span>
                <span>{t(`emptySteps.${step}`)}</span>
              </li>
            ))}
          </ol>
          <div className="mt-6 border-t border-slate-100 pt-5">{authorizeForm}</div>
        </section>
      ) : (
        <>
          <Panel titleId="add-title" title={t("list.addTitle")} dense>
            <p className="mt-0.5 mb-4 text-sm text-slate-600">{t("list.addHint")}</p>
            {authorizeForm}
          </Panel>
          <ul data-testid="account-list" className="grid grid-cols-1 gap-3 md:grid-cols-2">
            {accounts.map((account) => {
              const name = account.kind === null ? t("list.loadingName") : (account.nickName ?? account.appId);
              return (
                <li key={account.appId}>
                  <Link
                    href={`/accounts/${account.appId}`}
                    data-testid={`account-card-${account.appId}`}
                    className="group flex h-full items-center gap-4 rounded-xl border border-slate-200 bg-white p-4 shadow-sm transition-colors hover:border-emerald-300 hover:shadow focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-600"
                  >
                    <AccountAvatar src={account.headImg} name={account.nickName ?? ""} seed={account.appId} />
                    <div className="min-w-0 flex-1">
                      <p
                        className={`truncate font-semibold ${account.kind === null ? "text-slate-500" : "text-slate-900"}`}
                      >
                        {name}
                      </p>
                      <p className="truncate font-mono text-xs text-slate-500">{account.userName ?? account.appId}</p>
                      <div className="mt-2 flex flex-wrap gap-1.5">
                        <KindBadge kind={account.kind} />
                        <StatusBadge status={account.status} />
                        <ReviewBadge review={account.reviewStatus} />
                      </div>
                    </div>
                    <ChevronRightIcon className="h-5 w-5 shrink-0 text-slate-300 transition-colors group-hover:text-emerald-600" />
                  </Link>
                </li>
              );
            })}
          </ul>
          <ForwardingPanel
            url={webhook?.url ?? null}
            secret={viewWebhookSecret(secretBox, merchant.merchantId, webhook?.secretSealed ?? null)}
            deliveries={deliveries}
            accountNames={new Map(accounts.map((a) => [a.appId, a.nickName ?? a.appId]))}
            retentionDays={env.retention.messageDays}
          />
        </>
      )}
    </div>
  );
}
