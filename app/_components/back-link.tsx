import Link from "next/link";
import { ChevronLeftIcon } from "./icons";

/** "‹ Back to …" above a detail page. */
export function BackLink({ href, children }: { href: string; children: React.ReactNode }) {
  return (
    <Link
      href={href}
      className="inline-flex w-fit items-center gap-1 text-sm font-medium text-slate-600 hover:text-slate-900"
    >
      <ChevronLeftIcon className="h-4 w-4" />
      {children}
    </Link>
  );
}
