import { z } from "zod";
import { authorizerCredential, endpoint, type ApiCore, type BinaryAnswer, type Endpoint } from "./api-core";

/**
 * Code management (docs/wechat-protocol.md §11) over the single request path (`client.core`): the template library
 * with the component token (`access_token=` carries it, §11.0), everything else with the authorizer's token.
 * Schemas are tolerant (loose objects, optional fields, ids as number or string) because WeChat's pages disagree.
 */

const id = z.union([z.number(), z.string()]).transform((v) => Number(v));

const ENDPOINTS = {
  draftList: endpoint("GET /wxa/gettemplatedraftlist", { repeatable: true }),
  addToTemplate: endpoint("POST /wxa/addtotemplate", { repeatable: false }),
  templateList: endpoint("GET /wxa/gettemplatelist", { repeatable: true }),
  deleteTemplate: endpoint("POST /wxa/deletetemplate", { repeatable: true }),
  // Repeating a commit only replaces the 体验版 with the same code (and restarts the privacy check).
  commit: endpoint("POST /wxa/commit", { repeatable: true }),
  getPage: endpoint("GET /wxa/get_page", { repeatable: true }),
  getCategory: endpoint("GET /wxa/get_category", { repeatable: true }),
  getQrcode: endpoint("GET /wxa/get_qrcode", { repeatable: true, binary: true }),
  privacyInfo: endpoint("GET /wxa/security/get_code_privacy_info", { repeatable: true }),
  queryQuota: endpoint("GET /wxa/queryquota", { repeatable: true }),
  // One audit per submission: a lost answer is recovered by the caller (get_latest_auditstatus), never repeated here.
  submitAudit: endpoint("POST /wxa/submit_audit", { repeatable: false }),
  auditStatus: endpoint("POST /wxa/get_auditstatus", { repeatable: true }),
  latestAuditStatus: endpoint("GET /wxa/get_latest_auditstatus", { repeatable: true }),
  undoAudit: endpoint("GET /wxa/undocodeaudit", { repeatable: false }),
  speedupAudit: endpoint("POST /wxa/speedupaudit", { repeatable: false }),
  // A repeated release answers 85052 (already released), which callers treat as done.
  release: endpoint("POST /wxa/release", { repeatable: true }),
  revert: endpoint("GET /wxa/revertcoderelease", { repeatable: false }),
  historyVersions: endpoint("GET /wxa/revertcoderelease", { repeatable: true }),
  grayRelease: endpoint("POST /wxa/grayrelease", { repeatable: true }),
  grayPlan: endpoint("GET /wxa/getgrayreleaseplan", { repeatable: true }),
  revertGray: endpoint("GET /wxa/revertgrayrelease", { repeatable: true }),
  versionInfo: endpoint("POST /wxa/getversioninfo", { repeatable: true }),
} satisfies Record<string, Endpoint>;

const okSchema = z.looseObject({});

const draftSchema = z.looseObject({
  draft_id: id,
  user_version: z.string().default(""),
  user_desc: z.string().default(""),
  create_time: z.number().default(0),
  source_miniprogram: z.string().optional(),
  source_miniprogram_appid: z.string().optional(),
  developer: z.string().optional(),
});

const templateSchema = draftSchema.extend({
  template_id: id,
  template_type: z.number().default(0),
  draft_id: id.optional(),
});

export const latestAuditSchema = z.looseObject({
  auditid: id,
  status: z.number(),
  reason: z.string().optional(),
  // The doc's example spells ScreenShot, SDKs read screenshot (docs/wechat-protocol.md §11.4.4): accept both.
  ScreenShot: z.string().optional(),
  screenshot: z.string().optional(),
  user_version: z.string().optional(),
  user_desc: z.string().optional(),
  submit_audit_time: z.number().optional(),
});

export interface Draft {
  draftId: number;
  userVersion: string;
  userDesc: string;
  createTime: number;
  sourceMiniprogram?: string;
  developer?: string;
}

export interface Template extends Draft {
  templateId: number;
  templateType: number;
}

export interface AuditState {
  auditId: number;
  /** 0 approved, 1 rejected, 2 under review, 3 withdrawn, 4 delayed. */
  status: number;
  reason?: string;
  screenshots?: string;
  userVersion?: string;
  submitTime?: number;
}

export interface CommitInput {
  templateId: number;
  extJson: string;
  userVersion: string;
  userDesc: string;
}

