import { setLanguageAction } from "@/app/actions";
import type { Language } from "@/lib/i18n";

const OPTIONS: ReadonlyArray<{ lang: Language; label: string; htmlLang: string }> = [
  { lang: "zh", label: "中文", htmlLang: "zh-CN" },
  { lang: "en", label: "English", htmlLang: "en" },
];

/** 中文 | English. Plain forms, so it works before (and without) JavaScript. */
export function LanguageSwitch({ lang, label }: { lang: Language; label: string }) {
  return (
    <div role="group" aria-label={label} className="flex items-center rounded-full border border-slate-200 bg-white p-0.5 text-xs">
      {OPTIONS.map((option) => {
        const current = option.lang === lang;
        return (
          <form key={option.lang} action={setLanguageAction.bind(null, option.lang)}>
            <button
              type="submit"
              lang={option.htmlLang}
              aria-pressed={current}
              className={`rounded-full px-2.5 py-1 font-medium transition-colors ${
                current ? "bg-slate-900 text-white" : "text-slate-600 hover:bg-slate-100 hover:text-slate-900"
              }`}
            >
              {option.label}
            </button>
          </form>
        );
      })}
    </div>
  );
}
