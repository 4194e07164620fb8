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

/** A row maker for one account kind's permission sets: `(id, zh, en, mutex, flags?)`. */
function setsOf(accountKinds: AccountKind[]) {
  type Flags = Pick<PermissionSet, "legacy" | "unnamed">;
  return (id: number, zh: string, en: string, mutex: boolean | null, flags?: Flags): PermissionSet => ({
    id,
    zh,
    en,
    accountKinds,
    mutex,
    ...flags,
  });
}
const oa = setsOf(OA);
const mp = setsOf(MP);

function undocumented(id: number): PermissionSet {
  const zh = `未公开的权限集 #${id}（各来源均未收录）`;
  const en = `Undocumented permission set #${id} (not found in any source)`;
  return mp(id, zh, en, null, { unnamed: true });
}

/** The sets WeChat's push debug tool uses, one per kind of account it pushes for (docs/wechat-protocol.md §5.1, §5.2). */
function pushDebugSet(id: number, accountKinds: AccountKind[], zhTarget: string, enTarget: string): PermissionSet {
  const zh = `代${zhTarget}消息推送（推送调试工具使用）`;
  const en = `Message push on behalf of ${enTarget} (used by the push debug tool)`;
  return setsOf(accountKinds)(id, zh, en, null, { unnamed: true });
}

