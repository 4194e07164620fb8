import { loadAuthorizationScreen, type SearchParams } from "../../_components/load-authorization-screen";
import { sandboxMetadata } from "../../_components/sandbox-metadata";

// GET /sandbox/cgi-bin/componentloginpage: the sandbox's copy of WeChat's PC authorization page (docs/wechat-protocol.md §4.2)
export const generateMetadata = sandboxMetadata("componentLogin");

export default async function ComponentLoginPage({ searchParams }: { searchParams: SearchParams }) {
  return loadAuthorizationScreen(searchParams, false);
}
