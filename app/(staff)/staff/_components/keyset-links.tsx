import Link from "next/link";

type PageLink = { href: string; label: string; testId: string };

/**
 * The paging under a newest-first staff list (the audit log, an account's timeline): back to the newest page once
 * paged, the next older page while there is one, and how many a page shows.
 */
export function KeysetLinks({
  newest,
  older,
  hint,
}: {
  newest: PageLink | null;
  older: PageLink | null;
  hint: string;
}) {
  return (
    <>
      {newest ? (
        <Link href={newest.href} data-testid={newest.testId} className="font-medium text-emerald-700 hover:underline">
          {newest.label}
        </Link>
      ) : null}
      {older ? (
        <Link
          href={older.href}
          data-testid={older.testId}
          className="inline-flex min-h-10 items-center rounded-lg px-3 font-medium text-slate-700 ring-1 ring-slate-300 ring-inset hover:bg-slate-50"
        >
          {older.label} →
        </Link>
      ) : null}
      <span className="text-xs text-slate-500 sm:ml-auto">{hint}</span>
    </>
  );
}
