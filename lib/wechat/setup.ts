import { z } from "zod";
import { authorizerCredential, endpoint, type ApiCore, type Endpoint } from "./api-core";

/**
 * Mini program setup (docs/wechat-protocol.md §12): the component's domain registry (component token), and per
 * account domains, privacy guideline, testers, categories, basic info and ICP status (authorizer token). Every call
 * goes through `core`; wire shapes are loose and tolerant (SDKs and docs disagree on several of them).
 */

export const SERVER_DOMAIN_TYPES = [
  "requestdomain",
  "wsrequestdomain",
  "uploaddomain",
  "downloaddomain",
  "udpdomain",
  "tcpdomain",
] as const;
export type WireServerDomainType = (typeof SERVER_DOMAIN_TYPES)[number];
export type WireServerDomains = Record<WireServerDomainType, string[]>;

const ENDPOINTS = {
  modifyServerDomain: endpoint("POST /cgi-bin/component/modify_wxa_server_domain", { repeatable: false }),
  modifyJumpDomain: endpoint("POST /cgi-bin/component/modify_wxa_jump_domain", { repeatable: false }),
  confirmFile: endpoint("POST /cgi-bin/component/get_domain_confirmfile", { repeatable: true }),
  modifyDomainDirectly: endpoint("POST /wxa/modify_domain_directly", { repeatable: true }),
  effectiveDomain: endpoint("POST /wxa/get_effective_domain", { repeatable: true }),
  webviewDirectly: endpoint("POST /wxa/setwebviewdomain_directly", { repeatable: true }),
  effectiveWebview: endpoint("POST /wxa/get_effective_webviewdomain", { repeatable: true }),
  getPrivacy: endpoint("POST /cgi-bin/component/getprivacysetting", { repeatable: true }),
  setPrivacy: endpoint("POST /cgi-bin/component/setprivacysetting", { repeatable: true }),
  bindTester: endpoint("POST /wxa/bind_tester", { repeatable: false }),
  unbindTester: endpoint("POST /wxa/unbind_tester", { repeatable: true }),
  memberauth: endpoint("POST /wxa/memberauth", { repeatable: true }),
  basicInfo: endpoint("POST /cgi-bin/account/getaccountbasicinfo", { repeatable: true }),
  getCategory: endpoint("GET /cgi-bin/wxopen/getcategory", { repeatable: true }),
  allCategories: endpoint("GET /cgi-bin/wxopen/getallcategories", { repeatable: true }),
  addCategory: endpoint("POST /cgi-bin/wxopen/addcategory", { repeatable: false }),
  icpEntrance: endpoint("GET /wxa/icp/get_icp_entrance_info", { repeatable: true }),
} satisfies Record<string, Endpoint>;

const strings = z.array(z.string()).catch([]).default([]);
const domainsSchema = z
  .looseObject(
    Object.fromEntries(SERVER_DOMAIN_TYPES.map((t) => [t, strings])) as Record<WireServerDomainType, typeof strings>,
  )
  .catch(() => emptyDomains())
  .default(() => emptyDomains());
const semicolonList = z
  .string()
  .optional()
  .transform((s) => (s ?? "").split(";").filter(Boolean));

export function emptyDomains(): WireServerDomains {
  return { requestdomain: [], wsrequestdomain: [], uploaddomain: [], downloaddomain: [], udpdomain: [], tcpdomain: [] };
}

