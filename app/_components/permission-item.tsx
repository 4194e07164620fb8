import { describePermission, getPermissionSet } from "@/lib/wechat/permissions";

/** A zh/en pair in the UI language first, the other language second (with its `lang`). */
export function bilingual(d: { zh: string; en: string }, lang: "zh" | "en") {
  return lang === "en"
    ? { primary: d.en, secondary: d.zh, secondaryLang: "zh-CN" }
    : { primary: d.zh, secondary: d.en, secondaryLang: "en" };
}

/**
 * One granted permission set (func_info id) as a list item: #id, its name in both languages, and a badge when
 * the id is not in our table (`unknownLabel`) or is listed but undocumented (`undocumentedLabel`, optional).
 * Merchant and staff pages show the same item.
 */
export function PermissionItem({
  id,
  lang,
  testId,
  unknownLabel,
  undocumentedLabel,
}: {
  id: number;
  lang: "zh" | "en";
  testId: string;
  unknownLabel: string;
  undocumentedLabel?: string;
}) {
  const permission = describePermission(id);
  const text = bilingual(permission, lang);
  const listed = getPermissionSet(id) !== undefined;
  return (
    <li
      data-testid={testId}
      data-known={permission.known}
      className={`flex items-start gap-3 rounded-lg border px-3 py-2.5 ${listed ? "border-slate-200" : "border-amber-300 bg-amber-50"}`}
    >
      <span className="mt-0.5 min-w-11 shrink-0 rounded bg-slate-100 px-1.5 py-0.5 text-center font-mono text-xs text-slate-600">
        #{id}
      </span>
      <div className="min-w-0 flex-1">
        <p className="text-sm font-medium break-words text-slate-900">{text.primary}</p>
        <p lang={text.secondaryLang} className="text-xs break-words text-slate-500">
          {text.secondary}
        </p>
      </div>
      {!listed ? (
        <span className="shrink-0 rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900">
          {unknownLabel}
        </span>
      ) : !permission.known && undocumentedLabel ? (
        <span className="shrink-0 rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-700">
          {undocumentedLabel}
        </span>
      ) : null}
    </li>
  );
}
