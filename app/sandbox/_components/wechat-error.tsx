"use client";

import { useLocale, useTranslations } from "next-intl";
import { pick } from "./labels";

export interface WechatErrorProps {
  error: { code: string; zh: string; en: string };
}

/** WeChat's error page (weui "msg" page): a large warning icon, a title, the message in the reader's language. */
export function WechatError({ error }: WechatErrorProps) {
  const t = useTranslations("sandbox.wechatError");
  const locale = useLocale();
  return (
    <section
      data-testid="wechat-error"
      data-error-code={error.code}
      aria-labelledby="wechat-error-title"
      className="flex flex-col items-center px-6 py-12 text-center sm:py-16"
    >
      <svg aria-hidden="true" viewBox="0 0 64 64" className="h-16 w-16">
        <circle cx="32" cy="32" r="32" fill="#fa5151" />
        <rect x="29" y="14" width="6" height="24" rx="3" fill="#fff" />
        <circle cx="32" cy="47" r="3.5" fill="#fff" />
      </svg>
      <h1 id="wechat-error-title" className="mt-6 text-[22px] font-medium text-black/90">
        {t("title")}
      </h1>
      <p
        data-testid="wechat-error-message"
        className="mt-4 max-w-md text-[15px] leading-relaxed break-words text-black/70"
      >
        {pick(error, locale)}
      </p>
      <p className="mt-8 font-mono text-xs text-black/60">
        {t("code")}
        <span data-testid="wechat-error-code">{error.code}</span>
      </p>
    </section>
  );
}
