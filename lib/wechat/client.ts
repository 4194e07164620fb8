import { z } from "zod";
import {
  createApiCore,
  endpoint,
  wechatErrorEnvelopeSchema,
  type ApiCore,
  type ApiCoreOptions,
  type Credential,
  type Endpoint,
} from "./api-core";
import type { AccountKind } from "./permissions";

export { wechatErrorEnvelopeSchema, type WechatErrorEnvelope } from "./api-core";

// Wire schemas are loose objects: WeChat adds fields over time and unknown keys must not break us.

export const componentAccessTokenResponseSchema = z.looseObject({
  component_access_token: z.string().min(1),
  expires_in: z.number(),
});

export const startPushTicketResponseSchema = z.looseObject({
  errmsg: z.string().optional(),
});

export const preAuthCodeResponseSchema = z.looseObject({
  pre_auth_code: z.string().min(1),
  expires_in: z.number(),
});

export const funcInfoSchema = z.looseObject({
  funcscope_category: z.looseObject({ id: z.number() }),
  confirm_info: z
    .looseObject({
      need_confirm: z.number(),
      already_confirm: z.number(),
      can_confirm: z.number(),
    })
    .optional(),
});

export const queryAuthResponseSchema = z.looseObject({
  authorization_info: z.looseObject({
    authorizer_appid: z.string().min(1),
    authorizer_access_token: z.string().optional(),
    expires_in: z.number().optional(),
    authorizer_refresh_token: z.string().optional(),
    func_info: z.array(funcInfoSchema).default([]),
  }),
});

export const authorizerTokenResponseSchema = z.looseObject({
  authorizer_access_token: z.string().min(1),
  expires_in: z.number(),
  authorizer_refresh_token: z.string().min(1),
});

const idObjectSchema = z.looseObject({ id: z.number() });

export const authorizerInfoResponseSchema = z.looseObject({
  authorizer_info: z.looseObject({
    nick_name: z.string(),
    head_img: z.string().optional(),
    service_type_info: idObjectSchema,
    verify_type_info: idObjectSchema,
    user_name: z.string(),
    principal_name: z.string().optional(),
    alias: z.string().optional(),
    qrcode_url: z.string().optional(),
    account_status: z.number().optional(),
    business_info: z
      .looseObject({
        open_store: z.number().optional(),
        open_scan: z.number().optional(),
        open_pay: z.number().optional(),
        open_card: z.number().optional(),
        open_shake: z.number().optional(),
      })
      .optional(),
    signature: z.string().optional(),
    MiniProgramInfo: z.looseObject({}).optional(),
    register_type: z.number().optional(),
    // SDKs disagree on the key style (docs/wechat-protocol.md §3.6), so both are accepted.
    basic_config: z
      .looseObject({
        is_phone_configured: z.boolean().optional(),
        is_email_configured: z.boolean().optional(),
        isPhoneConfigured: z.boolean().optional(),
        isEmailConfigured: z.boolean().optional(),
      })
      .optional(),
  }),
  authorization_info: z
    .looseObject({
      authorizer_appid: z.string().optional(),
      appid: z.string().optional(),
      authorizer_refresh_token: z.string().optional(),
      func_info: z.array(funcInfoSchema).default([]),
    })
    .transform(({ authorizer_appid, appid, ...rest }, ctx) => {
      // Very old docs named the field `appid`.
      const authorizerAppId = authorizer_appid ?? appid;
      if (authorizerAppId === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["authorizer_appid"],
          message: "authorizer_appid (or appid) is required",
        });
        return z.NEVER;
      }
      return { ...rest, authorizer_appid: authorizerAppId };
    }),
});

export const authorizerListResponseSchema = z.looseObject({
  total_count: z.number(),
  list: z
    .array(
      z.looseObject({
        authorizer_appid: z.string().min(1),
        refresh_token: z.string().nullish(),
        auth_time: z.number(),
      }),
    )
    .default([]),
});

export type ComponentAccessTokenResponse = z.infer<typeof componentAccessTokenResponseSchema>;
export type PreAuthCodeResponse = z.infer<typeof preAuthCodeResponseSchema>;
export type FuncInfoWire = z.infer<typeof funcInfoSchema>;
export type QueryAuthResponse = z.infer<typeof queryAuthResponseSchema>;
export type AuthorizerTokenResponse = z.infer<typeof authorizerTokenResponseSchema>;
export type AuthorizerInfoResponse = z.infer<typeof authorizerInfoResponseSchema>;
export type AuthorizerListResponse = z.infer<typeof authorizerListResponseSchema>;

export interface ComponentAccessToken {
  accessToken: string;
  expiresIn: number;
}

export interface PreAuthCode {
  preAuthCode: string;
  expiresIn: number;
}

export interface ConfirmInfo {
  needConfirm: boolean;
  alreadyConfirm: boolean;
  canConfirm: boolean;
}

export interface FuncInfo {
  id: number;
  confirmInfo?: ConfirmInfo;
}

