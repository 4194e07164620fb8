import type { Metadata } from "next";
import { loadAuthorizationScreen, type SearchParams } from "../../_components/load-authorization-screen";

// GET /sandbox/cgi-bin/componentloginpage: the sandbox's copy of WeChat's PC authorization page (docs/wechat-protocol.md §4.2)
export const metadata: Metadata = { title: "公众平台账号授权 · 微信沙箱", robots: { index: false } };

export default async function ComponentLoginPage({ searchParams }: { searchParams: SearchParams }) {
  return loadAuthorizationScreen(searchParams, false);
}