function mapDraft(d: z.infer<typeof draftSchema>): Draft {
  return {
    draftId: d.draft_id,
    userVersion: d.user_version,
    userDesc: d.user_desc,
    createTime: d.create_time,
    sourceMiniprogram: d.source_miniprogram,
    developer: d.developer,
  };
}

export function createCodeClient(core: ApiCore) {
  const withAuthorizer = <S extends z.ZodType>(
    endpoint: Endpoint,
    token: string,
    schema: S,
    body?: object,
    query?: Record<string, string | number | undefined>,
  ) => core.request(endpoint, { body, query, credential: authorizerCredential(token) }, schema);
  const withComponent = <S extends z.ZodType>(
    endpoint: Endpoint,
    schema: S,
    body?: object,
    query?: Record<string, string | number | undefined>,
  ) => core.requestWithComponentToken(endpoint, { body, query }, schema, "access_token");

  return {
    async getTemplateDraftList(): Promise<Draft[]> {
      const data = await withComponent(
        ENDPOINTS.draftList,
        z.looseObject({ draft_list: z.array(draftSchema).default([]) }),
      );
      return data.draft_list.map(mapDraft);
    },
    async addToTemplate(draftId: number, templateType: 0 | 1 = 0): Promise<void> {
      await withComponent(ENDPOINTS.addToTemplate, okSchema, { draft_id: draftId, template_type: templateType });
    },
    async getTemplateList(templateType?: 0 | 1): Promise<Template[]> {
      const data = await withComponent(
        ENDPOINTS.templateList,
        z.looseObject({ template_list: z.array(templateSchema).default([]) }),
        undefined,
        { template_type: templateType },
      );
      return data.template_list.map((t) => ({
        ...mapDraft({ ...t, draft_id: t.draft_id ?? -1 }),
        templateId: t.template_id,
        templateType: t.template_type,
      }));
    },
    async deleteTemplate(templateId: number): Promise<void> {
      await withComponent(ENDPOINTS.deleteTemplate, okSchema, { template_id: templateId });
    },

    /** ext_json travels as a JSON-encoded string (docs/wechat-protocol.md §11.3.1). */
    async commit(token: string, input: CommitInput): Promise<void> {
      await withAuthorizer(ENDPOINTS.commit, token, okSchema, {
        template_id: input.templateId,
        ext_json: input.extJson,
        user_version: input.userVersion,
        user_desc: input.userDesc,
      });
    },
    async getPage(token: string): Promise<string[]> {
      return (
        await withAuthorizer(ENDPOINTS.getPage, token, z.looseObject({ page_list: z.array(z.string()).default([]) }))
      ).page_list;
    },
    async getCategory(token: string) {
      return (
        await withAuthorizer(
          ENDPOINTS.getCategory,
          token,
          z.looseObject({ category_list: z.array(z.looseObject({})).default([]) }),
        )
      ).category_list;
    },
    /** The 体验版 QR code image (bytes and content type). */
    getQrcode(token: string, path?: string): Promise<BinaryAnswer> {
      return core.requestBinary(ENDPOINTS.getQrcode, { query: { path }, credential: authorizerCredential(token) });
    },
    /** Throws 61039 while the privacy check of the last commit runs (docs/wechat-protocol.md §11.3.5). */
    async getCodePrivacyInfo(token: string) {
      const data = await withAuthorizer(
        ENDPOINTS.privacyInfo,
        token,
        z.looseObject({
          without_auth_list: z.array(z.string()).default([]),
          without_conf_list: z.array(z.string()).default([]),
        }),
      );
      return { withoutAuth: data.without_auth_list, withoutConf: data.without_conf_list };
    },
    async queryQuota(token: string) {
      const data = await withAuthorizer(
        ENDPOINTS.queryQuota,
        token,
        z.looseObject({
          rest: z.number(),
          limit: z.number(),
          speedup_rest: z.number().default(0),
          speedup_limit: z.number().default(0),
        }),
      );
      return { rest: data.rest, limit: data.limit, speedupRest: data.speedup_rest, speedupLimit: data.speedup_limit };
    },
    /** Never retried here (one audit per submission): see lib/releases for how a lost answer is recovered. */
    async submitAudit(token: string, body: { versionDesc?: string; privacyApiNotUse?: boolean } = {}): Promise<number> {
      const data = await withAuthorizer(ENDPOINTS.submitAudit, token, z.looseObject({ auditid: id }), {
        ...(body.versionDesc ? { version_desc: body.versionDesc } : {}),
        ...(body.privacyApiNotUse !== undefined ? { privacy_api_not_use: body.privacyApiNotUse } : {}),
      });
      return data.auditid;
    },
    async getAuditStatus(token: string, auditId: number): Promise<AuditState> {
      const d = await withAuthorizer(
        ENDPOINTS.auditStatus,
        token,
        z.looseObject({
          status: z.number(),
          reason: z.string().optional(),
          screenshot: z.string().optional(),
          ScreenShot: z.string().optional(),
        }),
        { auditid: auditId },
      );
      return {
        auditId,
        status: d.status,
        reason: d.reason || undefined,
        screenshots: d.screenshot || d.ScreenShot || undefined,
      };
    },
    /** 85058 when the account never submitted (observed, docs/wechat-protocol.md §11.4.4). */
    async getLatestAuditStatus(token: string): Promise<AuditState> {
      const d = await withAuthorizer(ENDPOINTS.latestAuditStatus, token, latestAuditSchema);
      return {
        auditId: d.auditid,
        status: d.status,
        reason: d.reason || undefined,
        screenshots: d.ScreenShot || d.screenshot || undefined,
        userVersion: d.user_version,
        submitTime: d.submit_audit_time,
      };
    },
    async undoCodeAudit(token: string): Promise<void> {
      await withAuthorizer(ENDPOINTS.undoAudit, token, okSchema);
    },
    async speedupAudit(token: string, auditId: number): Promise<void> {
      await withAuthorizer(ENDPOINTS.speedupAudit, token, okSchema, { auditid: auditId });
    },
    /** Body `{}` is required (44002 otherwise). */
    async release(token: string): Promise<void> {
      await withAuthorizer(ENDPOINTS.release, token, okSchema, {});
    },
    async revertCodeRelease(token: string, appVersion?: number): Promise<void> {
      await withAuthorizer(ENDPOINTS.revert, token, okSchema, undefined, { app_version: appVersion });
    },
    async getHistoryVersions(token: string) {
      const d = await withAuthorizer(
        ENDPOINTS.historyVersions,
        token,
        z.looseObject({
          version_list: z
            .array(
              z.looseObject({
                app_version: id,
                user_version: z.string().default(""),
                user_desc: z.string().default(""),
                commit_time: z.number().default(0),
              }),
            )
            .default([]),
        }),
        undefined,
        { action: "get_history_version" },
      );
      return d.version_list.map((v) => ({
        appVersion: v.app_version,
        userVersion: v.user_version,
        userDesc: v.user_desc,
        commitTime: v.commit_time,
      }));
    },
    async grayRelease(
      token: string,
      percentage: number,
      opts: { debugerFirst?: boolean; experiencerFirst?: boolean } = {},
    ) {
      await withAuthorizer(ENDPOINTS.grayRelease, token, okSchema, {
        gray_percentage: percentage,
        support_debuger_first: opts.debugerFirst ?? false,
        support_experiencer_first: opts.experiencerFirst ?? false,
      });
    },
    async getGrayReleasePlan(token: string) {
      const d = await withAuthorizer(
        ENDPOINTS.grayPlan,
        token,
        z.looseObject({
          gray_release_plan: z
            .looseObject({ status: z.number().default(0), gray_percentage: z.number().default(0) })
            .optional(),
        }),
      );
      return { status: d.gray_release_plan?.status ?? 0, percentage: d.gray_release_plan?.gray_percentage ?? 0 };
    },
    async revertGrayRelease(token: string): Promise<void> {
      await withAuthorizer(ENDPOINTS.revertGray, token, okSchema);
    },
    /** 体验版 and 线上版; either may be absent (docs/wechat-protocol.md §11.5.5). */
    async getVersionInfo(token: string) {
      const d = await withAuthorizer(
        ENDPOINTS.versionInfo,
        token,
        z.looseObject({
          exp_info: z
            .looseObject({
              exp_time: z.number().default(0),
              exp_version: z.string().default(""),
              exp_desc: z.string().default(""),
            })
            .optional(),
          release_info: z
            .looseObject({
              release_time: z.number().default(0),
              release_version: z.string().default(""),
              release_desc: z.string().default(""),
            })
            .optional(),
        }),
        {},
      );
      return {
        exp: d.exp_info
          ? { time: d.exp_info.exp_time, version: d.exp_info.exp_version, desc: d.exp_info.exp_desc }
          : undefined,
        release:
          d.release_info && d.release_info.release_version
            ? {
                time: d.release_info.release_time,
                version: d.release_info.release_version,
                desc: d.release_info.release_desc,
              }
            : undefined,
      };
    },
  };
}

export type CodeClient = ReturnType<typeof createCodeClient>;
