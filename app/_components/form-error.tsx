import type { Language } from "@/lib/i18n";
import { localizeMessage } from "./localize";

/** The form-level error of an action's state. */
export function FormError({ message, lang }: { message: string | undefined; lang: Language }) {
  if (!message) return null;
  return (
    <p
      role="alert"
      data-testid="form-error"
      className="rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm leading-relaxed text-red-800"
    >
      {localizeMessage(message, lang)}
    </p>
  );
}
