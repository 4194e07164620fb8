/** A page's title and the sentence under it, at the top of merchant and staff pages; `children` go below them. */
export function PageHeader({
  title,
  subtitle,
  className,
  children,
}: {
  title: string;
  subtitle: string;
  className?: string;
  children?: React.ReactNode;
}) {
  return (
    <div className={className}>
      <h1 className="text-2xl font-semibold text-slate-900">{title}</h1>
      <p className="mt-1 text-sm text-slate-600">{subtitle}</p>
      {children}
    </div>
  );
}
