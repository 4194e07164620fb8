import "server-only";
import { getLanguage, type Language } from "@/lib/i18n";

/**
 * Strings of the staff console (Chinese first, English available), kept apart from the merchant dictionary.
 * Each area of the console has its own section.
 */
const zh = {
  consoleName: "员工控制台",
  nav: {
    overview: "概览",
    authorizations: "授权审核",
    audit: "审计日志",
    operations: "运维",
    users: "员工管理",
  },
  roles: { staff: "员工", admin: "管理员", merchant: "商户" },
};

export type StaffDictionary = typeof zh;

const en: StaffDictionary = {
  consoleName: "Staff console",
  nav: {
    overview: "Overview",
    authorizations: "Authorizations",
    audit: "Audit log",
    operations: "Operations",
    users: "Staff",
  },
  roles: { staff: "Staff", admin: "Admin", merchant: "Merchant" },
};

export async function getStaffI18n(): Promise<{ lang: Language; s: StaffDictionary }> {
  const lang = await getLanguage();
  return { lang, s: lang === "en" ? en : zh };
}
