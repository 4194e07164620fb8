import type { Message } from "@/lib/i18n/message";
import { MessageText } from "./message-text";

/**
 * The form-level error of an action's state, in the reader's language; `detail` follows it (e.g. what a WeChat
 * errcode means). `lang` is ignored (transition: staff forms still pass it).
 */
export function FormError({
  message,
  detail,
}: {
  message: Message | string | undefined;
  detail?: Message;
  lang?: "zh" | "en";
}) {
  if (!message) return null;
  return (
    <p
      role="alert"
      data-testid="form-error"
      className="rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm leading-relaxed text-red-800"
    >
      <MessageText message={message} />
      {detail ? <MessageText message={detail} /> : null}
    </p>
  );
}
