"use client";

import { useTranslations } from "next-intl";
import { useActionState, type ReactNode } from "react";
import { useFormStatus } from "react-dom";
import { Translated } from "@/app/_components/translated";
import type { SandboxConsoleResult } from "../actions";

/** A console form that shows what its action did (push delivered or not) next to its button. */
export function ConsoleForm({
  action,
  testId,
  className,
  children,
}: {
  action: (formData: FormData) => Promise<SandboxConsoleResult>;
  testId: string;
  className?: string;
  children: ReactNode;
}) {
  const [result, formAction] = useActionState(
    async (_previous: SandboxConsoleResult | null, formData: FormData) => action(formData),
    null,
  );
  return (
    <form action={formAction} className={className} data-testid={testId}>
      {children}
      {result && (
        <p
          role="status"
          data-testid={`${testId}-result`}
          className={`w-full text-xs ${result.ok ? "text-emerald-700" : "text-amber-700"}`}
        >
          <Translated message={result.message} />
        </p>
      )}
    </form>
  );
}

export function SubmitButton({
  children,
  label,
  variant = "primary",
  disabled = false,
}: {
  children: ReactNode;
  /** Accessible name when the visible text alone is ambiguous (e.g. one button per account). */
  label?: string;
  variant?: "primary" | "secondary" | "danger";
  disabled?: boolean;
}) {
  const { pending } = useFormStatus();
  const t = useTranslations("sandbox");
  const style = {
    primary: "bg-wechat text-white hover:bg-wechat-dark",
    secondary: "border border-slate-300 bg-white text-slate-700 hover:bg-slate-50",
    danger: "border border-red-200 bg-white text-red-600 hover:bg-red-50",
  }[variant];
  return (
    <button
      type="submit"
      aria-label={label}
      disabled={pending || disabled}
      className={`rounded-md px-3 py-1.5 text-sm font-medium whitespace-nowrap disabled:cursor-not-allowed disabled:opacity-50 ${style}`}
    >
      {pending ? t("pending") : children}
    </button>
  );
}
