import { getLocale } from "next-intl/server";

/** The key of a `{ zh, en }` pair (permission-set names, WeChat's codes) in the reader's language. */
export type PairLanguage = "zh" | "en";

/** The reader's language as the key of the `{ zh, en }` data pairs, and the `lang` the shared components take. */
export async function getPairLanguage(): Promise<PairLanguage> {
  return (await getLocale()) === "en" ? "en" : "zh";
}
