import { connection } from "next/server";
import { SignOutButton } from "@/app/_components/sign-out-button";
import { SiteHeader } from "@/app/_components/site-header";
import { currentUser } from "@/lib/auth/guards";
import { getI18n } from "@/lib/i18n";

/**
 * The merchant shell. It only decorates: each page and action checks who is calling itself, because layouts
 * don't re-run on navigation and Server Functions are reachable without them.
 */
export default async function MerchantLayout({ children }: Readonly<{ children: React.ReactNode }>) {
  await connection();
  const [{ lang, t }, user] = await Promise.all([getI18n(), currentUser()]);
  const merchantName = user?.merchantName;
  return (
    <div lang={lang === "en" ? "en" : undefined} className="flex min-h-screen flex-col">
      <SiteHeader
        lang={lang}
        productName={t.productName}
        languageLabel={t.languageSwitch}
        homeHref="/accounts"
        meta={merchantName ? <span data-testid="merchant-name">{merchantName}</span> : undefined}
        actions={user ? <SignOutButton label={t.header.signOut} /> : null}
      />
      <main className="mx-auto w-full max-w-5xl flex-1 px-4 py-6 sm:py-10">{children}</main>
    </div>
  );
}
