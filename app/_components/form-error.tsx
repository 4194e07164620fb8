import type { Message } from "@/lib/i18n/message";
import { Translated } from "./translated";

/**
 * The form-level error of an action's state (a Message), in the reader's language; `detail` follows it (e.g. what a
 * WeChat errcode means).
 */
export function FormError({ message, detail }: { message: Message | undefined; detail?: Message }) {
  if (!message) return null;
  return (
    <p
      role="alert"
      data-testid="form-error"
      className="rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm leading-relaxed text-red-800"
    >
      <Translated message={message} />
      {detail ? <Translated message={detail} /> : null}
    </p>
  );
}
