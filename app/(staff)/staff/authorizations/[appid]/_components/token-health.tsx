import { getFormatter, getTranslations } from "next-intl/server";
import { Panel } from "@/app/_components/panel";
import type { StaffAuthorizerDetail } from "@/db/queries/staff-authorizer-detail";
import { formatDurationPrecise } from "@/lib/i18n/duration";

type Health = "healthy" | "failing" | "needs_reauthorization" | "revoked";

const HEALTH_TONES: Record<Health, { dot: string; text: string }> = {
  healthy: { dot: "bg-emerald-500", text: "text-emerald-800" },
  failing: { dot: "bg-amber-500", text: "text-amber-800" },
  needs_reauthorization: { dot: "bg-red-500", text: "text-red-800" },
  revoked: { dot: "bg-slate-400", text: "text-slate-700" },
};

function healthOf(account: StaffAuthorizerDetail): Health {
  if (account.status === "unauthorized") return "revoked";
  if (account.status === "needs_reauthorization") return "needs_reauthorization";
  return account.refreshAttempts > 0 || account.refreshFailedAt ? "failing" : "healthy";
}

/** Where the account's tokens stand: expiry, refreshes, failures. Never the tokens themselves. */
export async function TokenHealth({ account, now }: { account: StaffAuthorizerDetail; now: number }) {
  const [t, tDuration, format] = await Promise.all([
    getTranslations("staffDetail.token"),
    getTranslations("common.duration"),
    getFormatter(),
  ]);
  const health = healthOf(account);
  const relative = (value: Date | null) => {
    if (!value) return null;
    const seconds = (value.getTime() - now) / 1000;
    const time = formatDurationPrecise(tDuration, seconds);
    return seconds >= 0 ? t("inTime", { time }) : t("agoTime", { time });
  };
  const when = (value: Date | null, fallback: string) =>
    value ? (
      <>
        {format.dateTime(value, "dateTime")} <span className="text-slate-500">({relative(value)})</span>
      </>
    ) : (
      <span className="text-slate-500">{fallback}</span>
    );
  const expired = account.accessTokenExpiresAt !== null && account.accessTokenExpiresAt.getTime() <= now;
  const rows: Array<{ key: string; label: string; value: React.ReactNode; mono?: boolean }> = [
    {
      key: "accessToken",
      label: t("accessToken"),
      value:
        account.hasAccessToken && account.accessTokenExpiresAt ? (
          <>
            {when(account.accessTokenExpiresAt, t("noAccessToken"))}
            {expired ? <span className="ml-1 font-medium text-red-700">{t("expired")}</span> : null}
          </>
        ) : (
          <span className="text-slate-500">{t("noAccessToken")}</span>
        ),
    },
    { key: "lastRefreshed", label: t("lastRefreshed"), value: when(account.lastRefreshedAt, t("never")) },
    {
      key: "nextRefresh",
      label: t("nextRefresh"),
      value: account.refreshing ? (
        <span className="font-medium text-sky-700">{t("refreshingNow")}</span>
      ) : (
        when(account.refreshDueAt, t("notScheduled"))
      ),
    },
    {
      key: "failures",
      label: t("failures"),
      value:
        account.refreshAttempts > 0 || account.refreshFailedAt ? (
          <span className="font-medium text-amber-800">
            {t("failuresValue", {
              n: account.refreshAttempts,
              time: account.refreshFailedAt ? format.dateTime(account.refreshFailedAt, "dateTime") : t("noTime"),
            })}
          </span>
        ) : (
          <span className="text-slate-500">{t("noFailures")}</span>
        ),
    },
    ...(account.lastRefreshError
      ? [{ key: "lastError", label: t("lastError"), value: account.lastRefreshError, mono: true }]
      : []),
    {
      key: "refreshToken",
      label: t("refreshToken"),
      value: account.hasRefreshToken ? t("held") : <span className="text-slate-500">{t("missing")}</span>,
    },
  ];
  return (
    <Panel titleId="token-title" title={t("title")} data-testid="token-health" data-health={health}>
      <p className={`mt-1 flex items-center gap-2 text-sm font-medium ${HEALTH_TONES[health].text}`}>
        <span aria-hidden="true" className={`h-2 w-2 rounded-full ${HEALTH_TONES[health].dot}`} />
        <span data-testid="token-health-summary">
          {health === "healthy"
            ? t("healthy")
            : health === "failing"
              ? t("failing")
              : health === "revoked"
                ? t("revoked")
                : t("needsReauthorization")}
        </span>
      </p>
      <dl className="mt-3 flex flex-col">
        {rows.map((row) => (
          <div key={row.key} className="border-t border-slate-100 py-2">
            <dt className="text-xs text-slate-500">{row.label}</dt>
            <dd
              data-testid={`token-${row.key}`}
              className={`mt-0.5 text-sm break-words text-slate-900 ${row.mono ? "font-mono text-xs break-all" : ""}`}
            >
              {row.value}
            </dd>
          </div>
        ))}
      </dl>
    </Panel>
  );
}
