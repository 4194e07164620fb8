import { cookies } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { CATALOGS } from "./catalogs";
import { formats } from "./formats";
import { LANGUAGE_COOKIE, TIME_ZONE, localeFromCookie } from "./config";

/** next-intl's per-request configuration: the locale from the `lang` cookie, its catalog, China's time zone. */
export default getRequestConfig(async () => {
  const locale = localeFromCookie((await cookies()).get(LANGUAGE_COOKIE)?.value);
  return {
    locale,
    messages: CATALOGS[locale],
    timeZone: TIME_ZONE,
    formats,
  };
});
