import { cookies } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { formats } from "./formats";
import { LANGUAGE_COOKIE, TIME_ZONE, localeFromCookie, type Locale } from "./config";

// An explicit loader per locale (a template-literal import defeats the typed lint rules and the bundler's analysis).
const CATALOGS: Record<Locale, () => Promise<{ default: Record<string, unknown> }>> = {
  "zh-CN": () => import("../../messages/zh-CN.json"),
  en: () => import("../../messages/en.json"),
};

/** next-intl's per-request configuration: the locale from the `lang` cookie, its catalog, China's time zone. */
export default getRequestConfig(async () => {
  const locale = localeFromCookie((await cookies()).get(LANGUAGE_COOKIE)?.value);
  return {
    locale,
    messages: (await CATALOGS[locale]()).default,
    timeZone: TIME_ZONE,
    formats,
  };
});
