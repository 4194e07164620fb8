"use client";

import { useActionState } from "react";
import { Translated } from "@/app/_components/translated";
import type { ActionState } from "@/lib/i18n/message";

type Action = (prev: ActionState | undefined, formData: FormData) => Promise<ActionState>;

/** One small form posting hidden fields to a server action, with its answer (translated) beside the button. */
export function ActionForm({
  action,
  fields,
  label,
  tone = "secondary",
  testId,
}: {
  action: Action;
  fields: Record<string, string | number>;
  label: string;
  tone?: "primary" | "secondary" | "danger";
  testId?: string;
}) {
  const [state, formAction, pending] = useActionState(action, undefined);
  const tones = {
    primary: "bg-emerald-700 text-white hover:bg-emerald-800",
    secondary: "bg-white text-slate-800 ring-1 ring-slate-300 ring-inset hover:bg-slate-50",
    danger: "bg-white text-red-700 ring-1 ring-red-300 ring-inset hover:bg-red-50",
  };
  return (
    <form action={formAction} className="inline-flex flex-wrap items-center gap-2">
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <button
        type="submit"
        disabled={pending}
        data-testid={testId}
        className={`min-h-9 rounded-lg px-3 py-1.5 text-sm font-medium disabled:cursor-wait disabled:opacity-60 ${tones[tone]}`}
      >
        {label}
      </button>
      {state ? (
        <span role="status" className={`text-xs ${state.ok ? "text-emerald-800" : "text-red-700"}`}>
          {state.message ? <Translated message={state.message} /> : null}
        </span>
      ) : null}
    </form>
  );
}
