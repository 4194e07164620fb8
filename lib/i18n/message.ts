import type { StoredMessage } from "@/db/schema";

/**
 * Text for people travels as a catalog key and its values, never as display text: server actions, AppErrors,
 * WeChat error explanations and stored outcomes carry a Message; the page translates it in the reader's language
 * (`<Translated message={…} />` or `t(message.key, message.values)`).
 */
export type Message = StoredMessage;

export function message(key: string, values?: Message["values"]): Message {
  return values ? { key, values } : { key };
}

/** The state a form's server action answers with (`useActionState`). */
export type ActionState =
  { ok: true; message?: Message } | { ok: false; message: Message; fieldErrors?: Record<string, Message> };
