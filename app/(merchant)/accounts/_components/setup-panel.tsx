import { getTranslations } from "next-intl/server";
import { Panel } from "@/app/_components/panel";
import { SetupChecklist } from "@/app/_components/setup-checklist";
import { Translated } from "@/app/_components/translated";
import { getDb } from "@/db";
import { findMerchantPrivacyContacts, findMerchantSetupAccount } from "@/db/queries/setup";
import { getPlatform } from "@/lib/platform";
import { tryRefreshSetupState } from "@/lib/setup/service";
import { listTesters } from "@/lib/setup/testers";
import { BindTesterForm, PrivacyContactsForm, RefreshSetupForm, UnbindTesterForm } from "./setup-forms";

/**
 * Setup of one of the merchant's mini programs: the readiness checklist with live state, the privacy contact
 * details, and the testers. Every read is scoped to the merchant (the caller checked the account is theirs).
 */
export async function SetupPanel({ merchantId, appId }: { merchantId: string; appId: string }) {
  const t = await getTranslations("setup.ui");
  const db = await getDb();
  const platform = await getPlatform();
  let setup = await findMerchantSetupAccount(db, merchantId, appId);
  // Never read yet (authorized before setup existed, or the first read failed): read now.
  if (!setup?.readAt && (await tryRefreshSetupState(platform, appId)))
    setup = await findMerchantSetupAccount(db, merchantId, appId);
  const [contacts, testers] = await Promise.all([
    findMerchantPrivacyContacts(db, merchantId, appId),
    listTesters(platform, merchantId, appId),
  ]);

  return (
    <>
      <Panel
        titleId="setup-title"
        title={t("checklistTitle")}
        aside={<RefreshSetupForm appId={appId} />}
        data-testid="setup-panel"
      >
        <SetupChecklist items={setup?.checklist ?? []} readAt={setup?.readAt ?? null} />
      </Panel>

      <Panel titleId="privacy-contacts-title" title={t("contacts.title")}>
        <PrivacyContactsForm appId={appId} contacts={contacts ?? null} />
      </Panel>

      <Panel
        titleId="testers-title"
        title={t("testers.title")}
        className="flex flex-col gap-4"
        data-testid="testers-panel"
      >
        <p className="text-sm text-slate-600">{t("testers.intro")}</p>
        {!testers.ok ? (
          <p
            role="alert"
            className="rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800"
            data-testid="testers-error"
          >
            <Translated message={testers.message} />
          </p>
        ) : testers.testers.length === 0 ? (
          <p className="text-sm text-slate-600" data-testid="testers-empty">
            {t("testers.empty")}
          </p>
        ) : (
          <ul
            data-testid="tester-list"
            className="flex flex-col divide-y divide-slate-100 rounded-xl border border-slate-200"
          >
            {testers.testers.map((tester) => (
              <li
                key={tester.userstr}
                data-testid="tester"
                className="flex flex-wrap items-center justify-between gap-2 px-3 py-2"
              >
                <span className={`text-sm ${tester.wechatId ? "font-mono text-slate-900" : "text-slate-600"}`}>
                  {tester.wechatId ?? t("testers.elsewhere")}
                </span>
                <UnbindTesterForm
                  appId={appId}
                  userstr={tester.userstr}
                  label={tester.wechatId ?? t("testers.elsewhere")}
                />
              </li>
            ))}
          </ul>
        )}
        <BindTesterForm appId={appId} />
      </Panel>
    </>
  );
}

export function SetupPanelSkeleton() {
  return (
    <div
      aria-busy="true"
      className="flex flex-col gap-3 rounded-2xl border border-slate-200 bg-white p-5 shadow-sm"
      data-testid="setup-loading"
    >
      <div className="h-5 w-40 animate-pulse rounded bg-slate-200" />
      {[0, 1, 2, 3].map((i) => (
        <div key={i} className="h-10 animate-pulse rounded bg-slate-100" />
      ))}
    </div>
  );
}
