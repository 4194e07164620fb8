import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { getFormatter, getTranslations } from "next-intl/server";
import { Options } from "@/app/_components/options";
import { getPlatform } from "@/lib/platform";
import { listReleaseTests, type ReleaseTestReport } from "@/lib/sandbox/release-test";
import { RELEASE_TEST_GROUPS } from "@/lib/wechat/release-test";
import { runReleaseTestAction } from "../actions";
import { SubmitButton } from "../_components/console-form";
import { ConsoleHeader } from "../_components/console-header";
import { sandboxMetadata } from "../_components/sandbox-metadata";

// GET /sandbox/release-test: the sandbox's 全网发布 checker, run against this portal, with its pass/fail report
export const generateMetadata = sandboxMetadata("releaseTest");

const STATUS_TONE = {
  passed: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  failed: "bg-red-50 text-red-700 ring-red-200",
  running: "bg-amber-50 text-amber-700 ring-amber-200",
} as const;

export default async function ReleaseTestPage({ searchParams }: { searchParams: Promise<{ run?: string }> }) {
  await connection();
  const { sandbox, database, env } = await getPlatform();
  if (!sandbox) notFound();
  const [runs, query, t, titles, format] = await Promise.all([
    listReleaseTests(database.db, 10),
    searchParams,
    getTranslations("sandbox.releaseTest"),
    getTranslations("sandbox.titles"),
    getFormatter(),
  ]);
  const selected = runs.find((r) => String(r.id) === query.run) ?? runs[0];
  const card = "rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5";

  return (
    <main className="mx-auto flex max-w-4xl flex-col gap-5 px-4 py-6 sm:py-10">
      <ConsoleHeader title={titles("releaseTest")} links={[{ href: "/sandbox", label: t("consoleLink") }]}>
        {t("intro")}
      </ConsoleHeader>

      <section aria-labelledby="run-heading" className={card}>
        <h2 id="run-heading" className="text-base font-semibold">
          {t("runTitle")}
        </h2>
        <p className="mt-1 text-xs text-slate-500">
          {t.rich("runHint", {
            url: `${env.appUrl}/api/wechat/authorizers/$APPID$/events`,
            code: (chunks) => <code className="break-all">{chunks}</code>,
          })}
        </p>
        <form
          action={runReleaseTestAction}
          className="mt-3 flex flex-wrap items-center gap-3"
          data-testid="release-test-form"
        >
          <label className="text-sm">
            {t("group")}{" "}
            <select
              name="group"
              defaultValue=""
              className="ml-1 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
            >
              <option value="">{t("random")}</option>
              <Options choices={RELEASE_TEST_GROUPS.map((g) => g.group)} />
            </select>
          </label>
          <SubmitButton>{t("run")}</SubmitButton>
        </form>
      </section>

      {selected ? (
        <Report report={selected} />
      ) : (
        <section className={`${card} text-sm text-slate-600`} data-testid="release-test-empty">
          {t("empty")}
        </section>
      )}

      {runs.length > 1 && (
        <section aria-labelledby="history-heading" className={card}>
          <h2 id="history-heading" className="text-base font-semibold">
            {t("historyTitle")}
          </h2>
          <ul className="mt-2 divide-y divide-slate-100 text-sm">
            {runs.map((run) => (
              <li key={run.id} className="flex flex-wrap items-center gap-3 py-2">
                <Link
                  href={`/sandbox/release-test?run=${run.id}`}
                  className="font-mono text-wechat-dark hover:underline"
                >
                  #{run.id}
                </Link>
                <StatusBadge status={run.status} label={t(run.status)} />
                <span className="text-slate-500">
                  {t("groupN", { group: run.group })} · {format.dateTime(new Date(run.startedAt), "dateTimeSeconds")}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}

function StatusBadge({ status, label }: { status: ReleaseTestReport["status"]; label: string }) {
  return (
    <span className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ${STATUS_TONE[status]}`}>
      {label}
    </span>
  );
}

async function Report({ report }: { report: ReleaseTestReport }) {
  const [t, format] = await Promise.all([getTranslations("sandbox.releaseTest"), getFormatter()]);
  const group = RELEASE_TEST_GROUPS.find((g) => g.group === report.group);
  return (
    <section
      aria-labelledby="report-heading"
      className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5"
      data-testid="release-test-report"
      data-status={report.status}
    >
      <div className="flex flex-wrap items-center gap-3">
        <h2 id="report-heading" className="text-base font-semibold">
          {t("reportTitle", { id: report.id })}
        </h2>
        <StatusBadge status={report.status} label={t(report.status)} />
      </div>
      <p className="mt-1 text-xs text-slate-500">
        {t("groupN", { group: report.group })}
        {group && (
          <>
            {" · "}
            {t("officialAccount")} <code>{group.officialAccount.appId}</code>
            {" · "}
            {t("miniProgram")} <code>{group.miniProgram.appId}</code>
          </>
        )}
        {" · "}
        {format.dateTime(new Date(report.startedAt), "dateTimeSeconds")}
      </p>
      <ol className="mt-4 flex flex-col gap-2">
        {report.checks.map((check) => (
          <li
            key={check.id}
            data-testid={`release-check-${check.id}`}
            data-passed={check.passed}
            className="flex gap-3 rounded-lg border border-slate-100 p-3"
          >
            <span
              aria-label={check.passed ? t("passed") : t("failed")}
              className={`mt-0.5 flex h-5 w-5 shrink-0 items-center justify-center rounded-full text-xs font-bold text-white ${check.passed ? "bg-emerald-500" : "bg-red-500"}`}
            >
              {check.passed ? "✓" : "✕"}
            </span>
            <div className="min-w-0 flex-1 text-sm">
              <p className="font-medium text-slate-900">{t(`checks.${check.id}`)}</p>
              <p className={`mt-1 break-words text-xs ${check.passed ? "text-slate-600" : "text-red-700"}`}>
                {check.detail}
              </p>
            </div>
            <span className="shrink-0 text-xs tabular-nums text-slate-500">{check.ms} ms</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