export interface AuthorizationInfo {
  authorizerAppId: string;
  accessToken?: string;
  expiresIn?: number;
  refreshToken?: string;
  funcInfo: FuncInfo[];
}

export interface AuthorizerToken {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
}

export interface BusinessInfo {
  openStore: boolean;
  openScan: boolean;
  openPay: boolean;
  openCard: boolean;
  openShake: boolean;
}

export interface AuthorizerInfo {
  kind: AccountKind;
  /** Absent while the account has no name yet (a mini program just made by fast registration answers ""). */
  nickName?: string;
  headImg?: string;
  serviceTypeId: number;
  verifyTypeId: number;
  /** The original id (`gh_…`). */
  userName: string;
  principalName?: string;
  alias?: string;
  qrcodeUrl?: string;
  accountStatus?: number;
  businessInfo: BusinessInfo;
  signature?: string;
  registerType?: number;
  basicConfig?: { isPhoneConfigured?: boolean; isEmailConfigured?: boolean };
  authorization: {
    authorizerAppId: string;
    refreshToken?: string;
    funcInfo: FuncInfo[];
  };
}

export interface AuthorizerListItem {
  authorizerAppId: string;
  /** Empty when the authorizer's code was never exchanged: the merchant must update the authorization. */
  refreshToken: string;
  authTime: number;
}

export interface AuthorizerList {
  totalCount: number;
  list: AuthorizerListItem[];
}

function mapFuncInfo(wire: FuncInfoWire[]): FuncInfo[] {
  return wire.map(({ funcscope_category, confirm_info }) =>
    confirm_info
      ? {
          id: funcscope_category.id,
          confirmInfo: {
            needConfirm: confirm_info.need_confirm === 1,
            alreadyConfirm: confirm_info.already_confirm === 1,
            canConfirm: confirm_info.can_confirm === 1,
          },
        }
      : { id: funcscope_category.id },
  );
}

function mapAuthorizerInfo({
  authorizer_info: info,
  authorization_info: auth,
}: AuthorizerInfoResponse): AuthorizerInfo {
  const business = info.business_info;
  const basic = info.basic_config;
  return {
    // Only mini programs carry MiniProgramInfo (docs/wechat-protocol.md §3.6).
    kind: info.MiniProgramInfo ? "mini_program" : "official_account",
    nickName: info.nick_name || undefined,
    headImg: info.head_img,
    serviceTypeId: info.service_type_info.id,
    verifyTypeId: info.verify_type_info.id,
    userName: info.user_name,
    principalName: info.principal_name,
    alias: info.alias,
    qrcodeUrl: info.qrcode_url,
    accountStatus: info.account_status,
    businessInfo: {
      openStore: business?.open_store === 1,
      openScan: business?.open_scan === 1,
      openPay: business?.open_pay === 1,
      openCard: business?.open_card === 1,
      openShake: business?.open_shake === 1,
    },
    signature: info.signature,
    registerType: info.register_type,
    basicConfig: basic && {
      isPhoneConfigured: basic.is_phone_configured ?? basic.isPhoneConfigured,
      isEmailConfigured: basic.is_email_configured ?? basic.isEmailConfigured,
    },
    authorization: {
      authorizerAppId: auth.authorizer_appid,
      refreshToken: auth.authorizer_refresh_token,
      funcInfo: mapFuncInfo(auth.func_info),
    },
  };
}

export interface ComponentClientOptions extends Omit<ApiCoreOptions, "baseUrl"> {
  /** e.g. https://api.weixin.qq.com or http://127.0.0.1:3000/sandbox */
  baseUrl: string;
  componentAppId: string;
  componentAppSecret: string;
}

export interface ComponentClient {
  /** The request path every WeChat API module shares (code management, setup, fast registration). */
  readonly core: ApiCore;
  getComponentAccessToken(ticket: string): Promise<ComponentAccessToken>;
  startPushTicket(): Promise<{ message: string }>;
  createPreAuthCode(): Promise<PreAuthCode>;
  queryAuth(authorizationCode: string): Promise<AuthorizationInfo>;
  refreshAuthorizerToken(authorizerAppId: string, refreshToken: string): Promise<AuthorizerToken>;
  getAuthorizerInfo(authorizerAppId: string): Promise<AuthorizerInfo>;
  getAuthorizerList(offset: number, count: number): Promise<AuthorizerList>;
  listAllAuthorizers(pageSize?: number): AsyncGenerator<AuthorizerListItem, void, undefined>;
  sendCustomTextMessage(authorizerAccessToken: string, toUser: string, content: string): Promise<void>;
}

export const MAX_AUTHORIZER_LIST_COUNT = 500;

const ENDPOINTS = {
  componentToken: endpoint("POST /cgi-bin/component/api_component_token", { repeatable: true }),
  startPushTicket: endpoint("POST /cgi-bin/component/api_start_push_ticket", { repeatable: true }),
  preAuthCode: endpoint("POST /cgi-bin/component/api_create_preauthcode", { repeatable: true }),
  queryAuth: endpoint("POST /cgi-bin/component/api_query_auth", { repeatable: false }),
  authorizerToken: endpoint("POST /cgi-bin/component/api_authorizer_token", { repeatable: true }),
  authorizerInfo: endpoint("POST /cgi-bin/component/api_get_authorizer_info", { repeatable: true }),
  authorizerList: endpoint("POST /cgi-bin/component/api_get_authorizer_list", { repeatable: true }),
  customSend: endpoint("POST /cgi-bin/message/custom/send", { repeatable: false }),
} satisfies Record<string, Endpoint>;

