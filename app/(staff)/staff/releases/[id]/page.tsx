import { inArray } from "drizzle-orm";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { getTranslations } from "next-intl/server";
import { AutoRefresh } from "@/app/_components/auto-refresh";
import { BackLink } from "@/app/_components/back-link";
import { Panel } from "@/app/_components/panel";
import { Translated } from "@/app/_components/translated";
import { getDb } from "@/db";
import { countTargetsByStatus, findBatch, listBatchTargets } from "@/db/queries/batches";
import { authorizers } from "@/db/schema";
import { requireStaff } from "@/lib/auth/guards";
import { RELEASE_KIND, releaseParamsSchema } from "@/lib/releases/release-kind";
import { explainAnswer, readableOutcome } from "@/lib/releases/wechat-answers";
import { controlBatchAction, targetAction } from "../actions";
import { ActionForm } from "../_components/action-form";
import { BatchProgress } from "../_components/progress-bar";
import { staffMetadata } from "../../_components/metadata";

export const generateMetadata = () => staffMetadata("release");

const TARGETS_SHOWN = 1000;

/** The batch's buttons, in order, each shown while the batch is in one of its states. */
const BATCH_CONTROLS = [
  { action: "pause", shownWhen: ["running"], tone: "secondary" },
  { action: "resume", shownWhen: ["paused"], tone: "primary" },
  { action: "cancel", shownWhen: ["running", "paused"], tone: "danger" },
] as const;

// GET /staff/releases/[id]: each account's step, state and WeChat's last answer explained; retry, pause/resume/cancel.
export default async function ReleaseBatchPage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  const { id } = await params;
  await requireStaff(`/staff/releases/${encodeURIComponent(id)}`);
  const batchId = Number(id);
  if (!Number.isSafeInteger(batchId) || batchId <= 0) notFound();
  const db = await getDb();
  const batch = await findBatch(db, batchId);
  if (!batch || batch.kind !== RELEASE_KIND) notFound();
  const [t, tj, targets, counts] = await Promise.all([
    getTranslations("releases"),
    getTranslations("jobs"),
    listBatchTargets(db, { batchId, limit: TARGETS_SHOWN }),
    countTargetsByStatus(db, [batchId]),
  ]);
  const names = new Map(
    targets.length === 0
      ? []
      : (
          await db
            .select({ appId: authorizers.appId, nickName: authorizers.nickName })
            .from(authorizers)
            .where(
              inArray(
                authorizers.appId,
                targets.map((x) => x.appId),
              ),
            )
        ).map((r) => [r.appId, r.nickName]),
  );
  const params0 = releaseParamsSchema.safeParse(batch.params);
  const stepLabel = (step: string) =>
    t.has(`step.${step}` as "step.commit") ? t(`step.${step}` as "step.commit") : step;
  return (
    <main className="mx-auto w-full max-w-6xl space-y-6 px-4 py-6 sm:py-8">
      <AutoRefresh active={batch.status === "running"} intervalMs={2000} />
      <BackLink href="/staff/releases">{t("list.title")}</BackLink>
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold text-slate-900">{t("detail.title", { id: batchId })}</h1>
          <p className="mt-1 text-sm text-slate-600">
            {tj(`batchStatus.${batch.status}`)}
            {params0.success
              ? ` · ${t("detail.params", { templateId: params0.data.templateId, version: params0.data.version })}`
              : ""}
          </p>
          {batch.pauseReason ? (
            <p data-testid="pause-reason" className="mt-1 text-sm text-amber-800">
              {t("detail.paused")}
              <Translated message={batch.pauseReason} />
            </p>
          ) : null}
        </div>
        <div className="flex flex-wrap gap-2">
          {BATCH_CONTROLS.filter((control) => control.shownWhen.some((status) => status === batch.status)).map(
            (control) => (
              <ActionForm
                key={control.action}
                action={controlBatchAction}
                fields={{ batchId, action: control.action }}
                label={t(`detail.${control.action}`)}
                tone={control.tone}
              />
            ),
          )}
        </div>
      </div>
      <Panel titleId="progress-title" title={t("list.progress")}>
        <BatchProgress counts={counts.get(batchId) ?? {}} />
      </Panel>
      <Panel titleId="targets-title" title={t("detail.account")}>
        <ul className="divide-y divide-slate-100">
          {targets.map((target) => {
            const explained = target.lastAnswer ? explainAnswer(target.lastAnswer) : null;
            return (
              <li
                key={target.id}
                data-testid="release-target"
                data-app-id={target.appId}
                data-status={target.status}
                className="grid gap-2 py-3 sm:grid-cols-[1fr_auto]"
              >
                <div className="min-w-0">
                  <p className="font-medium text-slate-900">
                    {names.get(target.appId) ?? target.appId}{" "}
                    <span className="font-mono text-xs text-slate-500">{target.appId}</span>
                  </p>
                  <p className="text-sm text-slate-700">
                    {t("detail.step")}: {stepLabel(target.step)} · {t("detail.state")}:{" "}
                    <span data-testid="target-status">{tj(`status.${target.status}`)}</span>
                    {target.attempts > 0 ? ` · ${t("detail.attempts", { count: target.attempts })}` : ""}
                  </p>
                  {target.outcome ? (
                    <p data-testid="target-outcome" className="text-sm break-words text-slate-700">
                      <Translated message={readableOutcome(target.outcome)} />
                    </p>
                  ) : null}
                  {target.lastAnswer && target.lastAnswer.errcode !== 0 ? (
                    <p className="text-xs break-words text-slate-500">
                      {t("detail.answer")}: {target.lastAnswer.endpoint} · errcode {target.lastAnswer.errcode ?? "—"}
                      {explained ? (
                        <>
                          {" · "}
                          <Translated message={explained} />
                        </>
                      ) : null}{" "}
                      <span className="font-mono">{target.lastAnswer.errmsg}</span>
                    </p>
                  ) : null}
                </div>
                <div className="flex items-start gap-2">
                  {target.status === "failed" ? (
                    <ActionForm
                      action={targetAction}
                      fields={{ targetId: target.id, action: "retry" }}
                      label={t("detail.retry")}
                      testId="retry-target"
                    />
                  ) : null}
                  {target.status === "waiting" && target.step === "merchant" ? (
                    <ActionForm
                      action={targetAction}
                      fields={{ targetId: target.id, action: "publish" }}
                      label={t("detail.publish")}
                    />
                  ) : null}
                </div>
              </li>
            );
          })}
        </ul>
      </Panel>
    </main>
  );
}
