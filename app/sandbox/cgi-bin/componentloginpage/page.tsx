import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { loadAuthorizationScreen, type SearchParams } from "../../_components/load-authorization-screen";

// GET /sandbox/cgi-bin/componentloginpage: the sandbox's copy of WeChat's PC authorization page (docs/wechat-protocol.md §4.2)
export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("sandbox.titles");
  return { title: t("componentLogin"), robots: { index: false } };
}

export default async function ComponentLoginPage({ searchParams }: { searchParams: SearchParams }) {
  return loadAuthorizationScreen(searchParams, false);
}
