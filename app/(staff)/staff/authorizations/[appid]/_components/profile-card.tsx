import { getFormatter, getTranslations } from "next-intl/server";
import { Panel } from "@/app/_components/panel";
import { describeProfileCodes } from "@/app/_components/profile-codes";
import type { StaffAuthorizerDetail } from "@/db/queries/staff-authorizer-detail";
import type { Description } from "@/lib/wechat/permissions";
import { getPairLanguage } from "../../../_components/language";

/** The account's profile as WeChat reports it, and who holds it here. */
export async function ProfileCard({ account }: { account: StaffAuthorizerDetail }) {
  const [t, tList, format, lang] = await Promise.all([
    getTranslations("staffDetail.detail"),
    getTranslations("staffList"),
    getFormatter(),
    getPairLanguage(),
  ]);
  const none = <span className="text-slate-500">{t("none")}</span>;
  const time = (value: Date | null) => (value ? format.dateTime(value, "dateTime") : none);
  const described = (x: Description | null) =>
    x ? (
      <span className={x.known ? undefined : "text-amber-800"} title={lang === "en" ? x.zh : x.en}>
        {lang === "en" ? x.en : x.zh}
      </span>
    ) : (
      none
    );
  const codes = describeProfileCodes(account);
  const merchant = (m: { id: string; name: string }) => (
    <span className="flex flex-col">
      <span className="break-words">{m.name}</span>
      <span className="font-mono text-[11px] break-all text-slate-500">{m.id}</span>
    </span>
  );
  const rows: Array<{ key: string; label: string; value: React.ReactNode; mono?: boolean; highlight?: boolean }> = [
    { key: "appId", label: t("appId"), value: account.appId, mono: true },
    { key: "userName", label: t("userName"), value: account.userName ?? none, mono: Boolean(account.userName) },
    { key: "kind", label: t("kind"), value: account.kind ? tList(`kind.${account.kind}`) : none },
    { key: "serviceType", label: t("serviceType"), value: described(codes.serviceType) },
    { key: "principal", label: t("principal"), value: account.principalName || none },
    { key: "verify", label: t("verify"), value: described(codes.verify) },
    { key: "accountStatus", label: t("accountStatus"), value: described(codes.accountStatus) },
    { key: "alias", label: t("alias"), value: account.alias || none },
    { key: "status", label: t("status"), value: tList(`status.${account.status}`) },
    {
      key: "merchant",
      label: t("merchant"),
      value: account.merchant ? (
        merchant(account.merchant)
      ) : (
        <span className="font-medium text-amber-800">{t("unassigned")}</span>
      ),
    },
    ...(account.contestingMerchant
      ? [
          {
            key: "contestedBy",
            label: t("contestedBy"),
            value: merchant(account.contestingMerchant),
            highlight: true,
          },
        ]
      : []),
    { key: "authorizedAt", label: t("authorizedAt"), value: time(account.authorizedAt) },
    ...(account.revokedAt ? [{ key: "revokedAt", label: t("revokedAt"), value: time(account.revokedAt) }] : []),
    { key: "profileUpdatedAt", label: t("profileUpdatedAt"), value: time(account.profileUpdatedAt) },
    { key: "createdAt", label: t("createdAt"), value: time(account.createdAt) },
  ];
  return (
    <Panel titleId="profile-title" title={t("profileTitle")}>
      <dl className="mt-2 grid grid-cols-1 gap-x-8 sm:grid-cols-2">
        {rows.map((row) => (
          <div
            key={row.key}
            className={`flex items-baseline justify-between gap-4 border-b border-slate-100 py-2.5 sm:flex-col sm:justify-start sm:gap-0.5 ${
              row.highlight ? "-mx-2 rounded-md border-amber-200 bg-amber-50 px-2" : ""
            }`}
          >
            <dt className="shrink-0 text-sm text-slate-500">{row.label}</dt>
            <dd
              data-testid={`staff-detail-${row.key}`}
              className={`min-w-0 text-right text-sm break-all text-slate-900 sm:text-left ${row.mono ? "font-mono" : ""}`}
            >
              {row.value}
            </dd>
          </div>
        ))}
      </dl>
    </Panel>
  );
}
