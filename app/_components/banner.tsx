export type BannerTone = "success" | "warning" | "neutral" | "error";

const TONES: Record<BannerTone, string> = {
  success: "border-emerald-200 bg-emerald-50 text-emerald-900",
  warning: "border-amber-300 bg-amber-50 text-amber-950",
  neutral: "border-slate-300 bg-slate-100 text-slate-900",
  error: "border-red-200 bg-red-50 text-red-900",
};

/** A notice at the top of a page: a title, a sentence, and optionally an action beside it or a form below. */
export function Banner({
  tone,
  title,
  children,
  action,
  footer,
  testId,
}: {
  tone: BannerTone;
  title: string;
  children?: React.ReactNode;
  action?: React.ReactNode;
  footer?: React.ReactNode;
  testId?: string;
}) {
  return (
    <section data-testid={testId} aria-label={title} className={`rounded-xl border px-4 py-3.5 ${TONES[tone]}`}>
      <div className="flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
        <div className="min-w-0">
          <p className="font-semibold">{title}</p>
          {children ? <div className="mt-0.5 text-sm leading-relaxed">{children}</div> : null}
        </div>
        {action ? <div className="shrink-0">{action}</div> : null}
      </div>
      {footer ? <div className="mt-3 border-t border-current/10 pt-3">{footer}</div> : null}
    </section>
  );
}
