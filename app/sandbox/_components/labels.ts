import type { AccountKind } from "@/lib/wechat/permissions";

export const KIND_LABEL: Record<AccountKind, { zh: string; en: string }> = {
  official_account: { zh: "公众号", en: "Official Account" },
  mini_program: { zh: "小程序", en: "Mini Program" },
};

export const AVATAR_COLOR: Record<AccountKind, string> = {
  official_account: "bg-wechat",
  mini_program: "bg-[#6467f0]",
};

/** The sandbox console's time format: China Standard Time, 24-hour; "—" when there is none. */
export function formatTime(value: Date | string | null | undefined): string {
  if (!value) return "—";
  return new Date(value).toLocaleString("zh-CN", { hour12: false, timeZone: "Asia/Shanghai" });
}
