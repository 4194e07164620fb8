import type { useFormatter, useTranslations } from "next-intl";
import { getFormatter, getTranslations } from "next-intl/server";
import { AutoRefresh } from "@/app/_components/auto-refresh";
import { EmptyNote } from "@/app/_components/empty-note";
import { PageHeader } from "@/app/_components/page-header";
import { Panel } from "@/app/_components/panel";
import { getDb } from "@/db";
import { requireStaff } from "@/lib/auth/guards";
import { formatDurationPrecise } from "@/lib/i18n/duration";
import { findAccountForOperations, listReconcileRuns, type ReconcileRunRow } from "@/lib/staff/operations";
import { appIdSchema } from "@/lib/wechat/app-id";
import { AccountOperations } from "../_components/account-operations";
import { staffMetadata } from "../_components/metadata";
import { StartReconcileForm } from "./start-reconcile-form";
import { StaffCharts } from "../_components/charts/staff-charts";

export const generateMetadata = () => staffMetadata("operations");

type OperationsT = ReturnType<typeof useTranslations<"staffOps.operations">>;
/** What the page's parts need to put numbers and times in words: the translator, the formatter, durations. */
interface Words {
  t: OperationsT;
  format: ReturnType<typeof useFormatter>;
  duration: (seconds: number) => string;
}

const RUNS_SHOWN = 10;
/** A running run silent for this long has probably died (reconcile takes it over after 120 s). */
const STALE_AFTER_SECONDS = 60;

const RUN_TONES: Record<ReconcileRunRow["status"], string> = {
  running: "bg-sky-50 text-sky-800 ring-sky-200",
  done: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  failed: "bg-red-50 text-red-800 ring-red-200",
  abandoned: "bg-slate-100 text-slate-700 ring-slate-300",
};

