import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { connection } from "next/server";
import { SignOutButton } from "@/app/_components/sign-out-button";
import { SiteHeader } from "@/app/_components/site-header";
import { currentUser } from "@/lib/auth/guards";
import { getI18n } from "@/lib/i18n";
import { getStaffI18n } from "@/lib/i18n-staff";

/**
 * The staff shell. Like the merchant one it only decorates: every staff page, action and route handler calls
 * requireStaff() (or requireAdmin()) itself.
 */
export default async function StaffLayout({ children }: Readonly<{ children: React.ReactNode }>) {
  await connection();
  const [{ lang, t }, { s }, user, tSetup] = await Promise.all([getI18n(), getStaffI18n(), currentUser(), getTranslations("setup.ui")]);
  const staff = user && (user.role === "staff" || user.role === "admin") ? user : null;
  const links = [
    { href: "/staff", label: s.nav.overview },
    { href: "/staff/authorizations", label: s.nav.authorizations },
    { href: "/staff/audit", label: s.nav.audit },
    { href: "/staff/operations", label: s.nav.operations },
    { href: "/staff/setup", label: tSetup("nav") },
    ...(staff?.role === "admin" ? [{ href: "/staff/users", label: s.nav.users }] : []),
  ];
  return (
    <div lang={lang === "en" ? "en" : undefined} className="flex min-h-screen flex-col">
      <SiteHeader
        lang={lang}
        productName={`${t.productName} · ${s.consoleName}`}
        languageLabel={t.languageSwitch}
        homeHref="/staff"
        wide
        meta={staff ? <span data-testid="staff-identity">{`${staff.email} · ${s.roles[staff.role]}`}</span> : undefined}
        actions={
          user ? (
            <SignOutButton label={t.header.signOut} />
          ) : null
        }
      />
      {staff ? (
        <nav aria-label={s.consoleName} className="border-b border-slate-200 bg-white">
          <ul className="mx-auto flex max-w-6xl gap-1 overflow-x-auto px-4 text-sm">
            {links.map((link) => (
              <li key={link.href}>
                <Link href={link.href} className="block px-3 py-2.5 whitespace-nowrap text-slate-600 hover:text-slate-900">
                  {link.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      <main className="mx-auto w-full max-w-6xl flex-1 px-4 py-6 sm:py-8">{children}</main>
    </div>
  );
}
