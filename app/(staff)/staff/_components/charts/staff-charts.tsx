import { getFormatter, getTranslations } from "next-intl/server";
import { Suspense } from "react";
import { Panel } from "@/app/_components/panel";
import { requireStaff } from "@/lib/auth/guards";
import { loadStaffCharts, type ChartData } from "@/lib/charts/data";
import { TIME_ZONE } from "@/lib/i18n/config";
import { describeError, log } from "@/lib/log";
import { getPlatform } from "@/lib/platform";
import { BarChart, type BarChartSeries } from "./bar-chart";

const COLORS: Record<string, Record<string, string>> = {
  pushes: { ticket: "#059669", authorization: "#0284c7", other: "#94a3b8" },
  refreshes: {
    ok: "#059669",
    failed: "#d97706",
    needs_reauthorization: "#dc2626",
    unauthorized: "#64748b",
    superseded: "#cbd5e1",
  },
  webhooks: { delivered: "#059669", retry: "#d97706", given_up: "#dc2626" },
};
const ERROR_COLORS = ["#dc2626", "#ea580c", "#ca8a04", "#7c3aed", "#64748b"];
const TRANSPORT = new Set(["timeout", "network", "http_status", "bad_json", "unexpected_shape", "other"]);

/**
 * The staff console's charts of the last 24 hours (pushes, WeChat errors, token refreshes, webhook deliveries),
 * server-rendered SVG from the database. One line on a page: `<StaffCharts />` (streams in under its own
 * loading state; an error shows in the panel, never breaks the page).
 */
export async function StaffCharts() {
  const t = await getTranslations("charts");
  return (
    <Panel
      titleId="charts-title"
      title={t("title")}
      aside={<span className="text-xs text-slate-600">{t("subtitle")}</span>}
    >
      <Suspense fallback={<ChartsSkeleton label={t("loading")} />}>
        <ChartsBody />
      </Suspense>
    </Panel>
  );
}

function ChartsSkeleton({ label }: { label: string }) {
  return (
    <div role="status" className="grid gap-6 md:grid-cols-2" data-testid="charts-loading">
      <span className="sr-only">{label}</span>
      {[0, 1, 2, 3].map((i) => (
        <div key={i} aria-hidden="true" className="h-40 animate-pulse rounded-lg bg-slate-100" />
      ))}
    </div>
  );
}

async function ChartsBody() {
  await requireStaff();
  const t = await getTranslations("charts");
  const format = await getFormatter();
  let charts: Awaited<ReturnType<typeof loadStaffCharts>>;
  try {
    charts = await loadStaffCharts((await getPlatform()).database.db);
  } catch (error) {
    log.warn("staff charts not loaded", { error: describeError(error) });
    return (
      <p className="text-sm text-red-700" data-testid="charts-error">
        {t("error", { message: describeError(error).slice(0, 120) })}
      </p>
    );
  }
  const bucketTitles = charts.pushes.buckets.map((b) =>
    format.dateTime(new Date(b * 1000), { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: TIME_ZONE }),
  );
  const common = {
    bucketTitles,
    peakLabel: (peak: number) => t("peak", { count: peak }),
    fromLabel: t("from"),
    nowLabel: t("now"),
  };
  const empty = <p className="text-sm text-slate-600">{t("empty")}</p>;

  const seriesOf = (
    chart: ChartData,
    name: (label: string) => string,
    color: (label: string, i: number) => string,
  ): BarChartSeries[] =>
    chart.series.map((s, i) => ({ label: s.label, name: name(s.label), color: color(s.label, i), values: s.values }));
  const summary = (title: string, series: BarChartSeries[]) =>
    t("summary", {
      title,
      parts: series.map((s) => `${s.name} ${s.values.reduce((a, b) => a + b, 0)}`).join(", ") || t("empty"),
    });

  const pushSeries = seriesOf(
    charts.pushes,
    (l) => t(`pushes.${l as "ticket" | "authorization" | "other"}`),
    (l) => COLORS.pushes![l] ?? "#94a3b8",
  );
  const errorSeries = seriesOf(
    charts.errors,
    (l) => (TRANSPORT.has(l) ? t(`errors.${l as "timeout"}`) : t("errors.code", { code: l })),
    (_, i) => ERROR_COLORS[i] ?? "#64748b",
  );
  const refreshSeries = seriesOf(
    charts.refreshes,
    (l) => t(`refreshes.${l as "ok"}`),
    (l) => COLORS.refreshes![l] ?? "#94a3b8",
  );
  const webhookSeries = seriesOf(
    charts.webhooks,
    (l) => t(`webhooks.${l as "delivered"}`),
    (l) => COLORS.webhooks![l] ?? "#94a3b8",
  );
  const ticketValues = pushSeries.find((s) => s.label === "ticket")!.values;
  // The bucket in progress has not missed its ticket yet.
  const marks = ticketValues.map((v, i) => v === 0 && i < ticketValues.length - 1);

  return (
    <div className="grid gap-x-8 gap-y-6 md:grid-cols-2" data-testid="staff-charts">
      <BarChart
        id="chart-pushes"
        title={t("pushes.title")}
        summary={`${summary(t("pushes.title"), pushSeries)}; ${t("pushes.missingTickets", { count: charts.missingTicketBuckets })}`}
        series={pushSeries}
        marks={marks}
        markLabel={t("pushes.missingTickets", { count: 1 })}
        footer={
          <p
            className={`text-xs ${charts.missingTicketBuckets > 0 ? "text-red-700" : "text-slate-600"}`}
            data-testid="missing-tickets"
          >
            {t("pushes.missingTickets", { count: charts.missingTicketBuckets })}
          </p>
        }
        {...common}
      />
      {[
        { id: "chart-errors", title: t("errors.title"), chart: charts.errors, series: errorSeries },
        { id: "chart-refreshes", title: t("refreshes.title"), chart: charts.refreshes, series: refreshSeries },
        { id: "chart-webhooks", title: t("webhooks.title"), chart: charts.webhooks, series: webhookSeries },
      ].map(({ id, title, chart, series }) =>
        chart.total === 0 ? (
          <figure key={id} className="flex flex-col gap-2" data-testid={id}>
            <figcaption className="text-sm font-medium text-slate-900">{title}</figcaption>
            <div className="flex h-28 items-center justify-center rounded-lg border border-dashed border-slate-300 sm:h-32">
              {empty}
            </div>
          </figure>
        ) : (
          <BarChart key={id} id={id} title={title} summary={summary(title, series)} series={series} {...common} />
        ),
      )}
    </div>
  );
}
