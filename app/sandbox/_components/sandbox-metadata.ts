import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import type { Messages } from "next-intl";

/** A sandbox page's generateMetadata: its title from sandbox.titles, and never indexed. */
export function sandboxMetadata(title: keyof Messages["sandbox"]["titles"]) {
  return async function generateMetadata(): Promise<Metadata> {
    const t = await getTranslations("sandbox.titles");
    return { title: t(title), robots: { index: false } };
  };
}
