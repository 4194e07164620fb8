import Link from "next/link";
import type { ComponentProps } from "react";

const VARIANTS = {
  primary: "bg-emerald-700 font-semibold text-white hover:bg-emerald-800",
  secondary: "font-medium text-slate-800 ring-1 ring-slate-300 ring-inset hover:bg-slate-50",
};

/** A link drawn as a button: the next step a page offers, or an action beside a page's title. */
export function LinkButton({
  variant = "primary",
  ...link
}: { variant?: keyof typeof VARIANTS } & Omit<ComponentProps<typeof Link>, "className">) {
  return (
    <Link
      className={`inline-flex min-h-11 w-fit items-center justify-center rounded-lg px-4 text-sm ${VARIANTS[variant]}`}
      {...link}
    />
  );
}
