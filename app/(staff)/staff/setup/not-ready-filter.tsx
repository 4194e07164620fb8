import { getTranslations } from "next-intl/server";

/** The staff list's "not ready for audit" filter (`ready=no`): mini programs whose setup checklist has a blocking item. */
export async function NotReadyFilter({ checked }: { checked: boolean }) {
  const t = await getTranslations("setup.ui.filter");
  return (
    <label className="flex min-h-10 items-center gap-2 self-end text-sm text-slate-800">
      <input
        type="checkbox"
        name="ready"
        value="no"
        defaultChecked={checked}
        className="h-4 w-4 accent-emerald-700"
        data-testid="filter-not-ready"
      />
      {t("notReady")}
    </label>
  );
}
