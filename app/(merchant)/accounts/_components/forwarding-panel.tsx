import type { DeliveryRow } from "@/db/queries/webhooks";
import { useTranslations } from "next-intl";
import type { WebhookSecretView } from "@/lib/webhooks/merchant-secret";
import { DeliveryLog } from "./delivery-log";
import { RotateSecretForm, WebhookUrlForm } from "./forwarding-forms";

/** 消息转发: where the merchant's messages go, the secret that signs them, and how deliveries went. */
export function ForwardingPanel({
  url,
  secret,
  deliveries,
  accountNames,
  retentionDays,
}: {
  url: string | null;
  secret: WebhookSecretView;
  deliveries: DeliveryRow[];
  accountNames: Map<string, string>;
  retentionDays: number;
}) {
  const t = useTranslations("forwarding");
  return (
    <section
      id="forwarding"
      aria-labelledby="forwarding-title"
      data-testid="forwarding-panel"
      className="flex flex-col gap-4 rounded-2xl border border-slate-200 bg-white p-5 shadow-sm"
    >
      <div className="flex flex-wrap items-center gap-2">
        <h2 id="forwarding-title" className="text-base font-semibold text-slate-900">
          {t("title")}
        </h2>
        <span
          data-testid="forwarding-state"
          className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ${url ? "bg-emerald-50 text-emerald-700 ring-emerald-200" : "bg-slate-50 text-slate-600 ring-slate-200"}`}
        >
          {url ? t("on") : t("off")}
        </span>
        <p className="w-full text-sm text-slate-600">{t("subtitle")}</p>
      </div>

      <WebhookUrlForm url={url} />

      <div className="flex flex-col gap-2">
        <p className="text-sm font-medium text-slate-800">{t("secretLabel")}</p>
        {secret.kind === "shown" ? (
          <details className="group rounded-lg border border-slate-200 bg-slate-50 px-3 py-2">
            <summary className="cursor-pointer text-sm text-emerald-700 select-none">{t("showSecret")}</summary>
            <code data-testid="webhook-secret" className="mt-2 block break-all font-mono text-xs text-slate-800">
              {secret.secret}
            </code>
          </details>
        ) : secret.kind === "unreadable" ? (
          <p
            role="alert"
            data-testid="webhook-secret-unreadable"
            className="rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800"
          >
            {t("secretUnreadable")}
          </p>
        ) : (
          <p className="text-sm text-slate-500">{t("noSecret")}</p>
        )}
        <p className="text-xs text-slate-500">{t("secretHint")}</p>
        {secret.kind === "none" ? null : <RotateSecretForm />}
      </div>

      <div className="flex flex-col gap-2">
        <h3 className="text-sm font-semibold text-slate-900">{t("logTitle")}</h3>
        <DeliveryLog deliveries={deliveries} accountNames={accountNames} retentionDays={retentionDays} />
      </div>
    </section>
  );
}
