import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { getPlatform } from "@/lib/platform";
import { listReleaseTests, type CheckId, type ReleaseTestReport } from "@/lib/sandbox/release-test";
import { RELEASE_TEST_GROUPS } from "@/lib/wechat/release-test";
import { runReleaseTestAction } from "../actions";
import { SubmitButton } from "../_components/console-form";
import { ConsoleHeader } from "../_components/console-header";
import { formatTime } from "../_components/labels";

// GET /sandbox/release-test: the sandbox's 全网发布 checker, run against this portal, with its pass/fail report
export const metadata: Metadata = { title: "全网发布检测 · Release test", robots: { index: false } };

const CHECK_LABELS: Record<CheckId, { zh: string; en: string }> = {
  ticket: { zh: "推送 component_verify_ticket", en: "Ticket push answered success" },
  authorized_oa: { zh: "测试公众号授权（authorized 推送）", en: "Test official account authorized" },
  text: { zh: "普通文本消息：被动回复 TESTCOMPONENT_MSG_TYPE_TEXT_callback", en: "Text message: passive reply" },
  api_text: {
    zh: "API 文本消息：空回复，再用客服接口发送 <query_auth_code>_from_api",
    en: "API text message: empty answer, then customer-service message",
  },
  event: { zh: "事件消息：被动回复 LOCATIONfrom_callback", en: "Event: passive reply" },
  authorized_mp: { zh: "测试小程序授权（authorized 推送）", en: "Test mini program authorized" },
  mp_api_text: { zh: "小程序客服消息：空回复，再用客服接口回复", en: "Mini program customer-service message" },
};

const STATUS = {
  passed: { zh: "通过", en: "Passed", className: "bg-emerald-50 text-emerald-700 ring-emerald-200" },
  failed: { zh: "未通过", en: "Failed", className: "bg-red-50 text-red-700 ring-red-200" },
  running: { zh: "进行中", en: "Running", className: "bg-amber-50 text-amber-700 ring-amber-200" },
} as const;

export default async function ReleaseTestPage({ searchParams }: { searchParams: Promise<{ run?: string }> }) {
  await connection();
  const { sandbox, database, env } = await getPlatform();
  if (!sandbox) notFound();
  const [runs, query] = await Promise.all([listReleaseTests(database.db, 10), searchParams]);
  const selected = runs.find((r) => String(r.id) === query.run) ?? runs[0];
  const card = "rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5";

  return (
    <main className="mx-auto flex max-w-4xl flex-col gap-5 px-4 py-6 sm:py-10">
      <ConsoleHeader zh="全网发布检测" en="Release test" links={[{ href: "/sandbox", label: "沙箱控制台 · Console" }]}>
        与微信提交全网发布时的自动化检测相同的步骤，对本门户运行。
        <span className="block">
          The same checks WeChat runs when you submit the platform for release, run against this portal.
        </span>
      </ConsoleHeader>

      <section aria-labelledby="run-heading" className={card}>
        <h2 id="run-heading" className="text-base font-semibold">
          开始检测 <span className="font-normal text-slate-500">· Run</span>
        </h2>
        <p className="mt-1 text-xs text-slate-500">
          推送到 <code className="break-all">{env.appUrl}/api/wechat/authorizers/$APPID$/events</code>
          ，测试账号从五组中随机选择。
          <span className="block">
            Pushes go to the message URL above; WeChat picks one of five test groups at random.
          </span>
        </p>
        <form
          action={runReleaseTestAction}
          className="mt-3 flex flex-wrap items-center gap-3"
          data-testid="release-test-form"
        >
          <label className="text-sm">
            测试组 · Group{" "}
            <select
              name="group"
              defaultValue=""
              className="ml-1 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
            >
              <option value="">随机 · Random</option>
              {RELEASE_TEST_GROUPS.map((g) => (
                <option key={g.group} value={g.group}>
                  {g.group}
                </option>
              ))}
            </select>
          </label>
          <SubmitButton>开始检测 · Run test</SubmitButton>
        </form>
      </section>

      {selected ? (
        <Report report={selected} />
      ) : (
        <section className={`${card} text-sm text-slate-600`} data-testid="release-test-empty">
          还没有检测记录。点击“开始检测”运行一次。
          <span className="block text-slate-500">No runs yet. Press “Run test” to run one.</span>
        </section>
      )}

      {runs.length > 1 && (
        <section aria-labelledby="history-heading" className={card}>
          <h2 id="history-heading" className="text-base font-semibold">
            历史记录 <span className="font-normal text-slate-500">· Earlier runs</span>
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
                <StatusBadge status={run.status} />
                <span className="text-slate-500">
                  测试组 {run.group} · {formatTime(run.startedAt)}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}

function StatusBadge({ status }: { status: ReleaseTestReport["status"] }) {
  const s = STATUS[status];
  return (
    <span className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ${s.className}`}>
      {s.zh} · {s.en}
    </span>
  );
}

function Report({ report }: { report: ReleaseTestReport }) {
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
          检测报告 #{report.id} <span className="font-normal text-slate-500">· Report</span>
        </h2>
        <StatusBadge status={report.status} />
      </div>
      <p className="mt-1 text-xs text-slate-500">
        测试组 {report.group}
        {group && (
          <>
            {" "}
            · 公众号 <code>{group.officialAccount.appId}</code> · 小程序 <code>{group.miniProgram.appId}</code>
          </>
        )}{" "}
        · {formatTime(report.startedAt)}
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
              aria-label={check.passed ? "通过 passed" : "未通过 failed"}
              className={`mt-0.5 flex h-5 w-5 shrink-0 items-center justify-center rounded-full text-xs font-bold text-white ${check.passed ? "bg-emerald-500" : "bg-red-500"}`}
            >
              {check.passed ? "✓" : "✕"}
            </span>
            <div className="min-w-0 flex-1 text-sm">
              <p className="font-medium text-slate-900">{CHECK_LABELS[check.id].zh}</p>
              <p className="text-xs text-slate-500">{CHECK_LABELS[check.id].en}</p>
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
