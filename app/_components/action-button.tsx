const VARIANTS = {
  primary:
    "inline-flex min-h-11 items-center justify-center rounded-lg bg-emerald-700 px-4 py-2.5 text-sm font-semibold text-white shadow-sm hover:bg-emerald-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-700 disabled:cursor-wait disabled:opacity-70",
  secondary:
    "inline-flex min-h-10 items-center justify-center rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm text-slate-800 hover:bg-slate-50 disabled:cursor-wait disabled:opacity-70",
};

/**
 * The submit button of the setup forms (merchant and staff): its label turns into `pendingLabel`, and it is disabled,
 * while the action runs.
 */
export function ActionButton({
  pending,
  label,
  pendingLabel,
  variant = "primary",
  ...button
}: {
  pending: boolean;
  label: string;
  pendingLabel: string;
  variant?: keyof typeof VARIANTS;
} & Omit<React.ButtonHTMLAttributes<HTMLButtonElement>, "type" | "disabled" | "className">) {
  return (
    <button type="submit" disabled={pending} className={VARIANTS[variant]} {...button}>
      {pending ? pendingLabel : label}
    </button>
  );
}