const componentServerSchema = z.looseObject({
  testing_wxa_server_domain: semicolonList,
  published_wxa_server_domain: semicolonList,
  invalid_wxa_server_domain: semicolonList,
});
const componentJumpSchema = z.looseObject({
  testing_wxa_jump_h5_domain: semicolonList,
  published_wxa_jump_h5_domain: semicolonList,
  invalid_wxa_jump_h5_domain: semicolonList,
});
const effectiveDomainSchema = z.looseObject({
  mp_domain: domainsSchema,
  third_domain: domainsSchema,
  direct_domain: domainsSchema,
  // dtapps's model omits it; the docs include it.
  effective_domain: domainsSchema,
});
const effectiveWebviewSchema = z.looseObject({
  mp_webviewdomain: strings,
  third_webviewdomain: strings,
  direct_webviewdomain: strings,
  effective_webviewdomain: strings,
});
const privacySchema = z.looseObject({
  code_exist: z.coerce.number().catch(0).default(0),
  privacy_list: strings,
  setting_list: z
    .array(
      z.looseObject({
        privacy_key: z.string(),
        privacy_text: z.string().catch(""),
        privacy_label: z.string().optional(),
      }),
    )
    .catch([])
    .default([]),
  update_time: z.coerce.number().catch(0).default(0),
  owner_setting: z.record(z.string(), z.unknown()).catch({}).default({}),
  privacy_desc: z
    .looseObject({
      privacy_desc_list: z
        .array(z.looseObject({ privacy_key: z.string(), privacy_desc: z.string() }))
        .catch([])
        .default([]),
    })
    .optional(),
});
const basicInfoSchema = z.looseObject({
  appid: z.string().optional(),
  principal_type: z.number().optional(),
  realname_status: z.number().optional(),
  nickname: z.string().catch("").default(""),
  wx_verify_info: z
    .looseObject({
      qualification_verify: z.boolean().catch(false).default(false),
      naming_verify: z.boolean().catch(false).default(false),
      annual_review: z.boolean().optional(),
      annual_review_begin_time: z.coerce.number().optional(),
      annual_review_end_time: z.coerce.number().optional(),
    })
    .optional(),
  signature_info: z.looseObject({ signature: z.string().catch("").default("") }).optional(),
  head_image_info: z.looseObject({ head_image_url: z.string().catch("").default("") }).optional(),
});
const categorySchema = z.looseObject({
  categories: z
    .array(
      z.looseObject({
        // The docs type first/second as numbers; some events send strings.
        first: z.coerce.number(),
        first_name: z.string().catch("").default(""),
        second: z.coerce.number(),
        second_name: z.string().catch("").default(""),
        audit_status: z.coerce.number().catch(0).default(0),
        audit_reason: z.string().catch("").default(""),
      }),
    )
    .catch([])
    .default([]),
  limit: z.number().optional(),
  quota: z.number().optional(),
  category_limit: z.number().optional(),
});
const allCategoriesSchema = z.looseObject({
  categories_list: z
    .looseObject({
      categories: z
        .array(
          z.looseObject({
            id: z.number(),
            name: z.string().catch("").default(""),
            level: z.number().catch(0).default(0),
            father: z.number().catch(0).default(0),
            children: z.array(z.number()).catch([]).default([]),
            sensitive_type: z.number().catch(0).default(0),
          }),
        )
        .catch([])
        .default([]),
    })
    .default({ categories: [] }),
});
const icpSchema = z.looseObject({
  info: z
    .looseObject({
      status: z.coerce.number(),
      is_canceling: z.boolean().optional(),
      available: z.coerce.number().optional(),
      audit_data: z
        .array(
          z.looseObject({ key_name: z.string().catch(""), error: z.string().catch(""), suggest: z.string().catch("") }),
        )
        .catch([])
        .default([]),
    })
    .default({ status: 1024, audit_data: [] }),
});

export interface ComponentDomains {
  testing: string[];
  published: string[];
  invalid: string[];
}

export interface EffectiveDomains {
  mp: WireServerDomains;
  third: WireServerDomains;
  direct: WireServerDomains;
  effective: WireServerDomains;
}

export interface EffectiveWebview {
  mp: string[];
  third: string[];
  direct: string[];
  effective: string[];
}

export interface PrivacyOwnerSetting {
  contact_email?: string;
  contact_phone?: string;
  contact_qq?: string;
  contact_weixin?: string;
  notice_method: string;
  store_expire_timestamp?: string;
}

export interface AccountBasicInfo {
  nickname: string;
  headImageUrl: string;
  signature: string;
  principalType?: number;
  realnameStatus?: number;
  verify: { qualification: boolean; naming: boolean; annualReview: boolean; endTime?: number };
}

