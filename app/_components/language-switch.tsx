import { getLocale, getTranslations } from "next-intl/server";
import { setLanguageAction } from "@/app/actions";

const OPTIONS: ReadonlyArray<{ lang: "zh" | "en"; label: string; htmlLang: string }> = [
  { lang: "zh", label: "中文", htmlLang: "zh-CN" },
  { lang: "en", label: "English", htmlLang: "en" },
];

/**
 * 中文 | English, each name in its own language (on purpose). Plain forms, so it works before (and without)
 * JavaScript. It reads the request's language.
 */
export async function LanguageSwitch() {
  const [locale, t] = await Promise.all([getLocale(), getTranslations("site")]);
  return (
    <div
      role="group"
      aria-label={t("languageSwitch")}
      className="flex items-center rounded-full border border-slate-200 bg-white p-0.5 text-xs"
    >
      {OPTIONS.map((option) => {
        const current = option.htmlLang === locale;
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
