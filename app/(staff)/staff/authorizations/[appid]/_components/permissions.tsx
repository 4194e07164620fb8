import { getFormatter, getTranslations } from "next-intl/server";
import { Panel } from "@/app/_components/panel";
import { bilingual, PermissionItem } from "@/app/_components/permission-item";
import type { listStaffGrantHistory } from "@/lib/staff/authorizer-detail";
import { describePermission } from "@/lib/wechat/permissions";
import { getPairLanguage, type PairLanguage } from "../../../_components/language";

/** A permission set as a compact chip: #id and its name in the UI language (the other language on hover). */
export function PermissionChip({
  id,
  lang,
  tone = "slate",
}: {
  id: number;
  lang: PairLanguage;
  tone?: "slate" | "added" | "removed";
}) {
  const text = bilingual(describePermission(id), lang);
  const tones = {
    slate: "border-slate-200 bg-slate-50 text-slate-800",
    added: "border-emerald-200 bg-emerald-50 text-emerald-900",
    removed: "border-red-200 bg-red-50 text-red-900 line-through decoration-red-400",
  };
  return (
    <span
      data-testid={`chip-${id}`}
      title={text.secondary}
      className={`inline-flex max-w-full items-baseline gap-1 rounded-md border px-1.5 py-0.5 text-xs ${tones[tone]}`}
    >
      <span className="font-mono text-[11px]">#{id}</span>
      <span className="break-words">{text.primary}</span>
    </span>
  );
}

/** The granted sets, each with its Chinese and English name. */
export async function PermissionList({ funcIds, revoked }: { funcIds: number[]; revoked: boolean }) {
  const [t, lang] = await Promise.all([getTranslations("staffDetail.permissions"), getPairLanguage()]);
  const ids = [...new Set(funcIds)].sort((a, b) => a - b);
  return (
    <Panel
      titleId="permissions-title"
      title={t("title")}
      aside={ids.length > 0 ? <span className="text-sm text-slate-500">{t("count", { n: ids.length })}</span> : null}
    >
      {ids.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">{t("none")}</p>
      ) : (
        <ul
          data-testid="staff-permission-list"
          className={`mt-3 grid grid-cols-1 gap-2 sm:grid-cols-2 ${revoked ? "opacity-60" : ""}`}
        >
          {ids.map((id) => (
            <PermissionItem
              key={id}
              id={id}
              lang={lang}
              testId={`staff-permission-${id}`}
              unknownLabel={t("unknown")}
            />
          ))}
        </ul>
      )}
    </Panel>
  );
}

type Grant = Awaited<ReturnType<typeof listStaffGrantHistory>>[number];

/** Added / removed permission sets of one grant compared with the previous one. */
export function GrantChanges({
  added,
  removed,
  labels,
  lang,
}: {
  added: number[];
  removed: number[];
  labels: { unchanged: string; added: string; removed: string };
  lang: PairLanguage;
}) {
  if (added.length === 0 && removed.length === 0) return <p className="text-xs text-slate-500">{labels.unchanged}</p>;
  return (
    <div className="flex flex-col gap-1.5">
      {added.length > 0 ? (
        <div data-testid="grant-added" className="flex flex-wrap items-baseline gap-1">
          <span className="mr-0.5 text-xs font-medium text-emerald-800">+ {labels.added}</span>
          {added.map((id) => (
            <PermissionChip key={id} id={id} lang={lang} tone="added" />
          ))}
        </div>
      ) : null}
      {removed.length > 0 ? (
        <div data-testid="grant-removed" className="flex flex-wrap items-baseline gap-1">
          <span className="mr-0.5 text-xs font-medium text-red-800">− {labels.removed}</span>
          {removed.map((id) => (
            <PermissionChip key={id} id={id} lang={lang} tone="removed" />
          ))}
        </div>
      ) : null}
    </div>
  );
}

/** The labels GrantChanges shows, from the `staffDetail.grants` namespace. */
export async function getGrantLabels() {
  const t = await getTranslations("staffDetail.grants");
  return { unchanged: t("unchanged"), added: t("added"), removed: t("removed") };
}

/** Every grant of the account, newest first, with what it changed. */
export async function GrantHistory({ grants, limit }: { grants: Grant[]; limit: number }) {
  const [t, format, lang, labels] = await Promise.all([
    getTranslations("staffDetail.grants"),
    getFormatter(),
    getPairLanguage(),
    getGrantLabels(),
  ]);
  const source = (value: string) => {
    const key = `source.${value}` as Parameters<typeof t>[0];
    return t.has(key) ? t(key) : value;
  };
  return (
    <Panel titleId="grants-title" title={t("title")}>
      <p className="mt-0.5 text-sm text-slate-600">{t("subtitle")}</p>
      {grants.length === 0 ? (
        <p className="mt-3 text-sm text-slate-600">{t("empty")}</p>
      ) : (
        <ol data-testid="staff-grant-history" className="mt-3 flex flex-col">
          {grants.map((grant) => (
            <li
              key={grant.id}
              data-source={grant.source}
              className="flex flex-col gap-1.5 border-l-2 border-slate-200 py-2.5 pl-4"
            >
              <div className="flex flex-col gap-0.5 sm:flex-row sm:items-baseline sm:gap-3">
                <span className="text-sm font-medium text-slate-900">{source(grant.source)}</span>
                <span className="text-xs text-slate-500">
                  {t("dateAndTotal", { time: format.dateTime(grant.createdAt, "dateTime"), n: grant.funcIds.length })}
                </span>
              </div>
              <GrantChanges added={grant.added} removed={grant.removed} labels={labels} lang={lang} />
            </li>
          ))}
        </ol>
      )}
      {grants.length >= limit ? <p className="mt-2 text-xs text-slate-500">{t("limited", { n: limit })}</p> : null}
    </Panel>
  );
}