export interface SetupApi {
  getComponentServerDomains(): Promise<ComponentDomains>;
  modifyComponentServerDomains(action: "add" | "delete" | "set", hosts: string[]): Promise<ComponentDomains>;
  getComponentJumpDomains(): Promise<ComponentDomains>;
  modifyComponentJumpDomains(action: "add" | "delete" | "set", hosts: string[]): Promise<ComponentDomains>;
  getDomainConfirmFile(): Promise<{ fileName: string; fileContent: string }>;
  setServerDomainsDirectly(token: string, domains: WireServerDomains): Promise<WireServerDomains>;
  getEffectiveDomains(token: string): Promise<EffectiveDomains>;
  setWebviewDomainsDirectly(token: string, domains: string[]): Promise<string[]>;
  getEffectiveWebviewDomains(token: string): Promise<EffectiveWebview>;
  getPrivacySetting(token: string): Promise<z.output<typeof privacySchema>>;
  setPrivacySetting(
    token: string,
    input: { owner: PrivacyOwnerSetting; settings: { privacy_key: string; privacy_text: string }[] },
  ): Promise<void>;
  bindTester(token: string, wechatId: string): Promise<{ userstr: string }>;
  unbindTester(token: string, who: { wechatId: string } | { userstr: string }): Promise<void>;
  listTesters(token: string): Promise<string[]>;
  getBasicInfo(token: string): Promise<AccountBasicInfo>;
  getCategories(token: string): Promise<z.output<typeof categorySchema>>;
  getAllCategories(token: string): Promise<z.output<typeof allCategoriesSchema>["categories_list"]["categories"]>;
  addCategory(token: string, first: number, second: number): Promise<void>;
  getIcpStatus(token: string): Promise<z.output<typeof icpSchema>["info"]>;
}

const okSchema = z.looseObject({});

