/**
 * The UI languages (next-intl locales): Chinese first, English available. The choice lives in the `lang` cookie
 * (values `zh` / `en`, kept from before next-intl), read on every request; there is no locale in the URL.
 */
export const LOCALES = ["zh-CN", "en"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "zh-CN";

export const LANGUAGE_COOKIE = "lang";

/** The cookie's value → a locale; anything else is Chinese. */
export function localeFromCookie(value: string | undefined): Locale {
  return value === "en" ? "en" : "zh-CN";
}

/** China's time: what merchants and staff read dates in, whatever the server's zone. */
export const TIME_ZONE = "Asia/Shanghai";
