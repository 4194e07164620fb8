import { getFormatter, getTranslations } from "next-intl/server";
import type { StoredChecklistItem } from "@/db/schema";
import { Translated } from "./translated";

const STATE_STYLE: Record<StoredChecklistItem["state"], string> = {
  done: "bg-emerald-50 text-emerald-800 ring-emerald-600/20",
  open: "bg-red-50 text-red-800 ring-red-600/20",
  pending: "bg-sky-50 text-sky-800 ring-sky-600/20",
  warning: "bg-amber-50 text-amber-900 ring-amber-600/20",
};

const ICON: Record<StoredChecklistItem["state"], string> = { done: "✓", open: "!", pending: "…", warning: "?" };

/** The readiness checklist (merchant and staff pages): each item's live state and what to do next. */
export async function SetupChecklist({ items, readAt }: { items: StoredChecklistItem[]; readAt: Date | null }) {
  const t = await getTranslations("setup");
  const format = await getFormatter();
  if (items.length === 0) {
    return (
      <p data-testid="setup-checklist-empty" className="mt-3 text-sm text-slate-600">
        {t("ui.checklistEmpty")}
      </p>
    );
  }
  const blocking = items.filter((i) => i.blocking).length;
  return (
    <div className="mt-3 flex flex-col gap-3">
      <p data-testid="setup-summary" className={`text-sm ${blocking > 0 ? "text-red-800" : "text-emerald-800"}`}>
        {blocking > 0 ? t("ui.notReady", { count: blocking }) : t("ui.ready")}
        {readAt ? (
          <span className="text-slate-500">
            {" "}
            · {t("ui.readAt", { time: format.dateTime(readAt, { dateStyle: "medium", timeStyle: "short" }) })}
          </span>
        ) : null}
      </p>
      <ul
        data-testid="setup-checklist"
        className="flex flex-col divide-y divide-slate-100 rounded-xl border border-slate-200"
      >
        {items.map((item) => (
          <li
            key={item.id}
            data-testid={`setup-item-${item.id}`}
            data-state={item.state}
            className="flex flex-col gap-1 px-3 py-3 sm:flex-row sm:items-start sm:gap-3"
          >
            <div className="flex items-center gap-2 sm:w-52 sm:shrink-0">
              <span
                aria-hidden="true"
                className={`inline-flex h-6 w-6 shrink-0 items-center justify-center rounded-full text-xs font-bold ring-1 ${STATE_STYLE[item.state]}`}
              >
                {ICON[item.state]}
              </span>
              <span className="text-sm font-medium text-slate-900">{t(`items.${item.id}` as "items.name")}</span>
            </div>
            <div className="min-w-0 flex-1 text-sm">
              <div className="flex flex-wrap items-center gap-1.5">
                <span
                  className={`rounded-full px-2 py-0.5 text-xs font-medium ring-1 ${STATE_STYLE[item.state]}`}
                  data-testid={`setup-item-${item.id}-state`}
                >
                  {t(`states.${item.state}`)}
                </span>
                {item.blocking ? (
                  <span className="rounded-full bg-red-700 px-2 py-0.5 text-xs font-medium text-white">
                    {t("blocking")}
                  </span>
                ) : null}
                <span className="break-words text-slate-700">
                  <Translated message={item.detail} />
                </span>
              </div>
              {item.next ? (
                <p className="mt-1 text-slate-600">
                  <span className="font-medium text-slate-700">{t("ui.next")}</span> <Translated message={item.next} />
                </p>
              ) : null}
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}
