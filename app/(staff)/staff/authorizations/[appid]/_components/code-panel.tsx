import { getFormatter, getTranslations } from "next-intl/server";
import { Panel } from "@/app/_components/panel";
import { AuditItem, AuditStatusBadge, OnlineVersionItem } from "@/app/_components/release-status";
import { getDb } from "@/db";
import { findReleaseAccount, listAccountAudits } from "@/db/queries/releases";
import { readableAuditReason } from "@/lib/releases/wechat-answers";
import { ActionForm } from "../../../releases/_components/action-form";
import { accountCodeActionAction } from "../../../releases/actions";

const HISTORY_LIMIT = 10;

/**
 * Staff's view of a mini program's code (docs/releases.md): 线上版本, 体验版 with its QR code, the current audit and the
 * audit history with WeChat's reasons and screenshot media ids, and the per-account actions (ask WeChat, 撤回审核,
 * 加急审核, 回退版本, 取消分阶段发布), each checked and audited inside the action.
 */
export async function StaffCodePanel({ appId, funcIds }: { appId: string; funcIds: number[] }) {
  const [t, format] = await Promise.all([getTranslations("releases"), getFormatter()]);
  if (!funcIds.includes(18)) {
    return (
      <Panel titleId="code-title" title={t("panel.title")} data-testid="staff-code-panel">
        <p className="text-sm font-medium text-slate-900">{t("panel.noSet18Title")}</p>
        <p className="mt-1 text-sm text-slate-600">{t("panel.noSet18")}</p>
      </Panel>
    );
  }
  const db = await getDb();
  const [account, audits] = await Promise.all([
    findReleaseAccount(db, appId),
    listAccountAudits(db, appId, HISTORY_LIMIT),
  ]);
  const time = (d: Date) => format.dateTime(d, { dateStyle: "medium", timeStyle: "short" });
  const status = account?.auditStatus;
  const open = status === 2 || status === 4;
  const action = (name: string, label: string, tone: "secondary" | "danger" = "secondary") => (
    <ActionForm
      action={accountCodeActionAction}
      fields={{ appId, action: name, ...(account?.auditId ? { auditId: account.auditId } : {}) }}
      label={label}
      tone={tone}
      testId={`code-action-${name}`}
    />
  );

  return (
    <Panel titleId="code-title" title={t("panel.title")} data-testid="staff-code-panel">
      {!account ? <p className="text-sm text-slate-600">{t("panel.empty")}</p> : null}
      {account ? (
        <dl className="grid gap-4 sm:grid-cols-3">
          <OnlineVersionItem account={account} testId="staff-online-version" />
          <div>
            <dt className="text-sm text-slate-500">{t("panel.exp")}</dt>
            <dd className="text-sm font-medium text-slate-900">{account.expVersion ?? t("panel.none")}</dd>
          </div>
          <AuditItem account={account} testId="staff-audit-status" />
        </dl>
      ) : null}

      {account?.expVersion ? (
        <div className="mt-4 flex items-center gap-4">
          {/* Served by the portal (experience-qr route): the token stays on the server. */}
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img
            src={`/staff/authorizations/${appId}/experience-qr`}
            alt={t("panel.qr")}
            width={120}
            height={120}
            className="rounded-lg border border-slate-200"
          />
          <p className="text-sm text-slate-600">{t("panel.qr")}</p>
        </div>
      ) : null}

      <div className="mt-4 flex flex-wrap gap-2 border-t border-slate-100 pt-4">
        {action("refresh", t("panel.refresh"))}
        {open ? action("undo", t("panel.undo"), "danger") : null}
        {status === 2 && account?.auditId ? action("speedup", t("panel.speedup")) : null}
        {account?.grayPercentage ? action("revert_gray", t("panel.revertGray"), "danger") : null}
        {account?.onlineVersion ? action("revert", t("panel.revert"), "danger") : null}
      </div>

      <h3 className="mt-5 text-sm font-semibold text-slate-900">{t("panel.history")}</h3>
      {audits.length === 0 ? (
        <p className="mt-1 text-sm text-slate-600">{t("panel.noHistory")}</p>
      ) : (
        <ul data-testid="staff-audit-history" className="mt-2 divide-y divide-slate-100">
          {audits.map((audit) => (
            <li key={audit.id} data-testid="staff-audit-row" className="flex flex-col gap-1 py-2">
              <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
                <AuditStatusBadge status={audit.status} label={t(`audit.status.${audit.status}` as "audit.status.0")} />
                <span className="text-sm font-medium text-slate-900">{audit.userVersion ?? "—"}</span>
                <span className="font-mono text-xs text-slate-500">#{audit.auditId}</span>
                {audit.submittedAt ? <span className="text-xs text-slate-500">{time(audit.submittedAt)}</span> : null}
              </div>
              {audit.reason ? (
                <p className="text-sm break-words text-slate-700">
                  {t("panel.reason", { reason: readableAuditReason(audit.reason) })}
                </p>
              ) : null}
              {audit.screenshots ? (
                <p className="font-mono text-xs break-all text-slate-500">
                  {t("panel.screenshots", { ids: audit.screenshots })}
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}
