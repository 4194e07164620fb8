import type { ComponentProps, ReactNode } from "react";

/**
 * The white card every merchant and staff page is built from: a section labelled by its heading, with an optional
 * element beside the heading (a badge, a link). `dense` keeps the small padding on wide screens too.
 */
export function Panel({
  titleId,
  title,
  aside,
  dense = false,
  className,
  children,
  ...section
}: {
  titleId: string;
  title: ReactNode;
  aside?: ReactNode;
  dense?: boolean;
  children: ReactNode;
} & Omit<ComponentProps<"section">, "title" | "aria-labelledby">) {
  const heading = (
    <h2 id={titleId} className="text-base font-semibold text-slate-900">
      {title}
    </h2>
  );
  return (
    <section
      aria-labelledby={titleId}
      className={`rounded-2xl border border-slate-200 bg-white p-5 shadow-sm${dense ? "" : " sm:p-6"}${className ? ` ${className}` : ""}`}
      {...section}
    >
      {aside ? (
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          {heading}
          {aside}
        </div>
      ) : (
        heading
      )}
      {children}
    </section>
  );
}
