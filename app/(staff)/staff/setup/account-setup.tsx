import { getTranslations } from "next-intl/server";
import { Panel } from "@/app/_components/panel";
import { SetupChecklist } from "@/app/_components/setup-checklist";
import { getDb } from "@/db";
import { findSetupAccount } from "@/db/queries/setup";
import { diffDomains, type DomainDiffEntry } from "@/lib/setup/checklist";
import { ApplyAccountForm } from "./forms";

/** The account's setup on its staff page: the same checklist the merchant sees, apply now, intended vs effective domains. */
export async function StaffAccountSetup({ appId }: { appId: string }) {
  const t = await getTranslations("setup.ui.account");
  const row = await findSetupAccount(await getDb(), appId);
  const diff = row?.applied && row.snapshot.domains ? diffDomains(row.applied, row.snapshot.domains) : null;
  const group = (title: string, entries: DomainDiffEntry[], tone: string, testId: string) =>
    entries.length === 0 ? null : (
      <div data-testid={testId}>
        <h4 className={`text-xs font-semibold ${tone}`}>
          {title} ({entries.length})
        </h4>
        <ul className="mt-1 flex flex-col gap-0.5">
          {entries.map((e) => (
            <li key={`${e.type}-${e.domain}`} className="font-mono text-xs break-all text-slate-700">
              <span className="text-slate-500">{e.type}</span> {e.domain}
            </li>
          ))}
        </ul>
      </div>
    );
  return (
    <Panel
      titleId="staff-setup-title"
      title={t("title")}
      aside={<ApplyAccountForm appId={appId} />}
      data-testid="staff-setup"
    >
      <SetupChecklist items={row?.checklist ?? []} readAt={row?.readAt ?? null} />
      {diff ? (
        <div className="mt-4 flex flex-col gap-3 border-t border-slate-100 pt-3">
          <h3 className="text-sm font-semibold text-slate-900">{t("domainsTitle")}</h3>
          {group(t("effective"), diff.effective, "text-emerald-800", "domains-effective")}
          {group(t("awaiting"), diff.awaitingRelease, "text-sky-800", "domains-awaiting")}
          {group(t("missing"), diff.missing, "text-red-700", "domains-missing")}
          {group(t("extra"), diff.extra, "text-amber-900", "domains-extra")}
        </div>
      ) : null}
    </Panel>
  );
}
