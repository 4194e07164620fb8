import type { Language } from "@/lib/i18n";

/**
 * Server actions answer in both languages, "中文 · English". Shows the half for the UI language; a message
 * without the separator is shown whole.
 */
export function localizeMessage(message: string, lang: Language): string {
  const match = /\s?·\s/.exec(message);
  if (!match) return message;
  return lang === "en" ? message.slice(match.index + match[0].length) : message.slice(0, match.index);
}
