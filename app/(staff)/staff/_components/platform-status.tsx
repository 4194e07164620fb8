import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { Panel } from "@/app/_components/panel";
import { Skeleton } from "@/app/_components/skeleton";
import { getEnv } from "@/lib/env";
import { getHealth, unhealthy, type Health } from "@/lib/health";
import { formatDurationPrecise } from "@/lib/i18n/duration";
import { getPlatform } from "@/lib/platform";
import { listReconcileRuns, type ReconcileRunRow } from "@/lib/staff/operations";
import { getReviewCounts } from "@/db/queries/staff-overview";

/** The refresher is "behind" once the oldest due refresh has waited this long. */
const LAG_WARNING_SECONDS = 300;

type Tone = "ok" | "warn" | "bad" | "neutral";

const CARD_TONES: Record<Tone, { card: string; dot: string; value: string }> = {
  ok: { card: "border-slate-200 bg-white", dot: "bg-emerald-500", value: "text-slate-900" },
  warn: { card: "border-amber-300 bg-amber-50", dot: "bg-amber-500", value: "text-amber-950" },
  bad: { card: "border-red-200 bg-red-50", dot: "bg-red-500", value: "text-red-900" },
  neutral: { card: "border-slate-200 bg-white", dot: "bg-slate-300", value: "text-slate-500" },
};

function StatusCard({
  label,
  value,
  hint,
  tone,
  testId,
}: {
  label: string;
  value: string;
  hint?: string | null;
  tone: Tone;
  testId: string;
}) {
  const tones = CARD_TONES[tone];
  return (
    <div data-testid={testId} data-tone={tone} className={`rounded-xl border px-4 py-3 shadow-xs ${tones.card}`}>
      <p className="flex items-center gap-2 text-sm text-slate-600">
        <span aria-hidden="true" className={`h-2 w-2 shrink-0 rounded-full ${tones.dot}`} />
        <span className="min-w-0 truncate">{label}</span>
      </p>
      <p className={`mt-1 text-lg font-semibold break-words ${tones.value}`}>{value}</p>
      {hint ? <p className="mt-0.5 text-xs leading-relaxed text-slate-600">{hint}</p> : null}
    </div>
  );
}

async function readHealth(): Promise<Health> {
  try {
    return await getHealth(await getPlatform());
  } catch (error) {
    // The platform could not even be built (the database did not open): the same answer /api/health gives.
    return unhealthy(getEnv().sandbox, error);
  }
}

