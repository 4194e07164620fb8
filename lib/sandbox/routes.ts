import * as code from "./code";
import * as componentApi from "./component-api";
import * as fastRegister from "./fastregister";
import { serve, type RouteHandler, type SandboxContext, type SandboxHttpResponse } from "./context";
import * as messageApi from "./message-api";
import * as setup from "./setup";

/**
 * The route table: WeChat's API as the sandbox serves it below its base (`/sandbox`), `METHOD path` → handler.
 * One line per endpoint. Each endpoint's name (call counts, faults) derives from its path: `/cgi-bin/component/`
 * or else `/cgi-bin/` or `/` dropped (`api_component_token`, `message/custom/send`, `wxa/commit`).
 */
export const ROUTES = {
  "POST /cgi-bin/component/api_component_token": componentApi.apiComponentToken,
  "POST /cgi-bin/component/api_start_push_ticket": componentApi.apiStartPushTicket,
  "POST /cgi-bin/component/api_create_preauthcode": componentApi.apiCreatePreauthcode,
  "POST /cgi-bin/component/api_query_auth": componentApi.apiQueryAuth,
  "POST /cgi-bin/component/api_authorizer_token": componentApi.apiAuthorizerToken,
  "POST /cgi-bin/component/api_get_authorizer_info": componentApi.apiGetAuthorizerInfo,
  "POST /cgi-bin/component/api_get_authorizer_list": componentApi.apiGetAuthorizerList,
  "POST /cgi-bin/message/custom/send": messageApi.customSend,
  // Code management (docs/wechat-protocol.md §11): template library, commit, audit, release.
  "GET /wxa/gettemplatedraftlist": code.getTemplateDraftList,
  "POST /wxa/addtotemplate": code.addToTemplate,
  "GET /wxa/gettemplatelist": code.getTemplateList,
  "POST /wxa/gettemplatelist": code.getTemplateListByPost,
  "POST /wxa/deletetemplate": code.deleteTemplate,
  "POST /wxa/commit": code.commit,
  "GET /wxa/get_page": code.getPage,
  "GET /wxa/get_category": code.getCategory,
  "GET /wxa/get_qrcode": code.getQrcode,
  "GET /wxa/security/get_code_privacy_info": code.getCodePrivacyInfo,
  "GET /wxa/queryquota": code.queryQuota,
  "POST /wxa/submit_audit": code.submitAudit,
  "POST /wxa/get_auditstatus": code.getAuditStatus,
  "GET /wxa/get_latest_auditstatus": code.getLatestAuditStatus,
  "GET /wxa/undocodeaudit": code.undoCodeAudit,
  "POST /wxa/speedupaudit": code.speedupAudit,
  "POST /wxa/release": code.release,
  "GET /wxa/revertcoderelease": code.revertCodeRelease,
  "POST /wxa/grayrelease": code.grayRelease,
  "GET /wxa/getgrayreleaseplan": code.getGrayReleasePlan,
  "GET /wxa/revertgrayrelease": code.revertGrayRelease,
  "POST /wxa/getversioninfo": code.getVersionInfo,
  // Mini program setup (docs/wechat-protocol.md §12, lib/sandbox/setup.ts)
  "POST /cgi-bin/component/modify_wxa_server_domain": setup.modifyWxaServerDomain,
  "POST /cgi-bin/component/modify_wxa_jump_domain": setup.modifyWxaJumpDomain,
  "POST /cgi-bin/component/get_domain_confirmfile": setup.getDomainConfirmfile,
  "POST /wxa/modify_domain": setup.modifyDomain,
  "POST /wxa/modify_domain_directly": setup.modifyDomainDirectly,
  "POST /wxa/get_effective_domain": setup.getEffectiveDomain,
  "POST /wxa/setwebviewdomain": setup.setWebviewDomain,
  "POST /wxa/setwebviewdomain_directly": setup.setWebviewDomainDirectly,
  "POST /wxa/get_effective_webviewdomain": setup.getEffectiveWebviewDomain,
  "POST /wxa/get_webviewdomain_confirmfile": setup.getWebviewDomainConfirmfile,
  "POST /cgi-bin/component/getprivacysetting": setup.getPrivacySetting,
  "POST /cgi-bin/component/setprivacysetting": setup.setPrivacySetting,
  "POST /wxa/bind_tester": setup.bindTester,
  "POST /wxa/unbind_tester": setup.unbindTester,
  "POST /wxa/memberauth": setup.memberauth,
  "GET /cgi-bin/account/getaccountbasicinfo": setup.getAccountBasicInfo,
  "POST /cgi-bin/account/getaccountbasicinfo": setup.getAccountBasicInfo,
  "GET /cgi-bin/wxopen/getcategory": setup.getCategory,
  "POST /cgi-bin/wxopen/getcategory": setup.getCategory,
  "GET /cgi-bin/wxopen/getallcategories": setup.getAllCategories,
  "POST /cgi-bin/wxopen/getallcategories": setup.getAllCategories,
  "POST /cgi-bin/wxopen/addcategory": setup.addCategory,
  "GET /wxa/icp/get_icp_entrance_info": setup.getIcpEntranceInfo,
  "POST /cgi-bin/component/fastregisterweapp": fastRegister.fastRegisterLegacy,
  "POST /wxa/component/fastregisterenterpriseweapp": fastRegister.fastRegisterEnterprise,
  "POST /wxa/component/fastregisterpersonalweapp": fastRegister.fastRegisterPersonal,
  "POST /cgi-bin/account/fastregister": fastRegister.accountFastRegister,
} as const satisfies Record<`${"GET" | "POST"} /${string}`, RouteHandler>;

