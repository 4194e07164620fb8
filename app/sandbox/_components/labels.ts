import type { AccountKind } from "@/lib/wechat/permissions";

export const AVATAR_COLOR: Record<AccountKind, string> = {
  official_account: "bg-wechat",
  mini_program: "bg-[#6467f0]",
};

/**
 * The half of a `{ zh, en }` data pair (WeChat's permission-set names, the sandbox's WeChat error texts) in the
 * reader's language (a next-intl locale).
 */
export function pick(pair: { zh: string; en: string }, locale: string): string {
  return locale === "en" ? pair.en : pair.zh;
}
