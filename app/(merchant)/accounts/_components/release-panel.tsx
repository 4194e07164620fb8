import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { ActionForm } from "@/app/(staff)/staff/releases/_components/action-form";
import { Panel } from "@/app/_components/panel";
import { AuditItem, OnlineVersionItem } from "@/app/_components/release-status";
import { getDb } from "@/db";
import { listMerchantTargets } from "@/db/queries/batches";
import { findReleaseAccount } from "@/db/queries/releases";
import { RELEASE_KIND } from "@/lib/releases/release-kind";
import { publishReleaseAction } from "../release-actions";

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
  const t = await getTranslations("releases");
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
  if (!account) {
    return (
      <Panel titleId="release-title" title={t("panel.title")} data-testid="release-panel">
        <p className="text-sm text-slate-600">{t("panel.empty")}</p>
      </Panel>
    );
  }
  return (
    <Panel titleId="release-title" title={t("panel.title")} data-testid="release-panel">
      <dl className="grid gap-4 sm:grid-cols-2">
        <OnlineVersionItem account={account} testId="online-version" />
        <AuditItem account={account} testId="audit-status" reasonTestId="audit-reason" />
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
