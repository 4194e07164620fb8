export type AccountKind = "official_account" | "mini_program";

export interface PermissionSet {
  id: number;
  zh: string;
  en: string;
  accountKinds: AccountKind[];
  /** true: only one third-party platform may hold it at a time; null: not documented. */
  mutex: boolean | null;
  /** Listed in older documentation only. */
  legacy?: boolean;
  /** No source names this set; zh/en describe what docs/wechat-protocol.md §5 notes about it. */
  unnamed?: boolean;
}

export interface Description {
  id: number;
  zh: string;
  en: string;
  known: boolean;
}

const OA: AccountKind[] = ["official_account"];
const MP: AccountKind[] = ["mini_program"];

function undocumented(id: number): PermissionSet {
  return {
    id,
    zh: `未公开的权限集 #${id}（各来源均未收录）`,
    en: `Undocumented permission set #${id} (not found in any source)`,
    accountKinds: MP,
    mutex: null,
    unnamed: true,
  };
}

/** Permission sets (权限集) reported as func_info[].funcscope_category.id (docs/wechat-protocol.md §5.1 and §5.2). */
export const PERMISSION_SETS: readonly PermissionSet[] = [
  // Official Account sets (§5.1)
  { id: 1, zh: "消息管理", en: "Message management", accountKinds: OA, mutex: false },
  { id: 2, zh: "用户管理", en: "User management", accountKinds: OA, mutex: false },
  { id: 3, zh: "账号服务", en: "Account services", accountKinds: OA, mutex: false },
  { id: 4, zh: "网页服务", en: "Web (H5) services", accountKinds: OA, mutex: true },
  { id: 5, zh: "微信小店", en: "WeChat Store", accountKinds: OA, mutex: false },
  { id: 6, zh: "微信多客服", en: "Multi-agent customer service", accountKinds: OA, mutex: false },
  { id: 7, zh: "群发与通知", en: "Mass messaging and notifications", accountKinds: OA, mutex: false },
  { id: 8, zh: "微信卡券", en: "Cards and coupons", accountKinds: OA, mutex: false },
  { id: 9, zh: "微信扫一扫", en: "Scan", accountKinds: OA, mutex: false },
  { id: 10, zh: "微信连WIFI", en: "Wi-Fi", accountKinds: OA, mutex: false },
  { id: 11, zh: "素材管理", en: "Media management", accountKinds: OA, mutex: false },
  { id: 12, zh: "微信摇周边", en: "Shake nearby", accountKinds: OA, mutex: false },
  { id: 13, zh: "微信门店", en: "Stores (POI)", accountKinds: OA, mutex: false },
  { id: 14, zh: "微信支付", en: "WeChat Pay", accountKinds: OA, mutex: null, legacy: true },
  { id: 15, zh: "菜单管理", en: "Custom menu", accountKinds: OA, mutex: false },
  { id: 16, zh: "获取认证状态及信息", en: "Verification status", accountKinds: OA, mutex: null, legacy: true },
  { id: 22, zh: "城市服务", en: "City services", accountKinds: OA, mutex: false },
  { id: 23, zh: "广告管理", en: "Ads management", accountKinds: OA, mutex: false },
  { id: 24, zh: "开放平台账号管理", en: "Open-platform account binding", accountKinds: OA, mutex: true },
  { id: 26, zh: "微信电子发票", en: "E-invoice", accountKinds: OA, mutex: false },
  { id: 27, zh: "快速注册小程序", en: "Fast-register mini programs", accountKinds: OA, mutex: false },
  { id: 33, zh: "小程序关联管理", en: "Linked mini programs", accountKinds: OA, mutex: false },
  { id: 34, zh: "微信商品库管理", en: "Product library", accountKinds: OA, mutex: true },
  { id: 35, zh: "微信卡路里", en: "Calorie", accountKinds: OA, mutex: null, legacy: true },
  { id: 44, zh: "好物圈", en: "Good-goods circle", accountKinds: OA, mutex: false },
  { id: 46, zh: "微信一物一码", en: "One-item-one-code", accountKinds: OA, mutex: false },
  { id: 47, zh: "微信财政电子票据", en: "Fiscal e-receipts", accountKinds: OA, mutex: false },
  { id: 54, zh: "服务号对话管理", en: "Service account conversations", accountKinds: OA, mutex: true },
  { id: 66, zh: "微信服务市场管理", en: "Service market", accountKinds: OA, mutex: false },
  { id: 89, zh: "服务号订阅通知", en: "Subscription notices", accountKinds: OA, mutex: false },
  { id: 113, zh: "就医助手", en: "Medical assistant", accountKinds: OA, mutex: false },
  { id: 121, zh: "公众号购物订单", en: "Shopping orders", accountKinds: OA, mutex: null },
  {
    id: 172,
    zh: "代公众号消息推送（推送调试工具使用）",
    en: "Message push on behalf of official accounts (used by the push debug tool)",
    accountKinds: OA,
    mutex: null,
    unnamed: true,
  },

  // Mini Program sets (§5.2)
  { id: 17, zh: "获取小程序码", en: "Mini program codes", accountKinds: MP, mutex: false },
  { id: 18, zh: "小程序开发与数据分析", en: "Code management and analytics", accountKinds: MP, mutex: true },
  { id: 19, zh: "小程序客服管理", en: "Customer-service messages", accountKinds: MP, mutex: false },
  { id: 20, zh: "微信登录权限", en: "Login", accountKinds: MP, mutex: null, legacy: true },
  { id: 21, zh: "数据分析权限", en: "Analytics", accountKinds: MP, mutex: null, legacy: true },
  { id: 25, zh: "开放平台账号管理", en: "Open-platform account binding", accountKinds: MP, mutex: true },
  { id: 30, zh: "小程序基本信息管理", en: "Basic information", accountKinds: MP, mutex: false },
  { id: 31, zh: "小程序认证名称检测", en: "Verification name check", accountKinds: MP, mutex: false },
  { id: 36, zh: "微信卡路里", en: "Calorie", accountKinds: MP, mutex: null },
  { id: 37, zh: "附近的小程序管理", en: "Nearby mini programs", accountKinds: MP, mutex: false },
  { id: 40, zh: "小程序插件管理", en: "Plugins", accountKinds: MP, mutex: true },
  { id: 41, zh: "好物圈管理", en: "Good-goods circle", accountKinds: MP, mutex: true },
  { id: 45, zh: "微信物流服务", en: "Logistics", accountKinds: MP, mutex: true },
  { id: 48, zh: "微信财政电子票据管理", en: "Fiscal e-receipts", accountKinds: MP, mutex: false },
  { id: 49, zh: "小程序云开发管理", en: "Cloud development", accountKinds: MP, mutex: true },
  { id: 51, zh: "小程序即时配送", en: "Instant delivery", accountKinds: MP, mutex: true },
  { id: 52, zh: "小程序直播管理", en: "Live streaming", accountKinds: MP, mutex: false },
  { id: 57, zh: "页面推送权限", en: "Page push", accountKinds: MP, mutex: null },
  { id: 65, zh: "小程序广告管理", en: "Ads", accountKinds: MP, mutex: false },
  { id: 67, zh: "微信服务市场管理", en: "Service market", accountKinds: MP, mutex: false },
  { id: 70, zh: "标准版交易组件商品管理", en: "Standard trade component: products", accountKinds: MP, mutex: false },
  {
    id: 71,
    zh: "标准版交易组件订单物流与售后管理",
    en: "Standard trade component: orders, logistics and after-sales",
    accountKinds: MP,
    mutex: false,
  },
  { id: 73, zh: "标准版交易组件接入", en: "Standard trade component onboarding", accountKinds: MP, mutex: true },
  { id: 76, zh: "小程序违规与交易投诉管理", en: "Violations and complaints", accountKinds: MP, mutex: true },
  { id: 81, zh: "试用小程序快速认证", en: "Trial mini program fast verification", accountKinds: MP, mutex: true },
  { id: 84, zh: "标准版交易组件优惠券管理", en: "Standard trade component: coupons", accountKinds: MP, mutex: false },
  { id: 85, zh: "自定义版交易组件管理", en: "Custom trade component", accountKinds: MP, mutex: null },
  { id: 86, zh: "小商店装修", en: "Store decoration", accountKinds: MP, mutex: null },
  { id: 88, zh: "小程序链接管理", en: "URL schemes and links", accountKinds: MP, mutex: null },
  { id: 93, zh: "小程序联盟管理（推客）", en: "Affiliate union", accountKinds: MP, mutex: null },
  { id: 99, zh: "云开发短信服务", en: "Cloud SMS", accountKinds: MP, mutex: null },
  { id: 102, zh: "云开发微信支付", en: "Cloud payments", accountKinds: MP, mutex: null },
  { id: 104, zh: "标准版组件资金链路", en: "Standard trade component: funds", accountKinds: MP, mutex: null },
  { id: 105, zh: "城市服务", en: "City services", accountKinds: MP, mutex: null },
  { id: 107, zh: "连接器电商场景接入", en: "Connector e-commerce", accountKinds: MP, mutex: null },
  { id: 112, zh: "红包封面管理", en: "Red-packet covers", accountKinds: MP, mutex: null },
  {
    id: 115,
    zh: "内测中的权限集（未公开）",
    en: "Permission set in beta (undocumented)",
    accountKinds: MP,
    mutex: null,
    unnamed: true,
  },
  { id: 116, zh: "获取自定义版交易组件数据", en: "Custom trade component data", accountKinds: MP, mutex: null },
  { id: 117, zh: "小程序图像处理", en: "Image processing", accountKinds: MP, mutex: null },
  { id: 118, zh: "硬件服务", en: "Hardware", accountKinds: MP, mutex: null },
  { id: 119, zh: "小程序支付管理服务", en: "Payment management", accountKinds: MP, mutex: null },
  { id: 120, zh: "小程序购物订单", en: "Shopping orders", accountKinds: MP, mutex: null },
  undocumented(125),
  undocumented(127),
  { id: 129, zh: "视频号小店商品管理", en: "Channels shop: products", accountKinds: MP, mutex: null },
  { id: 130, zh: "视频号小店物流管理", en: "Channels shop: logistics", accountKinds: MP, mutex: null },
  {
    id: 131,
    zh: "视频号小店订单与售后管理",
    en: "Channels shop: orders and after-sales",
    accountKinds: MP,
    mutex: null,
  },
  { id: 132, zh: "视频号小店优惠券管理", en: "Channels shop: coupons", accountKinds: MP, mutex: null },
  { id: 133, zh: "视频号商品橱窗管理", en: "Channels showcase", accountKinds: MP, mutex: null },
  { id: 135, zh: "流量主代运营", en: "Ad revenue operated on behalf", accountKinds: MP, mutex: null },
  undocumented(137),
  { id: 138, zh: "视频号小店资金管理", en: "Channels shop: funds", accountKinds: MP, mutex: null },
  { id: 139, zh: "小程序运费险", en: "Freight insurance", accountKinds: MP, mutex: null },
  { id: 140, zh: "小程序推广员", en: "Promoters", accountKinds: MP, mutex: null },
  { id: 141, zh: "视频号小店优选联盟", en: "Channels shop: affiliate", accountKinds: MP, mutex: null },
  { id: 142, zh: "小程序发货管理服务", en: "Shipping information management", accountKinds: MP, mutex: null },
  { id: 144, zh: "微信学生身份验证", en: "Student verification", accountKinds: MP, mutex: null },
  { id: 151, zh: "小程序交易保障", en: "Trade guarantee", accountKinds: MP, mutex: null },
  { id: 153, zh: "微短剧小程序资源管理", en: "Short-drama media", accountKinds: MP, mutex: null },
  { id: 156, zh: "小程序备案服务", en: "ICP filing", accountKinds: MP, mutex: null },
  { id: 157, zh: "小程序虚拟支付管理", en: "Virtual payments", accountKinds: MP, mutex: null },
  { id: 159, zh: "视频号电子面单管理", en: "Channels e-waybills", accountKinds: MP, mutex: null },
  { id: 161, zh: "微信客服管理", en: "WeChat customer service (Kf)", accountKinds: MP, mutex: null },
  {
    id: 171,
    zh: "代小程序消息推送（推送调试工具使用）",
    en: "Message push on behalf of mini programs (used by the push debug tool)",
    accountKinds: MP,
    mutex: null,
    unnamed: true,
  },
  {
    id: 173,
    zh: "代小游戏消息推送（推送调试工具使用）",
    en: "Message push on behalf of mini games (used by the push debug tool)",
    accountKinds: MP,
    mutex: null,
    unnamed: true,
  },
  {
    id: 174,
    zh: "代视频号消息推送（推送调试工具使用）",
    en: "Message push on behalf of Channels (used by the push debug tool)",
    accountKinds: MP,
    mutex: null,
    unnamed: true,
  },
  { id: 175, zh: "微信小店", en: "WeChat Shop", accountKinds: MP, mutex: null },
  { id: 182, zh: "小程序订单管理服务", en: "Order management", accountKinds: MP, mutex: null },
  { id: 185, zh: "小程序管理微信小店会员", en: "WeChat Shop membership", accountKinds: MP, mutex: null },
];

