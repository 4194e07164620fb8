import type { DeliveryRow } from "@/db/queries/webhooks";
import { useFormatter, useTranslations } from "next-intl";
import { redeliverAction } from "../forwarding-actions";

const STATUS_STYLE: Record<DeliveryRow["status"], string> = {
  delivered: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  pending: "bg-amber-50 text-amber-700 ring-amber-200",
  failed: "bg-red-50 text-red-700 ring-red-200",
};

/** Recent deliveries to the merchant's webhook: what, when, how it went (attempts so far, the last attempt's answer). */
export function DeliveryLog({
  deliveries,
  accountNames,
  retentionDays,
}: {
  deliveries: DeliveryRow[];
  /** Shown per row when the log spans several accounts. */
  accountNames?: Map<string, string>;
  /** MESSAGE_RETENTION_DAYS: older deliveries are pruned (0: kept). */
  retentionDays: number;
}) {
  const t = useTranslations("forwarding");
  const format = useFormatter();
  if (deliveries.length === 0) {
    return (
      <p
        data-testid="delivery-log-empty"
        className="rounded-lg border border-dashed border-slate-200 px-3 py-4 text-sm text-slate-500"
      >
        {t("logEmpty")}
      </p>
    );
  }
  return (
    <>
      <ul data-testid="delivery-log" className="divide-y divide-slate-100 rounded-lg border border-slate-200">
        {deliveries.map((d) => {
          const last = d.attemptLog.at(-1);
          return (
            <li
              key={d.id}
              data-testid={`delivery-${d.id}`}
              data-status={d.status}
              className="flex flex-col gap-1 px-3 py-2.5 text-sm sm:flex-row sm:items-center sm:gap-3"
            >
              <div className="flex min-w-0 flex-1 flex-wrap items-center gap-x-2 gap-y-1">
                <span
                  className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ${STATUS_STYLE[d.status]}`}
                >
                  {t(`statusLabel.${d.status}`)}
                </span>
                <code className="text-xs text-slate-700">{d.summary}</code>
                {accountNames ? (
                  <span className="truncate text-xs text-slate-500">{accountNames.get(d.appId) ?? d.appId}</span>
                ) : null}
                <span className="text-xs text-slate-500">{format.dateTime(d.createdAt, "dateTime")}</span>
              </div>
              <div className="flex flex-wrap items-center gap-x-2 text-xs text-slate-500">
                {d.attempts > 0 ? <span>{t("attempts", { n: d.attempts })}</span> : null}
                {last ? (
                  <span className={d.status === "delivered" ? "text-slate-500" : "text-red-700"}>
                    {t("lastAnswer", {
                      answer: `${last.status ?? t("noAnswer")}${last.error && last.status === null ? ` (${last.error})` : ""}`,
                      ms: last.ms,
                    })}
                  </span>
                ) : null}
                {d.status === "pending" && d.attempts > 0 ? (
                  <span>
                    {t("nextAttempt", { time: d.nextAttemptAt ? format.dateTime(d.nextAttemptAt, "dateTime") : "" })}
                  </span>
                ) : null}
                {d.status === "failed" ? (
                  <form action={redeliverAction}>
                    <input type="hidden" name="deliveryId" value={d.id} />
                    <button
                      type="submit"
                      className="rounded-md border border-slate-300 bg-white px-2 py-1 text-xs text-slate-700 hover:bg-slate-50"
                    >
                      {t("redeliver")}
                    </button>
                  </form>
                ) : null}
              </div>
            </li>
          );
        })}
      </ul>
      {retentionDays > 0 ? (
        <p className="text-xs text-slate-500">{t("logRetention", { days: retentionDays })}</p>
      ) : null}
    </>
  );
}
