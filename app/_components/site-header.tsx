import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { LanguageSwitch } from "./language-switch";

export interface SiteHeaderProps {
  homeHref: string;
  /** Which part of the portal this is, beside the product name (the staff console's "员工控制台 / Staff console"). */
  subtitle?: string;
  /** Who is signed in (the merchant's business name), under the product name on a phone. */
  meta?: React.ReactNode;
  actions?: React.ReactNode;
  /** The staff console is wider than the merchant pages. */
  wide?: boolean;
}

/** The bar at the top of every page: product (and which part of it), who is signed in, language, sign-in/out. */
export async function SiteHeader({ homeHref, subtitle, meta, actions, wide }: SiteHeaderProps) {
  const t = await getTranslations("site");
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className={`mx-auto flex ${wide ? "max-w-6xl" : "max-w-5xl"} items-center gap-3 px-4 py-2.5 sm:py-3`}>
        <div className="flex min-w-0 flex-1 flex-col sm:flex-row sm:items-center sm:gap-3">
          <Link href={homeHref} className="flex min-w-0 items-center gap-2 font-semibold text-slate-900">
            <svg aria-hidden="true" viewBox="0 0 32 32" className="h-7 w-7 shrink-0">
              <rect width="32" height="32" rx="8" fill="#07c160" />
              <path
                d="M13 8c-4.4 0-8 2.9-8 6.6 0 2.1 1.2 4 3 5.2l-.7 2.4 2.8-1.5c.9.3 1.9.4 2.9.4h.4a5.6 5.6 0 0 1-.2-1.5c0-3.6 3.4-6.5 7.7-6.5h.4C20.6 10.3 17.2 8 13 8Z"
                fill="#fff"
              />
              <path
                d="M21.1 14.3c-3.6 0-6.5 2.4-6.5 5.3s2.9 5.3 6.5 5.3c.8 0 1.5-.1 2.2-.3l2.2 1.2-.6-1.9c1.5-1 2.6-2.5 2.6-4.3 0-2.9-2.9-5.3-6.4-5.3Z"
                fill="#fff"
                opacity=".85"
              />
            </svg>
            <span className="flex min-w-0 flex-col sm:flex-row sm:items-baseline sm:gap-2">
              <span className="line-clamp-2 text-sm leading-tight sm:line-clamp-1 sm:text-base">
                {t("productName")}
              </span>
              {subtitle ? (
                <span
                  data-testid="site-subtitle"
                  className="text-xs font-medium whitespace-nowrap text-emerald-700 sm:text-sm"
                >
                  {subtitle}
                </span>
              ) : null}
            </span>
          </Link>
          {meta ? (
            <span className="min-w-0 truncate pl-9 text-xs text-slate-500 sm:max-w-xs sm:border-l sm:border-slate-200 sm:pl-3 sm:text-sm">
              {meta}
            </span>
          ) : null}
        </div>
        <div className="flex shrink-0 items-center gap-1 sm:gap-2">
          <LanguageSwitch />
          {actions}
        </div>
      </div>
    </header>
  );
}
