import { loadAuthorizationScreen, type SearchParams } from "../../../_components/load-authorization-screen";
import { sandboxMetadata } from "../../../_components/sandbox-metadata";

// GET /sandbox/wxaopen/safe/bindcomponent: the sandbox's copy of WeChat's H5 authorization page (docs/wechat-protocol.md §4.2)
export const generateMetadata = sandboxMetadata("bindComponent");

export default async function BindComponentPage({ searchParams }: { searchParams: SearchParams }) {
  return loadAuthorizationScreen(searchParams, true);
}
