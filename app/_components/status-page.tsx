import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { SiteHeader } from "./site-header";

type StatusKind = "forbidden" | "notFound";

/** The body of a 403/404: a code, a title, a sentence and a way back. */
export async function StatusPanel({ kind, back }: { kind: StatusKind; back?: { href: string; label: string } }) {
  const t = await getTranslations("site.status");
  const title = kind === "forbidden" ? t("forbiddenTitle") : t("notFoundTitle");
  const body = kind === "forbidden" ? t("forbiddenBody") : t("notFoundBody");
  const link = back ?? { href: "/", label: t("backHome") };
  return (
    <div className="mx-auto flex w-full max-w-lg flex-col items-center px-4 py-12 text-center sm:py-20">
      <p className="font-mono text-sm font-semibold text-emerald-700">{kind === "forbidden" ? 403 : 404}</p>
      <h1 data-testid="status-title" className="mt-2 text-2xl font-semibold text-slate-900">
        {title}
      </h1>
      <p className="mt-3 text-sm leading-relaxed text-slate-600">{body}</p>
      <Link
        href={link.href}
        className="mt-8 inline-flex min-h-11 items-center rounded-lg bg-emerald-600 px-5 text-sm font-semibold text-white shadow-sm hover:bg-emerald-700"
      >
        {link.label}
      </Link>
    </div>
  );
}

/** A whole 403/404 page, for routes without a shell of their own (only the root layout above them). */
export async function StatusPage({ kind }: { kind: StatusKind }) {
  return (
    <div className="flex min-h-screen flex-col">
      <SiteHeader homeHref="/" />
      <main className="flex-1">
        <StatusPanel kind={kind} />
      </main>
    </div>
  );
}