/** The platform status panel: the data of /api/health, and the review queue's counts. */
export async function PlatformStatus() {
  const [t, ops, tDuration, format] = await Promise.all([
    getTranslations("staffOps.overview"),
    getTranslations("staffOps.operations"),
    getTranslations("common.duration"),
    getFormatter(),
  ]);
  const duration = (seconds: number) => formatDurationPrecise(tDuration, seconds);
  const health = await readHealth();
  const checkedAt = new Date();

  let counts: { pending: number; conflict: number } | null = null;
  let lastRun: ReconcileRunRow | undefined;
  if (health.database.ok) {
    const db = (await getPlatform()).database.db;
    [counts, lastRun] = await Promise.all([
      getReviewCounts(db).catch(() => null),
      listReconcileRuns(db, 1)
        .then((runs) => runs[0])
        .catch(() => undefined),
    ]);
  }

  const a = health.authorizers;
  const tokenIn = health.componentToken.expiresInSeconds;
  const cards: Array<{ key: string; label: string; value: string; hint?: string | null; tone: Tone }> = [
    {
      key: "database",
      label: t("database"),
      value: health.database.ok ? t("databaseOk") : t("databaseDown"),
      hint: health.database.ok ? null : health.database.error,
      tone: health.database.ok ? "ok" : "bad",
    },
    {
      key: "ticket",
      label: t("ticket"),
      value: !health.database.ok
        ? t("unknown")
        : health.ticket.ageSeconds === null
          ? t("ticketNone")
          : t("ticketAge", { age: duration(health.ticket.ageSeconds) }),
      hint: health.ticket.warning
        ? health.ticket.ageSeconds === null
          ? t("ticketNoneHint")
          : t("ticketStaleHint")
        : null,
      tone: !health.database.ok ? "neutral" : health.ticket.warning ? "warn" : "ok",
    },
    {
      key: "component-token",
      label: t("componentToken"),
      value: !health.database.ok
        ? t("unknown")
        : tokenIn === null
          ? t("tokenNone")
          : tokenIn <= 0
            ? t("tokenExpired")
            : t("tokenExpiresIn", { in: duration(tokenIn) }),
      hint: health.componentToken.lastError ? t("tokenLastError", { error: health.componentToken.lastError }) : null,
      tone: !health.database.ok
        ? "neutral"
        : tokenIn === null || tokenIn <= 0 || health.componentToken.lastError
          ? "warn"
          : "ok",
    },
    {
      key: "refresher-lag",
      label: t("refresherLag"),
      value:
        a.refresherLagSeconds === null
          ? t("unknown")
          : a.refresherLagSeconds === 0
            ? t("lagNone")
            : t("lagBehind", { lag: duration(a.refresherLagSeconds) }),
      hint: a.refresherLagSeconds !== null && a.refresherLagSeconds > LAG_WARNING_SECONDS ? t("lagHint") : null,
      tone: a.refresherLagSeconds === null ? "neutral" : a.refresherLagSeconds > LAG_WARNING_SECONDS ? "warn" : "ok",
    },
    {
      key: "refresh-failed",
      label: t("refreshFailed"),
      value: a.refreshFailed === null ? t("unknown") : String(a.refreshFailed),
      hint: a.refreshFailed ? t("refreshFailedHint") : null,
      tone: a.refreshFailed === null ? "neutral" : a.refreshFailed > 0 ? "warn" : "ok",
    },
    {
      key: "needs-reauthorization",
      label: t("needsReauthorization"),
      value: a.needsReauthorization === null ? t("unknown") : String(a.needsReauthorization),
      hint: a.needsReauthorization ? t("needsReauthorizationHint") : null,
      tone: a.needsReauthorization === null ? "neutral" : a.needsReauthorization > 0 ? "warn" : "ok",
    },
  ];
  const state: "ok" | "warning" | "down" = !health.database.ok
    ? "down"
    : cards.some((c) => c.tone === "warn")
      ? "warning"
      : "ok";
  const banner = {
    ok: {
      title: t("allGoodTitle"),
      body: t("allGoodBody"),
      tone: "border-emerald-200 bg-emerald-50 text-emerald-900",
      dot: "bg-emerald-500",
    },
    warning: {
      title: t("warningTitle"),
      body: t("warningBody"),
      tone: "border-amber-300 bg-amber-50 text-amber-950",
      dot: "bg-amber-500",
    },
    down: {
      title: t("downTitle"),
      body: t("downBody"),
      tone: "border-red-200 bg-red-50 text-red-900",
      dot: "bg-red-500",
    },
  }[state];

  return (
    <div className="flex flex-col gap-5">
      <section aria-labelledby="platform-status-title" className="flex flex-col gap-3">
        <div data-testid="platform-state" data-state={state} className={`rounded-xl border px-4 py-3.5 ${banner.tone}`}>
          <p id="platform-status-title" className="flex items-center gap-2 font-semibold">
            <span aria-hidden="true" className={`h-2.5 w-2.5 rounded-full ${banner.dot}`} />
            {banner.title}
          </p>
          <p className="mt-0.5 text-sm leading-relaxed">{banner.body}</p>
          <p className="mt-2 flex flex-wrap gap-x-3 gap-y-1 text-xs opacity-80">
            <span>{t("checkedAt", { time: format.dateTime(checkedAt, "dateTimeSeconds") })}</span>
            {health.sandbox ? <span data-testid="sandbox-mode">{t("sandbox")}</span> : null}
          </p>
        </div>
        <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-3">
          {cards.map((card) => (
            <StatusCard
              key={card.key}
              testId={`health-${card.key}`}
              label={card.label}
              value={card.value}
              hint={card.hint}
              tone={card.tone}
            />
          ))}
        </div>
      </section>

      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <Panel titleId="review-title" title={t("reviewTitle")} dense>
          <ul className="mt-3 flex flex-col divide-y divide-slate-100">
            {[
              {
                key: "pending",
                label: t("pendingReview"),
                count: counts?.pending,
                href: "/staff/authorizations?review=pending",
              },
              {
                key: "conflict",
                label: t("conflicts"),
                count: counts?.conflict,
                href: "/staff/authorizations?review=conflict",
              },
            ].map((item) => (
              <li key={item.key}>
                <Link
                  href={item.href}
                  data-testid={`review-count-${item.key}`}
                  className="group flex min-h-11 items-center justify-between gap-3 py-2 text-sm text-slate-700 hover:text-slate-900"
                >
                  <span>{item.label}</span>
                  <span className="flex items-center gap-2">
                    <span
                      className={`min-w-8 rounded-full px-2 py-0.5 text-center font-semibold tabular-nums ${
                        item.key === "conflict" && item.count
                          ? "bg-amber-100 text-amber-900"
                          : "bg-slate-100 text-slate-800"
                      }`}
                    >
                      {item.count ?? t("unknown")}
                    </span>
                    <span className="font-medium text-emerald-700 group-hover:underline">{t("view")}</span>
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        </Panel>

        <Panel titleId="last-reconcile-title" title={t("lastReconcile")} dense>
          {lastRun ? (
            <p data-testid="overview-last-reconcile" className="mt-3 text-sm leading-relaxed text-slate-700">
              <span className="font-medium">{ops(`runStatus.${lastRun.status}`)}</span>
              {" · "}
              {format.dateTime(lastRun.startedAt, "dateTimeSeconds")}
              {lastRun.listed !== null
                ? ` · ${ops("progress", { checked: lastRun.checked, listed: lastRun.listed })}`
                : ""}
              {` · ${ops("columns.repairs")} ${lastRun.repairs}`}
            </p>
          ) : (
            <p className="mt-3 text-sm text-slate-500">{health.database.ok ? t("noReconcile") : t("unknown")}</p>
          )}
          <Link
            href="/staff/operations"
            className="mt-3 inline-flex min-h-11 items-center text-sm font-medium text-emerald-700 hover:underline"
          >
            {t("toOperations")} →
          </Link>
        </Panel>
      </div>
    </div>
  );
}

export function PlatformStatusSkeleton({ label }: { label: string }) {
  return (
    <Skeleton label={label} className="gap-3" testId="platform-status-loading">
      <div className="h-20 rounded-xl bg-slate-200" />
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-3">
        {[0, 1, 2, 3, 4, 5].map((i) => (
          <div key={i} className="h-20 rounded-xl border border-slate-200 bg-white" />
        ))}
      </div>
    </Skeleton>
  );
}
