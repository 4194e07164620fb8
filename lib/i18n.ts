import "server-only";
import { cookies } from "next/headers";

/** The UI language: Chinese unless the merchant chose English (the `lang` cookie). */
export type Language = "zh" | "en";

export const LANGUAGE_COOKIE = "lang";
export const LANGUAGES: readonly Language[] = ["zh", "en"];

export function parseLanguage(value: unknown): Language {
  return value === "en" ? "en" : "zh";
}

export async function getLanguage(): Promise<Language> {
  return parseLanguage((await cookies()).get(LANGUAGE_COOKIE)?.value);
}

const zh = {
  productName: "微信授权接入门户",
  languageSwitch: "界面语言",
  header: {
    home: "首页",
    myAccounts: "我的账号",
    signIn: "登录",
    signUp: "注册",
    signOut: "退出登录",
  },
  login: {
    title: "登录",
    subtitle: "登录后管理已授权给平台的公众号和小程序。",
    email: "邮箱",
    password: "密码",
    submit: "登录",
    pending: "登录中…",
    noAccount: "还没有账号？",
    signUpLink: "注册",
  },
  signup: {
    title: "注册商家账号",
    subtitle: "注册后即可将公众号、小程序授权给我们的平台。",
    businessName: "企业名称",
    businessNameHint: "与营业执照上的名称一致",
    email: "邮箱",
    password: "密码",
    passwordHint: "至少 10 位",
    submit: "注册",
    pending: "注册中…",
    haveAccount: "已有账号？",
    signInLink: "登录",
  },
  authorize: {
    authorizeOfficialAccount: "授权公众号",
    authorizeMiniProgram: "授权小程序",
    reauthorize: "重新授权",
    device: "打开方式",
    deviceAuto: "自动",
    devicePc: "电脑扫码",
    deviceMobile: "手机微信内",
    deviceHint: "电脑上用微信扫码确认；在手机微信里打开本页时选“手机微信内”。",
    pending: "正在跳转到微信…",
  },
  accounts: {
    title: "我的账号",
    subtitle: "已授权给平台的公众号和小程序",
    addTitle: "授权新的账号",
    addHint: "需要账号管理员用微信确认授权。",
    emptyTitle: "还没有授权的账号",
    emptyBody:
      "授权后，平台可以代您的公众号或小程序处理消息、菜单、素材等日常运营。授权在微信官方页面完成，由账号管理员扫码确认；平台不会获得您的登录密码，您可以随时在微信公众平台取消授权。",
    emptySteps: ["选择要授权的账号类型", "在微信页面用管理员微信扫码并勾选权限", "回到本页查看授权结果"],
    loadingName: "资料获取中…",
    viewDetails: "查看详情",
  },
  kind: {
    official_account: "公众号",
    mini_program: "小程序",
    unknown: "类型待确认",
  },
  status: {
    authorized: "已授权",
    unauthorized: "已取消授权",
    needs_reauthorization: "需要重新授权",
  },
  review: {
    pending: "待审核",
    approved: "审核通过",
    rejected: "审核未通过",
    needs_info: "需补充资料",
    conflict: "有归属冲突，待人工审核",
  },
  account: {
    back: "返回我的账号",
    appId: "AppID",
    type: "类型",
    serviceType: "账号类型",
    userName: "原始ID",
    alias: "微信号",
    verify: "认证",
    principal: "主体",
    accountStatus: "账号状态",
    status: "授权状态",
    review: "审核状态",
    authorizedAt: "授权时间",
    revokedAt: "取消授权时间",
    profileUpdatedAt: "资料更新时间",
    notProvided: "—",
    permissionsTitle: "已授权的权限集",
    permissionsHint: "管理员在微信授权页勾选的权限集，共 {n} 项。",
    permissionsRevokedHint: "授权取消前的 {n} 项权限集，目前均已失效。",
    noPermissions: "当前没有已授权的权限集。",
    permissionUnknown: "未知",
    permissionUndocumented: "未公开",
    historyTitle: "授权记录",
    historyEmpty: "暂无记录。",
    historySource: {
      callback: "授权完成",
      authorized: "微信通知：授权成功",
      updateauthorized: "微信通知：授权已更新",
      unauthorized: "微信通知：已取消授权",
      reconcile: "与微信授权列表核对后更正",
    },
    historyPermissions: "{n} 项权限集",
    bannerAuthorizedTitle: "授权成功",
    bannerAuthorizedBody: "账号资料和权限集已从微信获取。",
    bannerRevokedTitle: "该账号已取消授权",
    bannerRevokedBody: "管理员已在微信中取消了对平台的授权，平台已无法代为管理。如需继续使用，请重新授权。",
    bannerReauthTitle: "需要重新授权",
    bannerReauthBody: "平台与该账号的授权已失效（例如权限被调整或凭证过期），请管理员重新授权。",
    bannerConflictTitle: "该账号已绑定其他商家",
    bannerConflictBody: "微信授权已完成，但该账号已属于平台上的另一个商家。工作人员会人工审核归属，审核完成前账号归属保持不变。",
    loadingProfile: "正在从微信获取账号资料，请稍后刷新页面。",
    reviewPanel: {
      title: "平台审核：{status}",
      status: {
        pending: "待审核",
        approved: "已通过",
        rejected: "未通过",
        needs_info: "需要补充信息",
        conflict: "归属待确认",
      },
      pendingBody: "平台工作人员会尽快审核该账号，结果和说明会显示在这里。",
      conflictBody: "该账号的归属正在人工审核，审核完成前账号归属保持不变。",
      note: "审核说明",
      reviewedAt: "审核时间",
      needsInfoHint: "请根据审核说明补充资料，平台会再次审核。",
    },
  },
  notices: {
    authorizedTitle: "授权成功",
    authorizedBody: "新授权的账号已出现在列表中。",
    conflictTitle: "该账号已绑定其他商家",
    conflictBody: "微信授权已完成，但该账号已属于平台上的另一个商家。工作人员会人工审核归属，结果会显示在这里。",
  },
  result: {
    title: {
      invalid_state: "链接无效或不属于当前账号",
      expired_state: "授权链接已过期",
      used_state: "该授权链接已使用",
      cancelled: "您已取消授权",
      code_invalid: "授权码无效",
      code_expired: "授权码已过期",
      code_mismatch: "授权码不属于这次授权",
      wrong_account: "授权的账号与要求的不一致",
      wechat_error: "微信返回了错误",
      unavailable: "暂时无法连接微信",
      unknown: "授权未完成",
    },
    body: {
      invalid_state: "这个授权链接无法识别，或是由另一个登录账号发起的。请在本页重新发起授权。",
      expired_state: "授权链接有效期为 30 分钟。请重新发起授权，并尽快在微信中完成确认。",
      used_state: "每个授权链接只能使用一次。如果账号已经授权成功，可以在“我的账号”中查看。",
      cancelled: "您在微信页面取消了授权，账号没有发生任何变化。需要时可以随时重新授权。",
      code_invalid: "微信返回的授权码无效，授权没有完成。请重新发起授权。",
      code_expired: "微信返回的授权码已过期，授权没有完成。请重新发起授权。",
      code_mismatch: "这个授权码属于另一次授权，没有关联任何账号。请在本页重新发起授权，并在微信中完成确认。",
      wrong_account: "这次是对指定账号重新授权，但微信中确认的是另一个账号，因此没有关联任何账号。请重新授权，并用要求的账号确认。",
      wechat_error: "微信在处理授权时返回了错误，授权没有完成。请稍后重新授权；如果反复出现，请联系我们并提供错误码。",
      unavailable: "平台暂时无法连接微信服务器，授权没有完成。请稍后重新授权。",
      unknown: "授权没有完成，请重新发起授权。",
    },
    errcode: "错误码",
    tryAgain: "重新授权",
    backToAccounts: "返回我的账号",
  },
  forwarding: {
    title: "消息转发",
    subtitle: "用户发给您公众号、小程序的消息和事件，由平台转发到您的服务器。",
    on: "已开启",
    off: "未开启",
    urlLabel: "接收地址（Webhook URL）",
    urlHint: "平台以 POST 发送 JSON，请在 5 秒内返回 2xx；失败会自动重试。留空并保存即停止转发。",
    save: "保存",
    saving: "保存中…",
    saved: "已保存，新的消息将转发到此地址。",
    turnedOff: "已停止转发。",
    invalidUrl: "请输入有效的 http(s) 地址。",
    httpsRequired: "请使用 https:// 开头的地址。",
    secretLabel: "签名密钥",
    secretHint: "用于校验请求头 webhook-signature（HMAC-SHA256，Standard Webhooks 格式）。请勿泄露。",
    showSecret: "显示密钥",
    noSecret: "保存接收地址后自动生成。",
    secretUnreadable: "签名密钥无法读取，已记录供运维排查；更换前消息无法转发。请点击“更换密钥”生成新密钥，并更新您的验签配置。",
    rotate: "更换密钥",
    rotating: "更换中…",
    secretRotated: "已更换密钥，旧密钥立即失效。",
    logTitle: "投递记录",
    accountLogTitle: "消息转发记录",
    logEmpty: "还没有投递记录。开启转发后，新消息会显示在这里。",
    logRetention: "投递记录保留 {days} 天。",
    statusLabel: { pending: "待投递", delivered: "已送达", failed: "已放弃" },
    attempts: "第 {n} 次尝试",
    nextAttempt: "下次重试：{time}",
    noAnswer: "无响应",
    redeliver: "重新投递",
    settingsLink: "转发设置",
  },
  errors: {
    forbiddenTitle: "无权访问此页面",
    forbiddenBody: "当前登录的账号没有访问此页面的权限。",
    notFoundTitle: "页面不存在",
    notFoundBody: "找不到您要访问的页面，链接可能有误或页面已被移除。",
    backHome: "返回首页",
  },
  home: {
    signedInAs: "已登录",
  },
};

