import { ActionButton } from "./action-button";

/** The last row of a setup form: its submit button, then the action's answer (`children`) beside it, wrapping. */
export function ActionRow({ children, ...button }: React.ComponentProps<typeof ActionButton>) {
  return (
    <div className="flex flex-wrap items-center gap-3">
      <ActionButton {...button} />
      {children}
    </div>
  );
}