export function createComponentClient(options: ComponentClientOptions): ComponentClient {
  const appId = options.componentAppId;
  const core = createApiCore(options);
  const call = <S extends z.ZodType>(endpoint: Endpoint, body: object, schema: S, credential?: Credential) =>
    core.request(endpoint, { body, credential }, schema);
  const callWithComponentToken = <S extends z.ZodType>(endpoint: Endpoint, body: object, schema: S) =>
    core.requestWithComponentToken(endpoint, { body }, schema);

  async function getAuthorizerList(offset: number, count: number): Promise<AuthorizerList> {
    if (!Number.isInteger(offset) || offset < 0) {
      throw new RangeError(`getAuthorizerList: offset must be a non-negative integer, got ${offset}`);
    }
    if (!Number.isInteger(count) || count < 1 || count > MAX_AUTHORIZER_LIST_COUNT) {
      throw new RangeError(
        `getAuthorizerList: count must be an integer from 1 to ${MAX_AUTHORIZER_LIST_COUNT}, got ${count}`,
      );
    }
    const data = await callWithComponentToken(
      ENDPOINTS.authorizerList,
      { component_appid: appId, offset, count },
      authorizerListResponseSchema,
    );
    return {
      totalCount: data.total_count,
      list: data.list.map((item) => ({
        authorizerAppId: item.authorizer_appid,
        refreshToken: item.refresh_token ?? "",
        authTime: item.auth_time,
      })),
    };
  }

  return {
    core,

    async getComponentAccessToken(ticket) {
      const data = await call(
        ENDPOINTS.componentToken,
        {
          component_appid: appId,
          component_appsecret: options.componentAppSecret,
          component_verify_ticket: ticket,
        },
        componentAccessTokenResponseSchema,
      );
      return { accessToken: data.component_access_token, expiresIn: data.expires_in };
    },

    async startPushTicket() {
      const data = await call(
        ENDPOINTS.startPushTicket,
        // This endpoint names the secret `component_secret`, unlike api_component_token.
        { component_appid: appId, component_secret: options.componentAppSecret },
        startPushTicketResponseSchema,
      );
      return { message: data.errmsg ?? "ok" };
    },

    async createPreAuthCode() {
      const data = await callWithComponentToken(
        ENDPOINTS.preAuthCode,
        { component_appid: appId },
        preAuthCodeResponseSchema,
      );
      return { preAuthCode: data.pre_auth_code, expiresIn: data.expires_in };
    },

    async queryAuth(authorizationCode) {
      const { authorization_info: info } = await callWithComponentToken(
        ENDPOINTS.queryAuth,
        { component_appid: appId, authorization_code: authorizationCode },
        queryAuthResponseSchema,
      );
      return {
        authorizerAppId: info.authorizer_appid,
        accessToken: info.authorizer_access_token,
        expiresIn: info.expires_in,
        refreshToken: info.authorizer_refresh_token,
        funcInfo: mapFuncInfo(info.func_info),
      };
    },

    async refreshAuthorizerToken(authorizerAppId, refreshToken) {
      const data = await callWithComponentToken(
        ENDPOINTS.authorizerToken,
        { component_appid: appId, authorizer_appid: authorizerAppId, authorizer_refresh_token: refreshToken },
        authorizerTokenResponseSchema,
      );
      return {
        accessToken: data.authorizer_access_token,
        expiresIn: data.expires_in,
        refreshToken: data.authorizer_refresh_token,
      };
    },

    async getAuthorizerInfo(authorizerAppId) {
      const data = await callWithComponentToken(
        ENDPOINTS.authorizerInfo,
        { component_appid: appId, authorizer_appid: authorizerAppId },
        authorizerInfoResponseSchema,
      );
      return mapAuthorizerInfo(data);
    },

    getAuthorizerList,

    /** docs/wechat-protocol.md §3.7: page with offset += count until offset ≥ total_count. */
    async *listAllAuthorizers(pageSize = MAX_AUTHORIZER_LIST_COUNT) {
      for (let offset = 0; ; offset += pageSize) {
        const page = await getAuthorizerList(offset, pageSize);
        yield* page.list;
        if (offset + pageSize >= page.totalCount) return;
      }
    },

    async sendCustomTextMessage(authorizerAccessToken, toUser, content) {
      // The authorizer token belongs to the caller, which decides how to refresh it on 40001.
      await call(
        ENDPOINTS.customSend,
        { touser: toUser, msgtype: "text", text: { content } },
        wechatErrorEnvelopeSchema,
        { param: "access_token", value: authorizerAccessToken },
      );
    },
  };
}
