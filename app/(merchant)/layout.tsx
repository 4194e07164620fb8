import { connection } from "next/server";
import { SignOutButton } from "@/app/_components/sign-out-button";
import { SiteHeader } from "@/app/_components/site-header";
import { currentUser } from "@/lib/auth/guards";
import { getTranslations } from "next-intl/server";

/**
 * The merchant shell. It only decorates: each page and action checks who is calling itself, because layouts
 * don't re-run on navigation and Server Functions are reachable without them.
 */
export default async function MerchantLayout({ children }: Readonly<{ children: React.ReactNode }>) {
  await connection();
  const [t, user] = await Promise.all([getTranslations("site.header"), currentUser()]);
  const merchantName = user?.merchantName;
  return (
    <div className="flex min-h-screen flex-col">
      <SiteHeader
        homeHref="/accounts"
        meta={merchantName ? <span data-testid="merchant-name">{merchantName}</span> : undefined}
        actions={user ? <SignOutButton label={t("signOut")} /> : null}
      />
      <main className="mx-auto w-full max-w-5xl flex-1 px-4 py-6 sm:py-10">{children}</main>
    </div>
  );
}
