import { SiteHeader } from "@/app/_components/site-header";
import { getI18n } from "@/lib/i18n";

export default async function AuthLayout({ children }: Readonly<{ children: React.ReactNode }>) {
  const { lang, t } = await getI18n();
  return (
    <div lang={lang === "en" ? "en" : undefined} className="flex min-h-screen flex-col">
      <SiteHeader lang={lang} productName={t.productName} languageLabel={t.languageSwitch} homeHref="/" />
      <main className="mx-auto w-full max-w-md flex-1 px-4 py-8 sm:py-14">{children}</main>
    </div>
  );
}
