import Link from "next/link";
import type { ReactNode } from "react";
import { WechatLogo } from "./authorization-frame";

/** The heading of the sandbox's own pages (console, release test): title, links on the right. */
export function ConsoleHeader({
  title,
  children,
  links,
}: {
  title: string;
  /** The line under the title. */
  children: ReactNode;
  links: { href: string; label: string; testId?: string }[];
}) {
  return (
    <header className="flex flex-wrap items-center gap-3">
      <WechatLogo className="h-10 w-10" />
      <div className="min-w-0 flex-1">
        <h1 className="text-xl font-semibold sm:text-2xl">{title}</h1>
        <div className="text-sm text-slate-500">{children}</div>
      </div>
      {links.map((link) => (
        <Link
          key={link.href}
          href={link.href}
          className="text-sm text-wechat-dark hover:underline"
          data-testid={link.testId}
        >
          {link.label}
        </Link>
      ))}
    </header>
  );
}
