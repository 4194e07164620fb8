import type { Message } from "@/lib/i18n/message";
import { Translated } from "./translated";

export interface TextFieldProps extends Omit<React.InputHTMLAttributes<HTMLInputElement>, "id" | "name"> {
  name: string;
  label: string;
  hint?: string;
  /** A field error from the action's state, translated here. */
  error?: Message;
}

/** A labelled input with its hint and error below it, wired with aria-describedby. */
export function TextField({ name, label, hint, error, className, ...input }: TextFieldProps) {
  const id = `field-${name}`;
  // The error replaces the hint: it says the same thing, more urgently.
  const hintId = hint && !error ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`flex flex-col gap-1.5 ${className ?? ""}`}>
      <label htmlFor={id} className="text-sm font-medium text-slate-800">
        {label}
      </label>
      <input
        id={id}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        className={`w-full rounded-lg border bg-white px-3 py-2.5 text-base text-slate-900 shadow-xs outline-none transition-colors placeholder:text-slate-400 focus:ring-2 sm:text-sm ${
          error
            ? "border-red-400 focus:border-red-500 focus:ring-red-100"
            : "border-slate-300 focus:border-emerald-600 focus:ring-emerald-100"
        }`}
        {...input}
      />
      {error ? (
        <p id={errorId} data-testid={`${name}-error`} className="text-sm text-red-700">
          <Translated message={error} />
        </p>
      ) : null}
      {hintId ? (
        <p id={hintId} className="text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
    </div>
  );
}
