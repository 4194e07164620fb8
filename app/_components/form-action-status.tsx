import type { Message } from "@/lib/i18n/message";
import { Translated } from "./translated";

/**
 * The answer of a form's action, beside or under its button: a status when it went through, an alert when it was
 * refused, with the refusal's problems listed under it when the action names several; nothing before the first
 * answer, or when the answer has no message.
 */
export function ActionStatus({
  state,
  testId,
}: {
  state: { ok: boolean; message?: Message; problems?: Message[] } | undefined;
  testId: string;
}) {
  if (!state?.message) return null;
  return (
    <div
      role={state.ok ? "status" : "alert"}
      data-testid={testId}
      className={`text-sm ${state.ok ? "text-emerald-800" : "text-red-700"}`}
    >
      <p>
        <Translated message={state.message} />
      </p>
      {state.problems?.length ? (
        <ul className="mt-1 list-disc pl-5">
          {state.problems.map((problem, i) => (
            <li key={i}>
              <Translated message={problem} />
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