const PERMISSION_SETS_BY_ID = new Map(PERMISSION_SETS.map((set) => [set.id, set]));

export function getPermissionSet(id: number): PermissionSet | undefined {
  return PERMISSION_SETS_BY_ID.get(id);
}

/** Never drops an id: a set we have never heard of is still shown to the merchant, as "unknown". */
export function describePermission(id: number): Description {
  const set = PERMISSION_SETS_BY_ID.get(id);
  if (!set) return { id, zh: `未知权限集 #${id}`, en: `Unknown permission set #${id}`, known: false };
  return { id, zh: set.zh, en: set.en, known: !set.unnamed };
}

interface Label {
  zh: string;
  en: string;
}

function describeFrom(table: ReadonlyMap<number, Label>, id: number, unknown: Label): Description {
  const label = table.get(id);
  return label ? { id, ...label, known: true } : { id, ...unknown, known: false };
}

/** service_type_info.id; its meaning depends on the account kind (docs/wechat-protocol.md §5.4). */
export const SERVICE_TYPES: Readonly<Record<AccountKind, ReadonlyMap<number, Label>>> = {
  official_account: new Map([
    [0, { zh: "订阅号", en: "Subscription account" }],
    [1, { zh: "由历史老账号升级后的订阅号", en: "Subscription account upgraded from a legacy account" }],
    [2, { zh: "服务号", en: "Service account" }],
  ]),
  mini_program: new Map([
    [0, { zh: "普通小程序", en: "Mini program" }],
    [2, { zh: "门店小程序", en: "Store mini program" }],
    [3, { zh: "门店小程序", en: "Store mini program" }],
    [4, { zh: "小游戏", en: "Mini game" }],
    [10, { zh: "小商店", en: "Mini shop" }],
    [12, { zh: "试用小程序", en: "Trial mini program" }],
  ]),
};

