import type { Metadata } from "next";
import { loadAuthorizationScreen, type SearchParams } from "../../../_components/load-authorization-screen";

// GET /sandbox/wxaopen/safe/bindcomponent: the sandbox's copy of WeChat's H5 authorization page (docs/wechat-protocol.md §4.2)
export const metadata: Metadata = { title: "授权 · 微信沙箱", robots: { index: false } };

export default async function BindComponentPage({ searchParams }: { searchParams: SearchParams }) {
  return loadAuthorizationScreen(searchParams, true);
}
