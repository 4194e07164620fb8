import { getFormatter, getTranslations } from "next-intl/server";
import type { ReleaseAccountRow } from "@/db/queries/releases";
import type { AuditStatus } from "@/db/schema";
import { readableAuditReason } from "@/lib/releases/wechat-answers";

/** A mini program's code state as merchants and staff both see it (the merchant's release panel, staff's code panel). */

const STATUS_TONES: Record<number, string> = {
  0: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  1: "bg-red-50 text-red-800 ring-red-200",
  2: "bg-sky-50 text-sky-800 ring-sky-200",
  3: "bg-slate-100 text-slate-700 ring-slate-300",
  4: "bg-amber-50 text-amber-800 ring-amber-200",
};

/** An audit's state as a coloured pill (审核中 sky, 通过 green, 未通过 red, 撤回 grey, 延后 amber). */
export function AuditStatusBadge({
  status,
  label,
  version,
  testId,
}: {
  status: AuditStatus;
  label: string;
  version?: string | null;
  testId?: string;
}) {
  return (
    <span
      data-testid={testId}
      data-status={status}
      className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STATUS_TONES[status] ?? ""}`}
    >
      {label}
      {version ? ` · ${version}` : ""}
    </span>
  );
}

/** 线上版本: version and release time, and the gray percentage during a gray release (a `<div>` of a `<dl>`). */
export async function OnlineVersionItem({ account, testId }: { account: ReleaseAccountRow; testId: string }) {
  const [t, format] = await Promise.all([getTranslations("releases"), getFormatter()]);
  return (
    <div>
      <dt className="text-sm text-slate-500">{t("panel.online")}</dt>
      <dd data-testid={testId} className="text-sm font-medium text-slate-900">
        {account.onlineVersion && account.onlineAt
          ? t("panel.onlineValue", {
              version: account.onlineVersion,
              time: format.dateTime(account.onlineAt, { dateStyle: "medium", timeStyle: "short" }),
            })
          : t("panel.none")}
      </dd>
      {account.grayPercentage ? (
        <dd className="text-xs text-slate-600">{t("panel.gray", { percentage: account.grayPercentage })}</dd>
      ) : null}
    </div>
  );
}

/** 审核状态: the current audit's pill with its version; with `reasonTestId`, WeChat's reason when rejected or delayed. */
export async function AuditItem({
  account,
  testId,
  reasonTestId,
}: {
  account: ReleaseAccountRow;
  testId: string;
  reasonTestId?: string;
}) {
  const t = await getTranslations("releases");
  const status = account.auditStatus;
  return (
    <div>
      <dt className="text-sm text-slate-500">{t("panel.audit")}</dt>
      <dd className="text-sm">
        {status !== null && status !== undefined ? (
          <AuditStatusBadge
            status={status}
            label={t(`audit.status.${status}` as "audit.status.0")}
            version={account.auditVersion}
            testId={testId}
          />
        ) : (
          t("panel.none")
        )}
      </dd>
      {reasonTestId && account.auditReason && (status === 1 || status === 4) ? (
        <dd data-testid={reasonTestId} className="mt-1 text-sm break-words text-slate-700">
          {t("panel.reason", { reason: readableAuditReason(account.auditReason) })}
        </dd>
      ) : null}
    </div>
  );
}