/** verify_type_info.id (docs/wechat-protocol.md §5.4). */
export const VERIFY_TYPES: ReadonlyMap<number, Label> = new Map([
  [-1, { zh: "未认证", en: "Not verified" }],
  [0, { zh: "微信认证", en: "WeChat verified" }],
  [1, { zh: "新浪微博认证", en: "Sina Weibo verified" }],
  [2, { zh: "腾讯微博认证", en: "Tencent Weibo verified" }],
  [3, { zh: "已资质认证，名称未认证", en: "Qualification verified, name not yet verified" }],
  [
    4,
    {
      zh: "已资质认证，名称未认证，但通过了新浪微博认证",
      en: "Qualification verified, name not yet verified, Sina Weibo verified",
    },
  ],
  [
    5,
    {
      zh: "已资质认证，名称未认证，但通过了腾讯微博认证",
      en: "Qualification verified, name not yet verified, Tencent Weibo verified",
    },
  ],
]);

/** account_status (docs/wechat-protocol.md §5.4). */
export const ACCOUNT_STATUSES: ReadonlyMap<number, Label> = new Map([
  [1, { zh: "正常", en: "Normal" }],
  [14, { zh: "已注销", en: "Cancelled" }],
  [16, { zh: "已封禁", en: "Banned" }],
  [18, { zh: "已告警", en: "Warned" }],
  [19, { zh: "已冻结", en: "Frozen" }],
]);

export function describeServiceType(kind: AccountKind, id: number): Description {
  return describeFrom(SERVICE_TYPES[kind], id, { zh: `未知账号类型 #${id}`, en: `Unknown account type #${id}` });
}

export function describeVerifyType(id: number): Description {
  return describeFrom(VERIFY_TYPES, id, { zh: `未知认证类型 #${id}`, en: `Unknown verification type #${id}` });
}

export function describeAccountStatus(id: number): Description {
  return describeFrom(ACCOUNT_STATUSES, id, { zh: `未知账号状态 #${id}`, en: `Unknown account status #${id}` });
}