export function createSetupApi(core: ApiCore): SetupApi {
  const withToken = <S extends z.ZodType>(endpoint: Endpoint, token: string, body: object | undefined, schema: S) =>
    core.request(endpoint, { body, credential: authorizerCredential(token) }, schema);
  // The component-level domain APIs take `access_token=` with the component token (docs/wechat-protocol.md §12.0).
  const asComponent = <S extends z.ZodType>(endpoint: Endpoint, body: object, schema: S) =>
    core.requestWithComponentToken(endpoint, { body }, schema, "access_token");

  const mapServer = (d: z.output<typeof componentServerSchema>): ComponentDomains => ({
    testing: d.testing_wxa_server_domain,
    published: d.published_wxa_server_domain,
    invalid: d.invalid_wxa_server_domain,
  });
  const mapJump = (d: z.output<typeof componentJumpSchema>): ComponentDomains => ({
    testing: d.testing_wxa_jump_h5_domain,
    published: d.published_wxa_jump_h5_domain,
    invalid: d.invalid_wxa_jump_h5_domain,
  });

  return {
    async getComponentServerDomains() {
      // `get` changes nothing, so repeating it is harmless even though the endpoint as a whole is not.
      return mapServer(
        await asComponent(
          { ...ENDPOINTS.modifyServerDomain, repeatable: true },
          { action: "get" },
          componentServerSchema,
        ),
      );
    },
    async modifyComponentServerDomains(action, hosts) {
      const body = { action, wxa_server_domain: hosts.join(";"), is_modify_published_together: true };
      return mapServer(await asComponent(ENDPOINTS.modifyServerDomain, body, componentServerSchema));
    },
    async getComponentJumpDomains() {
      return mapJump(
        await asComponent({ ...ENDPOINTS.modifyJumpDomain, repeatable: true }, { action: "get" }, componentJumpSchema),
      );
    },
    async modifyComponentJumpDomains(action, hosts) {
      const body = { action, wxa_jump_h5_domain: hosts.join(";"), is_modify_published_together: true };
      return mapJump(await asComponent(ENDPOINTS.modifyJumpDomain, body, componentJumpSchema));
    },
    async getDomainConfirmFile() {
      const d = await asComponent(
        ENDPOINTS.confirmFile,
        {},
        z.looseObject({ file_name: z.string(), file_content: z.string() }),
      );
      return { fileName: d.file_name, fileContent: d.file_content };
    },
    async setServerDomainsDirectly(token, domains) {
      const d = await withToken(ENDPOINTS.modifyDomainDirectly, token, { action: "set", ...domains }, domainsSchema);
      return d;
    },
    async getEffectiveDomains(token) {
      const d = await withToken(ENDPOINTS.effectiveDomain, token, {}, effectiveDomainSchema);
      return { mp: d.mp_domain, third: d.third_domain, direct: d.direct_domain, effective: d.effective_domain };
    },
    async setWebviewDomainsDirectly(token, domains) {
      const d = await withToken(
        ENDPOINTS.webviewDirectly,
        token,
        { action: "set", webviewdomain: domains },
        z.looseObject({ webviewdomain: strings }),
      );
      return d.webviewdomain;
    },
    async getEffectiveWebviewDomains(token) {
      const d = await withToken(ENDPOINTS.effectiveWebview, token, {}, effectiveWebviewSchema);
      return {
        mp: d.mp_webviewdomain,
        third: d.third_webviewdomain,
        direct: d.direct_webviewdomain,
        effective: d.effective_webviewdomain,
      };
    },
    getPrivacySetting: (token) => withToken(ENDPOINTS.getPrivacy, token, { privacy_ver: 2 }, privacySchema),
    async setPrivacySetting(token, { owner, settings }) {
      const owner_setting = Object.fromEntries(
        Object.entries(owner).filter(([, v]) => typeof v === "string" && v !== ""),
      );
      await withToken(ENDPOINTS.setPrivacy, token, { privacy_ver: 2, owner_setting, setting_list: settings }, okSchema);
    },
    async bindTester(token, wechatId) {
      const d = await withToken(
        ENDPOINTS.bindTester,
        token,
        { wechatid: wechatId },
        z.looseObject({ userstr: z.string().catch("").default("") }),
      );
      return { userstr: d.userstr };
    },
    async unbindTester(token, who) {
      await withToken(
        ENDPOINTS.unbindTester,
        token,
        "userstr" in who ? { userstr: who.userstr } : { wechatid: who.wechatId },
        okSchema,
      );
    },
    async listTesters(token) {
      const d = await withToken(
        ENDPOINTS.memberauth,
        token,
        { action: "get_experiencer" },
        z.looseObject({
          members: z
            .array(z.looseObject({ userstr: z.string() }))
            .catch([])
            .default([]),
        }),
      );
      return d.members.map((m) => m.userstr);
    },
    async getBasicInfo(token) {
      // POST per the current doc; GET also works (docs/wechat-protocol.md §12.6.1).
      const d = await withToken(ENDPOINTS.basicInfo, token, {}, basicInfoSchema);
      const v = d.wx_verify_info;
      return {
        nickname: d.nickname,
        headImageUrl: d.head_image_info?.head_image_url ?? "",
        signature: d.signature_info?.signature ?? "",
        principalType: d.principal_type,
        realnameStatus: d.realname_status,
        verify: {
          qualification: v?.qualification_verify ?? false,
          naming: v?.naming_verify ?? false,
          annualReview: v?.annual_review ?? false,
          endTime: v?.annual_review_end_time || undefined,
        },
      };
    },
    getCategories: (token) => withToken(ENDPOINTS.getCategory, token, undefined, categorySchema),
    async getAllCategories(token) {
      return (await withToken(ENDPOINTS.allCategories, token, undefined, allCategoriesSchema)).categories_list
        .categories;
    },
    async addCategory(token, first, second) {
      await withToken(ENDPOINTS.addCategory, token, { categories: [{ first, second, certicates: [] }] }, okSchema);
    },
    async getIcpStatus(token) {
      return (await withToken(ENDPOINTS.icpEntrance, token, undefined, icpSchema)).info;
    },
  };
}