export type Dictionary = typeof zh;

const en: Dictionary = {
  productName: "WeChat Onboarding Portal",
  languageSwitch: "Language",
  header: {
    home: "Home",
    myAccounts: "My accounts",
    signIn: "Sign in",
    signUp: "Sign up",
    signOut: "Sign out",
  },
  login: {
    title: "Sign in",
    subtitle: "Sign in to manage the Official Accounts and Mini Programs you have authorized.",
    email: "Email",
    password: "Password",
    submit: "Sign in",
    pending: "Signing in…",
    noAccount: "No account yet?",
    signUpLink: "Sign up",
  },
  signup: {
    title: "Create a merchant account",
    subtitle: "Then authorize your Official Accounts and Mini Programs to our platform.",
    businessName: "Business name",
    businessNameHint: "As on your business licence",
    email: "Email",
    password: "Password",
    passwordHint: "At least 10 characters",
    submit: "Sign up",
    pending: "Signing up…",
    haveAccount: "Already registered?",
    signInLink: "Sign in",
  },
  authorize: {
    authorizeOfficialAccount: "Authorize Official Account",
    authorizeMiniProgram: "Authorize Mini Program",
    reauthorize: "Authorize again",
    device: "Open on",
    deviceAuto: "Auto",
    devicePc: "Scan on PC",
    deviceMobile: "In WeChat",
    deviceHint: "On a computer, confirm by scanning the QR code with WeChat; choose “In WeChat” when this page is open in WeChat on your phone.",
    pending: "Opening WeChat…",
  },
  accounts: {
    title: "My accounts",
    subtitle: "Official Accounts and Mini Programs authorized to the platform",
    addTitle: "Authorize another account",
    addHint: "The account's administrator confirms in WeChat.",
    emptyTitle: "No authorized accounts yet",
    emptyBody:
      "Once authorized, the platform can run day-to-day operations for your Official Account or Mini Program: messages, menus, media and more. Authorization happens on WeChat's own page and is confirmed by the account administrator; the platform never sees your password, and you can cancel it at any time in the WeChat Official Accounts Platform.",
    emptySteps: [
      "Choose which kind of account to authorize",
      "On WeChat's page, scan with the administrator's WeChat and tick the permissions",
      "Come back here to see the result",
    ],
    loadingName: "Loading profile…",
    viewDetails: "Details",
  },
  kind: {
    official_account: "Official Account",
    mini_program: "Mini Program",
    unknown: "Type pending",
  },
  status: {
    authorized: "Authorized",
    unauthorized: "Authorization cancelled",
    needs_reauthorization: "Needs re-authorization",
  },
  review: {
    pending: "Pending review",
    approved: "Approved",
    rejected: "Rejected",
    needs_info: "More information needed",
    conflict: "Ownership conflict, under manual review",
  },
  account: {
    back: "Back to my accounts",
    appId: "AppID",
    type: "Type",
    serviceType: "Account type",
    userName: "Original ID",
    alias: "WeChat ID",
    verify: "Verification",
    principal: "Entity",
    accountStatus: "Account status",
    status: "Authorization",
    review: "Review",
    authorizedAt: "Authorized at",
    revokedAt: "Cancelled at",
    profileUpdatedAt: "Profile updated at",
    notProvided: "—",
    permissionsTitle: "Granted permission sets",
    permissionsHint: "The permission sets the administrator ticked on WeChat's page: {n} in total.",
    permissionsRevokedHint: "The {n} permission sets granted before the authorization was cancelled; none is in effect now.",
    noPermissions: "No permission sets are granted right now.",
    permissionUnknown: "Unknown",
    permissionUndocumented: "Undocumented",
    historyTitle: "Authorization history",
    historyEmpty: "Nothing yet.",
    historySource: {
      callback: "Authorization completed",
      authorized: "WeChat: authorized",
      updateauthorized: "WeChat: authorization updated",
      unauthorized: "WeChat: authorization cancelled",
      reconcile: "Corrected from WeChat's authorization list",
    },
    historyPermissions: "{n} permission sets",
    bannerAuthorizedTitle: "Authorized",
    bannerAuthorizedBody: "The account's profile and permission sets were fetched from WeChat.",
    bannerRevokedTitle: "This account's authorization was cancelled",
    bannerRevokedBody:
      "The administrator cancelled the platform's authorization in WeChat, so the platform can no longer manage it. Authorize again to continue.",
    bannerReauthTitle: "Re-authorization needed",
    bannerReauthBody:
      "The platform's authorization for this account no longer works (for example permissions changed or credentials expired). Ask the administrator to authorize again.",
    bannerConflictTitle: "This account belongs to another merchant",
    bannerConflictBody:
      "WeChat completed the authorization, but the account is already held by another merchant on the platform. Our staff will review who owns it; until then nothing changes.",
    loadingProfile: "Fetching the account profile from WeChat; refresh in a moment.",
    reviewPanel: {
      title: "Platform review: {status}",
      status: {
        pending: "pending",
        approved: "approved",
        rejected: "not approved",
        needs_info: "more information needed",
        conflict: "ownership being checked",
      },
      pendingBody: "Our staff will review this account soon; the outcome and any note will show here.",
      conflictBody: "Our staff are checking who owns this account; until then nothing changes.",
      note: "Note from the reviewer",
      reviewedAt: "Reviewed at",
      needsInfoHint: "Please provide what the note asks for; the platform will review the account again.",
    },
  },
  notices: {
    authorizedTitle: "Authorized",
    authorizedBody: "The newly authorized account now appears in the list.",
    conflictTitle: "This account belongs to another merchant",
    conflictBody:
      "WeChat completed the authorization, but the account is already held by another merchant on the platform. Our staff will review who owns it; the outcome will show here.",
  },
  result: {
    title: {
      invalid_state: "This link is invalid or belongs to another account",
      expired_state: "The authorization link has expired",
      used_state: "This authorization link was already used",
      cancelled: "You cancelled the authorization",
      code_invalid: "The authorization code is invalid",
      code_expired: "The authorization code has expired",
      code_mismatch: "This authorization code belongs to another attempt",
      wrong_account: "A different account was authorized",
      wechat_error: "WeChat returned an error",
      unavailable: "WeChat is unreachable right now",
      unknown: "Authorization not completed",
    },
    body: {
      invalid_state: "We can't recognise this authorization link, or it was started by another signed-in account. Start again from this portal.",
      expired_state: "Authorization links are valid for 30 minutes. Start again and confirm in WeChat promptly.",
      used_state: "Each authorization link works once. If the account was authorized, you'll find it under My accounts.",
      cancelled: "You cancelled on WeChat's page; nothing changed. You can authorize whenever you're ready.",
      code_invalid: "WeChat's authorization code was invalid, so authorization did not complete. Please start again.",
      code_expired: "WeChat's authorization code expired, so authorization did not complete. Please start again.",
      code_mismatch: "This authorization code belongs to another authorization attempt, so no account was added. Start again from this portal and confirm in WeChat.",
      wrong_account:
        "This was a re-authorization of one account, but another account was confirmed in WeChat, so nothing was added. Please re-authorize and confirm with the account asked for.",
      wechat_error:
        "WeChat returned an error while processing the authorization, so it did not complete. Try again later; if it keeps happening, contact us with the error code.",
      unavailable: "The platform can't reach WeChat's servers right now, so authorization did not complete. Please try again later.",
      unknown: "Authorization did not complete. Please start again.",
    },
    errcode: "Error code",
    tryAgain: "Try again",
    backToAccounts: "Back to my accounts",
  },
  forwarding: {
    title: "Message forwarding",
    subtitle: "Messages and events your users send to your Official Accounts and Mini Programs, forwarded to your server.",
    on: "On",
    off: "Off",
    urlLabel: "Webhook URL",
    urlHint: "We POST JSON; answer 2xx within 5 seconds. Failures are retried automatically. Save it empty to stop forwarding.",
    save: "Save",
    saving: "Saving…",
    saved: "Saved. New messages will be forwarded to this URL.",
    turnedOff: "Forwarding stopped.",
    invalidUrl: "Enter a valid http(s) URL.",
    httpsRequired: "Use an https:// URL.",
    secretLabel: "Signing secret",
    secretHint: "Verifies the webhook-signature header (HMAC-SHA256, Standard Webhooks format). Keep it private.",
    showSecret: "Show secret",
    noSecret: "Created when you save a URL.",
    secretUnreadable: "The signing secret cannot be read; this has been logged for the operators, and messages cannot be forwarded until it is replaced. Rotate the secret to create a new one, then update your verifier.",
    rotate: "Rotate secret",
    rotating: "Rotating…",
    secretRotated: "Secret rotated; the old one no longer verifies.",
    logTitle: "Deliveries",
    accountLogTitle: "Forwarded messages",
    logEmpty: "No deliveries yet. Once forwarding is on, new messages show up here.",
    logRetention: "Deliveries are kept for {days} days.",
    statusLabel: { pending: "Pending", delivered: "Delivered", failed: "Gave up" },
    attempts: "attempt {n}",
    nextAttempt: "next try: {time}",
    noAnswer: "no answer",
    redeliver: "Redeliver",
    settingsLink: "Forwarding settings",
  },
  errors: {
    forbiddenTitle: "You can't access this page",
    forbiddenBody: "The account you are signed in with does not have access to this page.",
    notFoundTitle: "Page not found",
    notFoundBody: "We couldn't find that page. The link may be wrong or the page was removed.",
    backHome: "Back to home",
  },
  home: {
    signedInAs: "Signed in",
  },
};

const DICTIONARIES: Record<Language, Dictionary> = { zh, en };

export function getDictionary(lang: Language): Dictionary {
  return DICTIONARIES[lang];
}

/** The language and its strings for the current request. */
export async function getI18n(): Promise<{ lang: Language; t: Dictionary }> {
  const lang = await getLanguage();
  return { lang, t: getDictionary(lang) };
}

export { format } from "./i18n-format";

const DATE_FORMATS: Record<Language, Intl.DateTimeFormat> = {
  zh: new Intl.DateTimeFormat("zh-CN", { timeZone: "Asia/Shanghai", dateStyle: "medium", timeStyle: "short" }),
  en: new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Shanghai", dateStyle: "medium", timeStyle: "short" }),
};

/** Times are shown in China Standard Time, whatever the server's zone. */
export function formatDateTime(value: Date | string | null | undefined, lang: Language): string | null {
  if (!value) return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : DATE_FORMATS[lang].format(date);
}
