export interface WechatErrorProps {
  error: { code: string; zh: string; en: string };
}

/** WeChat's error page (weui "msg" page): a large warning icon, a title, the message in Chinese then English. */
export function WechatError({ error }: WechatErrorProps) {
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
        授权失败
        <span className="mt-1 block text-sm font-normal text-black/60">Authorization failed</span>
      </h1>
      <p
        data-testid="wechat-error-message"
        className="mt-4 max-w-md text-[15px] leading-relaxed break-words text-black/70"
      >
        {error.zh}
      </p>
      <p lang="en" className="mt-2 max-w-md text-[13px] leading-relaxed break-words text-black/60">
        {error.en}
      </p>
      <p className="mt-8 font-mono text-xs text-black/60">
        错误码 · code: <span data-testid="wechat-error-code">{error.code}</span>
      </p>
    </section>
  );
}
