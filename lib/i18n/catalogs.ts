import enCommon from "@/messages/en/common.json";
import enJobs from "@/messages/en/jobs.json";
import enRegistration from "@/messages/en/registration.json";
import zhCommon from "@/messages/zh-CN/common.json";
import zhJobs from "@/messages/zh-CN/jobs.json";
import zhRegistration from "@/messages/zh-CN/registration.json";
import type { Locale } from "./config";

/**
 * The message catalogs: one JSON file per area and language (`messages/<locale>/<area>.json`), assembled here under
 * the area's name, so `t("jobs.status.running")` reads `messages/<locale>/jobs.json` → `status.running`. A new area
 * is two files and one line per language below; tests/unit/messages.test.ts checks that both languages have the
 * same areas, keys and placeholders.
 */
export const CATALOGS = {
  "zh-CN": {
    common: zhCommon,
    jobs: zhJobs,
    registration: zhRegistration,
  },
  en: {
    common: enCommon,
    jobs: enJobs,
    registration: enRegistration,
  },
} satisfies Record<Locale, Record<string, unknown>>;

export type Messages = (typeof CATALOGS)["zh-CN"];
