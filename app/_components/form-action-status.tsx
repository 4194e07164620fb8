import type { Message } from "@/lib/i18n/message";
import { Translated } from "./translated";

/**
 * The answer of a form's action, beside or under its button: a status when it went through, an alert when it was
 * refused; nothing before the first answer, or when the answer has no message.
 */
export function ActionStatus({
  state,
  testId,
  okClassName = "text-emerald-800",
}: {
  state: { ok: boolean; message?: Message } | undefined;
  testId: string;
  /** The colour of a success (the forms beside an emerald-600 button use text-emerald-700). */
  okClassName?: string;
}) {
  if (!state?.message) return null;
  return (
    <p
      role={state.ok ? "status" : "alert"}
      data-testid={testId}
      className={`text-sm ${state.ok ? okClassName : "text-red-700"}`}
    >
      <Translated message={state.message} />
    </p>
  );
}
