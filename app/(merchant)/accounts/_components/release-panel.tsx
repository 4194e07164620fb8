import { getFormatter, getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { ActionForm } from "@/app/(staff)/staff/releases/_components/action-form";
import { Panel } from "@/app/_components/panel";
import { getDb } from "@/db";
import { listMerchantTargets } from "@/db/queries/batches";
import { findReleaseAccount } from "@/db/queries/releases";
import type { AuditStatus } from "@/db/schema";
import { RELEASE_KIND } from "@/lib/releases/release-kind";
import { readableAuditReason } from "@/lib/releases/wechat-answers";
import { publishReleaseAction } from "../release-actions";

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

/** A merchant's mini program: 线上版本, audit status with WeChat's reason, the 体验版 QR, and 发布 when a batch waits. */
export async function ReleasePanel({
  merchantId,
  appId,
  funcIds,
  reauthorize,
}: {
  merchantId: string;
  appId: string;
  funcIds: number[];
  reauthorize: ReactNode;
}) {
  const [t, format] = await Promise.all([getTranslations("releases"), getFormatter()]);
  if (!funcIds.includes(18)) {
    return (
      <Panel titleId="release-title" title={t("panel.title")} data-testid="release-panel">
        <p className="text-sm font-medium text-slate-900">{t("panel.noSet18Title")}</p>
        <p data-testid="release-no-set-18" className="mt-1 text-sm text-slate-600">
          {t("panel.noSet18")}
        </p>
        <div className="mt-3">{reauthorize}</div>
      </Panel>
    );
  }
  const db = await getDb();
  const [account, targets] = await Promise.all([
    findReleaseAccount(db, appId),
    listMerchantTargets(db, { merchantId, appId, kind: RELEASE_KIND, limit: 1 }),
  ]);
  const waiting = targets.find((x) => x.status === "waiting" && x.step === "merchant");
  const time = (d: Date) => format.dateTime(d, { dateStyle: "medium", timeStyle: "short" });
  if (!account) {
    return (
      <Panel titleId="release-title" title={t("panel.title")} data-testid="release-panel">
        <p className="text-sm text-slate-600">{t("panel.empty")}</p>
      </Panel>
    );
  }
  const status = account.auditStatus;
  return (
    <Panel titleId="release-title" title={t("panel.title")} data-testid="release-panel">
      <dl className="grid gap-4 sm:grid-cols-2">
        <div>
          <dt className="text-sm text-slate-500">{t("panel.online")}</dt>
          <dd data-testid="online-version" className="text-sm font-medium text-slate-900">
            {account.onlineVersion && account.onlineAt
              ? t("panel.onlineValue", { version: account.onlineVersion, time: time(account.onlineAt) })
              : t("panel.none")}
          </dd>
          {account.grayPercentage ? (
            <dd className="text-xs text-slate-600">{t("panel.gray", { percentage: account.grayPercentage })}</dd>
          ) : null}
        </div>
        <div>
          <dt className="text-sm text-slate-500">{t("panel.audit")}</dt>
          <dd className="text-sm">
            {status !== null && status !== undefined ? (
              <AuditStatusBadge
                status={status}
                label={t(`audit.status.${status}` as "audit.status.0")}
                version={account.auditVersion}
                testId="audit-status"
              />
            ) : (
              t("panel.none")
            )}
          </dd>
          {account.auditReason && (status === 1 || status === 4) ? (
            <dd data-testid="audit-reason" className="mt-1 text-sm break-words text-slate-700">
              {t("panel.reason", { reason: readableAuditReason(account.auditReason) })}
            </dd>
          ) : null}
        </div>
      </dl>
      {waiting ? (
        <div className="mt-4 rounded-lg border border-emerald-200 bg-emerald-50 p-3">
          <p className="text-sm text-emerald-900">{t("panel.publishHelp")}</p>
          <div className="mt-2">
            <ActionForm
              action={publishReleaseAction}
              fields={{ targetId: waiting.id }}
              label={t("panel.publish")}
              tone="primary"
              testId="publish-release"
            />
          </div>
        </div>
      ) : null}
      {account.expVersion ? (
        <div className="mt-4 flex items-center gap-4 border-t border-slate-100 pt-4">
          {/* Served by the portal (experience-qr route): the token stays on the server. */}
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img
            src={`/accounts/${appId}/experience-qr`}
            alt={t("panel.qr")}
            width={120}
            height={120}
            className="rounded-lg border border-slate-200"
          />
          <div>
            <p className="text-sm text-slate-500">{t("panel.exp")}</p>
            <p className="text-sm font-medium text-slate-900">{account.expVersion}</p>
          </div>
        </div>
      ) : null}
    </Panel>
  );
}
