/**
 * Transition only: server actions not yet converted to `Message` answer in both languages, "中文 · English".
 * Shows the half for the UI language; a message without the separator is shown whole. Remove with the last caller
 * (the staff forms).
 */
export function localizeMessage(message: string, lang: "zh" | "en"): string {
  const match = /\s?·\s/.exec(message);
  if (!match) return message;
  return lang === "en" ? message.slice(match.index + match[0].length) : message.slice(0, match.index);
}
