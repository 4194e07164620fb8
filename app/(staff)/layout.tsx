import Link from "next/link";
import { connection } from "next/server";
import { getTranslations } from "next-intl/server";
import { SignOutButton } from "@/app/_components/sign-out-button";
import { SiteHeader } from "@/app/_components/site-header";
import { currentUser } from "@/lib/auth/guards";

/**
 * The staff shell. Like the merchant one it only decorates: every staff page, action and route handler calls
 * requireStaff() (or requireAdmin()) itself.
 */
export default async function StaffLayout({ children }: Readonly<{ children: React.ReactNode }>) {
  await connection();
  const [t, user, tr, tSetup] = await Promise.all([
    getTranslations("staff"),
    currentUser(),
    getTranslations("releases"),
    getTranslations("setup.ui"),
  ]);
  const staff = user && (user.role === "staff" || user.role === "admin") ? user : null;
  const links = [
    { href: "/staff", label: t("nav.overview") },
    { href: "/staff/authorizations", label: t("nav.authorizations") },
    { href: "/staff/releases", label: tr("nav") },
    { href: "/staff/audit", label: t("nav.audit") },
    { href: "/staff/operations", label: t("nav.operations") },
    { href: "/staff/setup", label: tSetup("nav") },
    ...(staff?.role === "admin" ? [{ href: "/staff/users", label: t("nav.users") }] : []),
  ];
  return (
    // The page's language is on <html> (app/layout.tsx).
    <div className="flex min-h-screen flex-col">
      <SiteHeader
        subtitle={t("consoleName")}
        homeHref="/staff"
        wide
        meta={
          staff ? (
            <span data-testid="staff-identity">
              {t("identity", { email: staff.email, role: t(`roles.${staff.role}`) })}
            </span>
          ) : undefined
        }
        actions={user ? <SignOutButton label={t("signOut")} /> : null}
      />
      {staff ? (
        <nav aria-label={t("consoleName")} className="border-b border-slate-200 bg-white">
          <ul className="mx-auto flex max-w-6xl gap-1 overflow-x-auto px-4 text-sm">
            {links.map((link) => (
              <li key={link.href}>
                <Link
                  href={link.href}
                  className="block px-3 py-2.5 whitespace-nowrap text-slate-600 hover:text-slate-900"
                >
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