type RoutePath = keyof typeof ROUTES extends `${string} ${infer P}` ? P : never;
type EndpointName<P extends string> = P extends `/cgi-bin/component/${infer N}`
  ? N
  : P extends `/cgi-bin/${infer N}`
    ? N
    : P extends `/${infer N}`
      ? N
      : P;

/** Every endpoint in the table, by name: what call counts and faults are kept per. */
export type FaultableEndpoint = EndpointName<RoutePath>;
/** The component API (POST /cgi-bin/component/<name>). */
export type SandboxEndpoint = EndpointName<Extract<RoutePath, `/cgi-bin/component/${string}`>>;

function endpointName(path: string): string {
  return path
    .replace(/^\/cgi-bin\/component\//, "")
    .replace(/^\/cgi-bin\//, "")
    .replace(/^\//, "");
}

const PATHS = [...new Set(Object.keys(ROUTES).map((key) => key.slice(key.indexOf(" ") + 1)))];
export const FAULTABLE_ENDPOINTS = PATHS.map(endpointName) as [FaultableEndpoint, ...FaultableEndpoint[]];
export const SANDBOX_ENDPOINTS = PATHS.filter((p) => p.startsWith("/cgi-bin/component/")).map(endpointName) as [
  SandboxEndpoint,
  ...SandboxEndpoint[],
];
/** The customer-service message API (docs/wechat-protocol.md §3.11), outside /cgi-bin/component but faultable like the others. */
export const CUSTOM_SEND = "message/custom/send" satisfies FaultableEndpoint;

export interface SandboxHttpRequest {
  method: string;
  /** Below the sandbox base, e.g. `/cgi-bin/component/api_component_token`. */
  path: string;
  query: URLSearchParams;
  bodyText: string;
}

/** One HTTP request to WeChat's API: its handler through serve() (counted, faulted, delayed), or 404 JSON. */
export async function handleRequest(ctx: SandboxContext, request: SandboxHttpRequest): Promise<SandboxHttpResponse> {
  const { method, path, query, bodyText: text } = request;
  const key = `${method} ${path}`;
  const handler = Object.hasOwn(ROUTES, key) ? (ROUTES as Record<string, RouteHandler>)[key] : undefined;
  const name = endpointName(path);
  if (!handler) return { status: 404, json: { errcode: 404, errmsg: `unknown api ${name}` } };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return serve(ctx, name, (faults) => handler(ctx, { method, path, query, body: { text, json }, faults }));
}
