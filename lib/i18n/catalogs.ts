import enAccounts from "@/messages/en/accounts.json";
import enAuth from "@/messages/en/auth.json";
import enAuthorize from "@/messages/en/authorize.json";
import enCharts from "@/messages/en/charts.json";
import enCommon from "@/messages/en/common.json";
import enErrors from "@/messages/en/errors.json";
import enForwarding from "@/messages/en/forwarding.json";
import enHome from "@/messages/en/home.json";
import enJobs from "@/messages/en/jobs.json";
import enSite from "@/messages/en/site.json";
import enWechatErrors from "@/messages/en/wechatErrors.json";
import zhAccounts from "@/messages/zh-CN/accounts.json";
import zhAuth from "@/messages/zh-CN/auth.json";
import zhAuthorize from "@/messages/zh-CN/authorize.json";
import enAudit from "@/messages/en/audit.json";
import enInvite from "@/messages/en/invite.json";
import enStaff from "@/messages/en/staff.json";
import enStaffDetail from "@/messages/en/staffDetail.json";
import enStaffList from "@/messages/en/staffList.json";
import enStaffOps from "@/messages/en/staffOps.json";
import enStaffUsers from "@/messages/en/staffUsers.json";
import enReleases from "@/messages/en/releases.json";
import enSetup from "@/messages/en/setup.json";
import enRegistration from "@/messages/en/registration.json";
import enSandbox from "@/messages/en/sandbox.json";
import zhCharts from "@/messages/zh-CN/charts.json";
import zhCommon from "@/messages/zh-CN/common.json";
import zhErrors from "@/messages/zh-CN/errors.json";
import zhForwarding from "@/messages/zh-CN/forwarding.json";
import zhHome from "@/messages/zh-CN/home.json";
import zhJobs from "@/messages/zh-CN/jobs.json";
import zhSite from "@/messages/zh-CN/site.json";
import zhWechatErrors from "@/messages/zh-CN/wechatErrors.json";
import zhAudit from "@/messages/zh-CN/audit.json";
import zhInvite from "@/messages/zh-CN/invite.json";
import zhStaff from "@/messages/zh-CN/staff.json";
import zhStaffDetail from "@/messages/zh-CN/staffDetail.json";
import zhStaffList from "@/messages/zh-CN/staffList.json";
import zhStaffOps from "@/messages/zh-CN/staffOps.json";
import zhStaffUsers from "@/messages/zh-CN/staffUsers.json";
import zhReleases from "@/messages/zh-CN/releases.json";
import zhSetup from "@/messages/zh-CN/setup.json";
import zhRegistration from "@/messages/zh-CN/registration.json";
import zhSandbox from "@/messages/zh-CN/sandbox.json";
import type { Locale } from "./config";

/**
 * The message catalogs: one JSON file per area and language (`messages/<locale>/<area>.json`), assembled here under
 * the area's name, so `t("jobs.status.running")` reads `messages/<locale>/jobs.json` → `status.running`. A new area
 * is two files and one line per language below; tests/unit/messages.test.ts checks that both languages have the
 * same areas, keys and placeholders.
 */
export const CATALOGS = {
  "zh-CN": {
    accounts: zhAccounts,
    auth: zhAuth,
    authorize: zhAuthorize,
    charts: zhCharts,
    common: zhCommon,
    errors: zhErrors,
    forwarding: zhForwarding,
    home: zhHome,
    jobs: zhJobs,
    site: zhSite,
    wechatErrors: zhWechatErrors,
    audit: zhAudit,
    invite: zhInvite,
    staff: zhStaff,
    staffDetail: zhStaffDetail,
    staffList: zhStaffList,
    staffOps: zhStaffOps,
    staffUsers: zhStaffUsers,
    releases: zhReleases,
    setup: zhSetup,
    registration: zhRegistration,
    sandbox: zhSandbox,
  },
  en: {
    accounts: enAccounts,
    auth: enAuth,
    authorize: enAuthorize,
    charts: enCharts,
    common: enCommon,
    errors: enErrors,
    forwarding: enForwarding,
    home: enHome,
    jobs: enJobs,
    site: enSite,
    wechatErrors: enWechatErrors,
    audit: enAudit,
    invite: enInvite,
    staff: enStaff,
    staffDetail: enStaffDetail,
    staffList: enStaffList,
    staffOps: enStaffOps,
    staffUsers: enStaffUsers,
    releases: enReleases,
    setup: enSetup,
    registration: enRegistration,
    sandbox: enSandbox,
  },
} satisfies Record<Locale, Record<string, unknown>>;

export type Messages = (typeof CATALOGS)["zh-CN"];