function RunStatusBadge({ status, t }: { status: ReconcileRunRow["status"]; t: OperationsT }) {
  return (
    <span
      data-testid="run-status"
      data-status={status}
      className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset ${RUN_TONES[status]}`}
    >
      {status === "running" ? (
        <span aria-hidden="true" className="h-1.5 w-1.5 animate-pulse rounded-full bg-sky-500" />
      ) : null}
      {t(`runStatus.${status}`)}
    </span>
  );
}

function describeTrigger(trigger: string, t: OperationsT): string {
  if (trigger === "scheduled") return t("triggers.scheduled");
  if (trigger === "cli") return t("triggers.cli");
  if (trigger.startsWith("staff:")) return t("triggers.staff", { email: trigger.slice("staff:".length) });
  return trigger;
}

function runDuration(run: ReconcileRunRow, duration: Words["duration"]): string | null {
  const end = run.finishedAt ?? (run.status === "running" ? new Date() : null);
  return end ? duration((end.getTime() - run.startedAt.getTime()) / 1000) : null;
}

/** The current (or last) run: status, numbers and, while it runs, a progress bar of checked / listed. */
function RunPanel({ run, words }: { run: ReconcileRunRow; words: Words }) {
  const { t, format, duration } = words;
  const running = run.status === "running";
  const percent = run.listed
    ? Math.min(100, Math.round((run.checked / run.listed) * 100))
    : run.listed === 0
      ? 100
      : null;
  // eslint-disable-next-line react-hooks/purity -- a server component renders once per request: this is its time
  const silentFor = (Date.now() - run.heartbeatAt.getTime()) / 1000;
  const progressLabel =
    run.listed === null
      ? t("listing")
      : run.checked >= run.listed && running
        ? t("finishing")
        : t("progress", { checked: run.checked, listed: run.listed });
  return (
    <div
      data-testid="reconcile-current"
      data-run-id={run.id}
      data-status={run.status}
      className="rounded-xl border border-slate-200 bg-slate-50 p-4"
    >
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <p className="text-sm font-semibold text-slate-900">
          {running ? t("currentRun") : t("lastRun")} #{run.id}
        </p>
        <RunStatusBadge status={run.status} t={t} />
        <p className="text-xs text-slate-500">
          {format.dateTime(run.startedAt, "dateTimeSeconds")} · {describeTrigger(run.trigger, t)}
          {runDuration(run, duration) ? ` · ${runDuration(run, duration)}` : ""}
        </p>
      </div>
      {running || run.listed !== null ? (
        <div className="mt-3">
          <div className="flex items-baseline justify-between gap-3 text-sm">
            <span data-testid="reconcile-progress-label" className="text-slate-700">
              {progressLabel}
            </span>
            {percent !== null ? <span className="font-semibold text-slate-900 tabular-nums">{percent}%</span> : null}
          </div>
          <div
            role="progressbar"
            aria-label={progressLabel}
            aria-valuemin={0}
            aria-valuemax={run.listed ?? undefined}
            aria-valuenow={run.listed === null ? undefined : run.checked}
            data-testid="reconcile-progress"
            className="mt-1.5 h-2.5 overflow-hidden rounded-full bg-slate-200"
          >
            {percent === null ? (
              <div className="h-full w-full animate-pulse rounded-full bg-sky-200" />
            ) : (
              // An SVG width, not a style attribute: the Content-Security-Policy allows no inline style attributes.
              <svg aria-hidden="true" className="block h-full w-full" viewBox="0 0 100 1" preserveAspectRatio="none">
                <rect
                  width={percent}
                  height={1}
                  className={run.status === "failed" ? "fill-red-400" : running ? "fill-sky-500" : "fill-emerald-500"}
                />
              </svg>
            )}
          </div>
        </div>
      ) : null}
      <dl className="mt-3 grid grid-cols-3 gap-2 text-center">
        {[
          { key: "listed", label: t("columns.listed"), value: run.listed ?? "—" },
          { key: "checked", label: t("columns.checked"), value: run.checked },
          { key: "repairs", label: t("columns.repairs"), value: run.repairs },
        ].map((item) => (
          <div key={item.key} className="rounded-lg bg-white px-2 py-2 ring-1 ring-slate-200">
            <dt className="text-xs text-slate-500">{item.label}</dt>
            <dd data-testid={`reconcile-${item.key}`} className="text-base font-semibold text-slate-900 tabular-nums">
              {item.value}
            </dd>
          </div>
        ))}
      </dl>
      {running && silentFor > STALE_AFTER_SECONDS ? (
        <p className="mt-2 text-xs text-amber-800">{t("stale", { age: duration(silentFor) })}</p>
      ) : null}
      {run.error ? (
        <p
          data-testid="reconcile-error"
          className="mt-3 rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm break-words text-red-800"
        >
          {run.error}
        </p>
      ) : null}
    </div>
  );
}

// GET /staff/operations: reconcile now (with its progress) and the runs so far; one account's token/profile.
export default async function OperationsPage({ searchParams }: PageProps<"/staff/operations">) {
  await requireStaff("/staff/operations");
  const [db, query, t, tDuration, format] = await Promise.all([
    getDb(),
    searchParams,
    getTranslations("staffOps.operations"),
    getTranslations("common.duration"),
    getFormatter(),
  ]);
  const duration = (seconds: number) => formatDurationPrecise(tDuration, seconds);
  const words: Words = { t, format, duration };
  const runs = await listReconcileRuns(db, RUNS_SHOWN);
  const current = runs[0];
  const running = current?.status === "running";
  // A run silent for long has likely died with its instance: keep watching, less often.
  // eslint-disable-next-line react-hooks/purity -- a server component renders once per request: this is its time
  const silent = running && Date.now() - current.heartbeatAt.getTime() > STALE_AFTER_SECONDS * 1000;

  const rawAppId = typeof query.appid === "string" ? query.appid : "";
  const appId = rawAppId ? appIdSchema.safeParse(rawAppId.trim()) : undefined;
  const account = appId?.success ? await findAccountForOperations(db, appId.data) : undefined;

  return (
    <div className="flex flex-col gap-6">
      <AutoRefresh active={running} intervalMs={silent ? 5000 : 1000} />
      <PageHeader title={t("title")} subtitle={t("subtitle")} />
      <StaffCharts />

      <Panel titleId="reconcile-title" title={t("reconcileTitle")}>
        <p className="mt-1 mb-4 max-w-3xl text-sm leading-relaxed text-slate-600">{t("reconcileBody")}</p>
        <StartReconcileForm />
        {current ? (
          <div className="mt-4">
            <RunPanel run={current} words={words} />
          </div>
        ) : null}
      </Panel>

      <Panel titleId="runs-title" title={t("runsTitle")}>
        {runs.length === 0 ? (
          <EmptyNote testId="reconcile-runs-empty">{t("noRuns")}</EmptyNote>
        ) : (
          <>
            {/* Phone: one card per run. */}
            <ul data-testid="reconcile-runs" className="mt-3 flex flex-col divide-y divide-slate-100 md:hidden">
              {runs.map((run) => (
                <li key={run.id} data-testid={`reconcile-run-${run.id}`} className="py-3 text-sm">
                  <div className="flex items-center justify-between gap-2">
                    <span className="font-medium text-slate-900">#{run.id}</span>
                    <RunStatusBadge status={run.status} t={t} />
                  </div>
                  <p className="mt-1 text-xs text-slate-500">
                    {format.dateTime(run.startedAt, "dateTimeSeconds")} · {describeTrigger(run.trigger, t)}
                  </p>
                  <p className="mt-1 text-slate-700 tabular-nums">
                    {t("columns.listed")} {run.listed ?? "—"} · {t("columns.checked")} {run.checked} ·{" "}
                    {t("columns.repairs")} {run.repairs}
                  </p>
                  {run.error ? <p className="mt-1 text-xs break-words text-red-700">{run.error}</p> : null}
                </li>
              ))}
            </ul>
            {/* Wider screens: a table. */}
            <div className="mt-3 hidden overflow-x-auto md:block">
              <table className="w-full text-left text-sm">
                <thead className="border-b border-slate-200 text-xs text-slate-500">
                  <tr>
                    {[
                      t("columns.id"),
                      t("columns.status"),
                      t("columns.startedAt"),
                      t("columns.trigger"),
                      t("columns.listed"),
                      t("columns.checked"),
                      t("columns.repairs"),
                      t("columns.duration"),
                      t("columns.error"),
                    ].map((label) => (
                      <th key={label} scope="col" className="px-2 py-2 font-medium whitespace-nowrap">
                        {label}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {runs.map((run) => (
                    <tr key={run.id} data-testid={`reconcile-row-${run.id}`}>
                      <td className="px-2 py-2 font-medium text-slate-900">#{run.id}</td>
                      <td className="px-2 py-2">
                        <RunStatusBadge status={run.status} t={t} />
                      </td>
                      <td className="px-2 py-2 whitespace-nowrap text-slate-700">
                        {format.dateTime(run.startedAt, "dateTimeSeconds")}
                      </td>
                      <td className="max-w-48 truncate px-2 py-2 text-slate-700" title={run.trigger}>
                        {describeTrigger(run.trigger, t)}
                      </td>
                      <td className="px-2 py-2 text-slate-700 tabular-nums">{run.listed ?? "—"}</td>
                      <td className="px-2 py-2 text-slate-700 tabular-nums">{run.checked}</td>
                      <td className="px-2 py-2 text-slate-700 tabular-nums">{run.repairs}</td>
                      <td className="px-2 py-2 whitespace-nowrap text-slate-700">
                        {runDuration(run, duration) ?? "—"}
                      </td>
                      <td className="max-w-64 truncate px-2 py-2 text-red-700" title={run.error ?? undefined}>
                        {run.error ?? ""}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </Panel>

      <Panel titleId="account-title" title={t("accountTitle")}>
        <p className="mt-1 mb-4 text-sm text-slate-600">{t("accountBody")}</p>
        <form method="get" className="flex flex-col gap-2 sm:flex-row sm:items-end">
          <div className="flex flex-1 flex-col gap-1.5 sm:max-w-sm">
            <label htmlFor="field-appid" className="text-sm font-medium text-slate-800">
              {t("appId")}
            </label>
            <input
              id="field-appid"
              name="appid"
              defaultValue={rawAppId}
              placeholder={t("appIdPlaceholder")}
              autoComplete="off"
              spellCheck={false}
              aria-invalid={appId && !appId.success ? true : undefined}
              className="w-full rounded-lg border border-slate-300 bg-white px-3 py-2.5 font-mono text-base text-slate-900 shadow-xs outline-none focus:border-emerald-600 focus:ring-2 focus:ring-emerald-100 sm:text-sm"
            />
          </div>
          <button
            type="submit"
            data-testid="find-account"
            className="inline-flex min-h-11 items-center justify-center rounded-lg border border-slate-300 bg-white px-4 text-sm font-semibold text-slate-800 shadow-xs hover:bg-slate-50"
          >
            {t("find")}
          </button>
        </form>
        {appId && !appId.success ? (
          <p data-testid="account-lookup-error" className="mt-3 text-sm text-red-700">
            {t("invalidAppId")}
          </p>
        ) : appId?.success && !account ? (
          <p data-testid="account-lookup-error" className="mt-3 text-sm text-red-700">
            {t("accountNotFound", { appId: appId.data })}
          </p>
        ) : account ? (
          <div className="mt-4 flex flex-col gap-3">
            <p className="text-sm text-slate-700">
              <span className="font-medium text-slate-900">{account.nickName ?? account.appId}</span>{" "}
              <span className="font-mono text-xs text-slate-500">{account.appId}</span>
            </p>
            <AccountOperations key={account.appId} appId={account.appId} status={account.status} />
          </div>
        ) : null}
      </Panel>
    </div>
  );
}