/** Permission sets (权限集) reported as func_info[].funcscope_category.id (docs/wechat-protocol.md §5.1 and §5.2). */
export const PERMISSION_SETS: readonly PermissionSet[] = [
  // Official Account sets (§5.1)
  oa(1, "消息管理", "Message management", false),
  oa(2, "用户管理", "User management", false),
  oa(3, "账号服务", "Account services", false),
  oa(4, "网页服务", "Web (H5) services", true),
  oa(5, "微信小店", "WeChat Store", false),
  oa(6, "微信多客服", "Multi-agent customer service", false),
  oa(7, "群发与通知", "Mass messaging and notifications", false),
  oa(8, "微信卡券", "Cards and coupons", false),
  oa(9, "微信扫一扫", "Scan", false),
  oa(10, "微信连WIFI", "Wi-Fi", false),
  oa(11, "素材管理", "Media management", false),
  oa(12, "微信摇周边", "Shake nearby", false),
  oa(13, "微信门店", "Stores (POI)", false),
  oa(14, "微信支付", "WeChat Pay", null, { legacy: true }),
  oa(15, "菜单管理", "Custom menu", false),
  oa(16, "获取认证状态及信息", "Verification status", null, { legacy: true }),
  oa(22, "城市服务", "City services", false),
  oa(23, "广告管理", "Ads management", false),
  oa(24, "开放平台账号管理", "Open-platform account binding", true),
  oa(26, "微信电子发票", "E-invoice", false),
  oa(27, "快速注册小程序", "Fast-register mini programs", false),
  oa(33, "小程序关联管理", "Linked mini programs", false),
  oa(34, "微信商品库管理", "Product library", true),
  oa(35, "微信卡路里", "Calorie", null, { legacy: true }),
  oa(44, "好物圈", "Good-goods circle", false),
  oa(46, "微信一物一码", "One-item-one-code", false),
  oa(47, "微信财政电子票据", "Fiscal e-receipts", false),
  oa(54, "服务号对话管理", "Service account conversations", true),
  oa(66, "微信服务市场管理", "Service market", false),
  oa(89, "服务号订阅通知", "Subscription notices", false),
  oa(113, "就医助手", "Medical assistant", false),
  oa(121, "公众号购物订单", "Shopping orders", null),
  pushDebugSet(172, OA, "公众号", "official accounts"),

  // Mini Program sets (§5.2)
  mp(17, "获取小程序码", "Mini program codes", false),
  mp(18, "小程序开发与数据分析", "Code management and analytics", true),
  mp(19, "小程序客服管理", "Customer-service messages", false),
  mp(20, "微信登录权限", "Login", null, { legacy: true }),
  mp(21, "数据分析权限", "Analytics", null, { legacy: true }),
  mp(25, "开放平台账号管理", "Open-platform account binding", true),
  mp(30, "小程序基本信息管理", "Basic information", false),
  mp(31, "小程序认证名称检测", "Verification name check", false),
  mp(36, "微信卡路里", "Calorie", null),
  mp(37, "附近的小程序管理", "Nearby mini programs", false),
  mp(40, "小程序插件管理", "Plugins", true),
  mp(41, "好物圈管理", "Good-goods circle", true),
  mp(45, "微信物流服务", "Logistics", true),
  mp(48, "微信财政电子票据管理", "Fiscal e-receipts", false),
  mp(49, "小程序云开发管理", "Cloud development", true),
  mp(51, "小程序即时配送", "Instant delivery", true),
  mp(52, "小程序直播管理", "Live streaming", false),
  mp(57, "页面推送权限", "Page push", null),
  mp(65, "小程序广告管理", "Ads", false),
  mp(67, "微信服务市场管理", "Service market", false),
  mp(70, "标准版交易组件商品管理", "Standard trade component: products", false),
  mp(71, "标准版交易组件订单物流与售后管理", "Standard trade component: orders, logistics and after-sales", false),
  mp(73, "标准版交易组件接入", "Standard trade component onboarding", true),
  mp(76, "小程序违规与交易投诉管理", "Violations and complaints", true),
  mp(81, "试用小程序快速认证", "Trial mini program fast verification", true),
  mp(84, "标准版交易组件优惠券管理", "Standard trade component: coupons", false),
  mp(85, "自定义版交易组件管理", "Custom trade component", null),
  mp(86, "小商店装修", "Store decoration", null),
  mp(88, "小程序链接管理", "URL schemes and links", null),
  mp(93, "小程序联盟管理（推客）", "Affiliate union", null),
  mp(99, "云开发短信服务", "Cloud SMS", null),
  mp(102, "云开发微信支付", "Cloud payments", null),
  mp(104, "标准版组件资金链路", "Standard trade component: funds", null),
  mp(105, "城市服务", "City services", null),
  mp(107, "连接器电商场景接入", "Connector e-commerce", null),
  mp(112, "红包封面管理", "Red-packet covers", null),
  mp(115, "内测中的权限集（未公开）", "Permission set in beta (undocumented)", null, { unnamed: true }),
  mp(116, "获取自定义版交易组件数据", "Custom trade component data", null),
  mp(117, "小程序图像处理", "Image processing", null),
  mp(118, "硬件服务", "Hardware", null),
  mp(119, "小程序支付管理服务", "Payment management", null),
  mp(120, "小程序购物订单", "Shopping orders", null),
  undocumented(125),
  undocumented(127),
  mp(129, "视频号小店商品管理", "Channels shop: products", null),
  mp(130, "视频号小店物流管理", "Channels shop: logistics", null),
  mp(131, "视频号小店订单与售后管理", "Channels shop: orders and after-sales", null),
  mp(132, "视频号小店优惠券管理", "Channels shop: coupons", null),
  mp(133, "视频号商品橱窗管理", "Channels showcase", null),
  mp(135, "流量主代运营", "Ad revenue operated on behalf", null),
  undocumented(137),
  mp(138, "视频号小店资金管理", "Channels shop: funds", null),
  mp(139, "小程序运费险", "Freight insurance", null),
  mp(140, "小程序推广员", "Promoters", null),
  mp(141, "视频号小店优选联盟", "Channels shop: affiliate", null),
  mp(142, "小程序发货管理服务", "Shipping information management", null),
  mp(144, "微信学生身份验证", "Student verification", null),
  mp(151, "小程序交易保障", "Trade guarantee", null),
  mp(153, "微短剧小程序资源管理", "Short-drama media", null),
  mp(156, "小程序备案服务", "ICP filing", null),
  mp(157, "小程序虚拟支付管理", "Virtual payments", null),
  mp(159, "视频号电子面单管理", "Channels e-waybills", null),
  mp(161, "微信客服管理", "WeChat customer service (Kf)", null),
  pushDebugSet(171, MP, "小程序", "mini programs"),
  pushDebugSet(173, MP, "小游戏", "mini games"),
  pushDebugSet(174, MP, "视频号", "Channels"),
  mp(175, "微信小店", "WeChat Shop", null),
  mp(182, "小程序订单管理服务", "Order management", null),
  mp(185, "小程序管理微信小店会员", "WeChat Shop membership", null),
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
