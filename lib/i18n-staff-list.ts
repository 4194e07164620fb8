import "server-only";
import { getDictionary, getLanguage, type Language } from "@/lib/i18n";

/**
 * Strings of the staff authorization list (/staff/authorizations) and its CSV export. Chinese first; English
 * when the `lang` cookie says so. The CSV is always written in Chinese (`STAFF_LIST_DICTIONARIES.zh`).
 */
const zh = {
  title: "授权审核",
  subtitle: "商户授权给平台的公众号和小程序",
  search: {
    label: "搜索",
    placeholder: "名称、AppID、主体或原始ID",
    submit: "筛选",
    clear: "清除筛选",
  },
  filters: {
    legend: "筛选条件",
    status: "授权状态",
    review: "审核状态",
    kind: "类型",
    permission: "权限集",
    merchant: "商户",
    merchantPlaceholder: "商户 ID 或 unassigned",
    from: "授权日期从",
    to: "授权日期至",
    sort: "排序",
    any: "全部",
    officialAccountSets: "公众号权限集",
    miniProgramSets: "小程序权限集",
    merchantChip: "商户：{name}",
    unassignedChip: "商户：未分配",
    unknownMerchant: "未知商户",
    removeMerchant: "移除商户筛选",
  },
  sort: {
    updated: "最近变更在前",
    authorized: "授权时间（新→旧）",
  },
  // Account type and status read as on every other page (the merchant dictionary's words).
  kind: getDictionary("zh").kind,
  status: getDictionary("zh").status,
  review: {
    pending: "待审核",
    approved: "审核通过",
    rejected: "审核未通过",
    needs_info: "需补充资料",
    conflict: "归属冲突",
  },
  tokenHealth: {
    ok: "令牌正常",
    failing: "刷新失败",
    expired: "令牌过期",
    none: "无令牌",
  },
  tokenHealthHint: "令牌状态",
  events: {
    authorized: "授权成功",
    updateauthorized: "授权更新",
    unauthorized: "取消授权",
  } as Record<string, string>,
  count: "共 {n} 个授权",
  countCapped: "超过 {n} 个授权",
  page: "第 {n} 页",
  columns: {
    account: "账号",
    principal: "主体 / 商户",
    state: "状态",
    permissions: "权限集",
    times: "时间",
  },
  authorizedAt: "授权",
  updatedAt: "变更",
  lastEvent: "最近事件",
  noEvent: "暂无事件",
  merchant: "商户",
  unassigned: "未分配",
  filterByMerchant: "只看该商户",
  noPermissions: "无权限集",
  morePermissions: "+{n}",
  next: "下一页",
  first: "第一页",
  pagination: "分页",
  empty: {
    title: "没有符合条件的授权",
    body: "换个搜索词或筛选条件试试。",
    clear: "清除所有筛选",
  },
  export: "导出 CSV",
  exportHint: "按当前筛选条件导出全部结果",
  csv: {
    headers: ["AppID", "名称", "类型", "主体", "商户", "授权状态", "审核状态", "权限集", "授权时间", "最近变更"],
    listSeparator: "、",
  },
};

export type StaffListDictionary = typeof zh;

const en: StaffListDictionary = {
  title: "Authorizations",
  subtitle: "Official Accounts and Mini Programs merchants have authorized to the platform",
  search: {
    label: "Search",
    placeholder: "Name, AppID, principal or original ID",
    submit: "Filter",
    clear: "Clear filters",
  },
  filters: {
    legend: "Filters",
    status: "Authorization",
    review: "Review",
    kind: "Type",
    permission: "Permission set",
    merchant: "Merchant",
    merchantPlaceholder: "Merchant ID or unassigned",
    from: "Authorized from",
    to: "Authorized to",
    sort: "Sort",
    any: "All",
    officialAccountSets: "Official Account sets",
    miniProgramSets: "Mini Program sets",
    merchantChip: "Merchant: {name}",
    unassignedChip: "Merchant: unassigned",
    unknownMerchant: "unknown merchant",
    removeMerchant: "Remove merchant filter",
  },
  sort: {
    updated: "Latest change first",
    authorized: "Authorized (newest first)",
  },
  kind: getDictionary("en").kind,
  status: getDictionary("en").status,
  review: {
    pending: "Pending review",
    approved: "Approved",
    rejected: "Rejected",
    needs_info: "Needs info",
    conflict: "Ownership conflict",
  },
  tokenHealth: {
    ok: "Token OK",
    failing: "Refresh failing",
    expired: "Token expired",
    none: "No token",
  },
  tokenHealthHint: "Token",
  events: {
    authorized: "Authorized",
    updateauthorized: "Grant updated",
    unauthorized: "Revoked",
  },
  count: "{n} authorizations",
  countCapped: "More than {n} authorizations",
  page: "Page {n}",
  columns: {
    account: "Account",
    principal: "Principal / merchant",
    state: "State",
    permissions: "Permission sets",
    times: "Times",
  },
  authorizedAt: "Authorized",
  updatedAt: "Changed",
  lastEvent: "Last event",
  noEvent: "No events yet",
  merchant: "Merchant",
  unassigned: "Unassigned",
  filterByMerchant: "Only this merchant",
  noPermissions: "No permission sets",
  morePermissions: "+{n}",
  next: "Next page",
  first: "First page",
  pagination: "Pagination",
  empty: {
    title: "No authorizations match",
    body: "Try another search term or fewer filters.",
    clear: "Clear all filters",
  },
  export: "Export CSV",
  exportHint: "Every result of the current filters",
  csv: zh.csv,
};

export const STAFF_LIST_DICTIONARIES: Record<Language, StaffListDictionary> = { zh, en };

export async function getStaffListI18n(): Promise<{ lang: Language; l: StaffListDictionary }> {
  const lang = await getLanguage();
  return { lang, l: STAFF_LIST_DICTIONARIES[lang] };
}
