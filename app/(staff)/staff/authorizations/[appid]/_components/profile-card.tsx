import { Panel } from "@/app/_components/panel";
import type { StaffAuthorizerDetail } from "@/db/queries/staff-authorizer-detail";
import { formatDateTime, type Dictionary, type Language } from "@/lib/i18n";
import type { StaffDetailDictionary } from "@/lib/i18n-staff-detail";
import { describeAccountStatus, describeServiceType, describeVerifyType } from "@/lib/wechat/permissions";

/** The account's profile as WeChat reports it, and who holds it here. */
export function ProfileCard({ account, d, t, lang }: { account: StaffAuthorizerDetail; d: StaffDetailDictionary; t: Dictionary; lang: Language }) {
  const p = d.detail;
  const none = <span className="text-slate-400">{p.none}</span>;
  const described = (x: { zh: string; en: string; known: boolean }) => (
    <span className={x.known ? undefined : "text-amber-800"} title={lang === "en" ? x.zh : x.en}>
      {lang === "en" ? x.en : x.zh}
    </span>
  );
  const merchant = (m: { id: string; name: string }) => (
    <span className="flex flex-col">
      <span className="break-words">{m.name}</span>
      <span className="font-mono text-[11px] break-all text-slate-500">{m.id}</span>
    </span>
  );
  const rows: Array<{ key: string; label: string; value: React.ReactNode; mono?: boolean; highlight?: boolean }> = [
    { key: "appId", label: p.appId, value: account.appId, mono: true },
    { key: "userName", label: p.userName, value: account.userName ?? none, mono: Boolean(account.userName) },
    { key: "kind", label: p.kind, value: account.kind ? t.kind[account.kind] : none },
    {
      key: "serviceType",
      label: p.serviceType,
      value: account.kind && account.serviceTypeId !== null ? described(describeServiceType(account.kind, account.serviceTypeId)) : none,
    },
    { key: "principal", label: p.principal, value: account.principalName || none },
    { key: "verify", label: p.verify, value: account.verifyTypeId !== null ? described(describeVerifyType(account.verifyTypeId)) : none },
    { key: "accountStatus", label: p.accountStatus, value: account.accountStatus !== null ? described(describeAccountStatus(account.accountStatus)) : none },
    { key: "alias", label: p.alias, value: account.alias || none },
    { key: "status", label: p.status, value: t.status[account.status] },
    {
      key: "merchant",
      label: p.merchant,
      value: account.merchant ? merchant(account.merchant) : <span className="font-medium text-amber-800">{p.unassigned}</span>,
    },
    ...(account.contestingMerchant ? [{ key: "contestedBy", label: p.contestedBy, value: merchant(account.contestingMerchant), highlight: true }] : []),
    { key: "authorizedAt", label: p.authorizedAt, value: formatDateTime(account.authorizedAt, lang) ?? none },
    ...(account.revokedAt ? [{ key: "revokedAt", label: p.revokedAt, value: formatDateTime(account.revokedAt, lang) ?? none }] : []),
    { key: "profileUpdatedAt", label: p.profileUpdatedAt, value: formatDateTime(account.profileUpdatedAt, lang) ?? none },
    { key: "createdAt", label: p.createdAt, value: formatDateTime(account.createdAt, lang) ?? none },
  ];
  return (
    <Panel titleId="profile-title" title={p.profileTitle}>
      <dl className="mt-2 grid grid-cols-1 gap-x-8 sm:grid-cols-2">
        {rows.map((row) => (
          <div
            key={row.key}
            className={`flex items-baseline justify-between gap-4 border-b border-slate-100 py-2.5 sm:flex-col sm:justify-start sm:gap-0.5 ${
              row.highlight ? "-mx-2 rounded-md border-amber-200 bg-amber-50 px-2" : ""
            }`}
          >
            <dt className="shrink-0 text-sm text-slate-500">{row.label}</dt>
            <dd data-testid={`staff-detail-${row.key}`} className={`min-w-0 text-right text-sm break-all text-slate-900 sm:text-left ${row.mono ? "font-mono" : ""}`}>
              {row.value}
            </dd>
          </div>
        ))}
      </dl>
    </Panel>
  );
}
