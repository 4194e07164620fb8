import type { ReactNode } from "react";

/**
 * A pulsing placeholder while a page or a section loads: a column of grey shapes (the children), marked busy, that
 * says `label` to screen readers. `className` adds the gap and any margin.
 */
export function Skeleton({
  label,
  className,
  testId,
  children,
}: {
  label: string;
  className: string;
  testId?: string;
  children: ReactNode;
}) {
  return (
    <div aria-busy="true" className={`flex animate-pulse flex-col ${className}`} data-testid={testId}>
      <span className="sr-only">{label}</span>
      {children}
    </div>
  );
}

/** The placeholder of a page's title and the sentence under it (the subtitle bar is `subtitleWidth` wide). */
export function SkeletonPageHeader({ subtitleWidth }: { subtitleWidth: string }) {
  return (
    <div>
      <div className="h-7 w-32 rounded bg-slate-200" />
      <div className={`mt-2 h-4 ${subtitleWidth} max-w-full rounded bg-slate-200`} />
    </div>
  );
}

/**
 * Two lines of text in a row of a list: a darker title bar and a lighter line under it (`title` and `line` give their
 * height and width), then `children` (badges...). It takes the room left beside the row's avatar or dot.
 */
export function SkeletonText({ title, line, children }: { title: string; line: string; children?: ReactNode }) {
  return (
    <div className="flex-1">
      <div className={`${title} rounded bg-slate-200`} />
      <div className={`mt-2 ${line} rounded bg-slate-100`} />
      {children}
    </div>
  );
}
