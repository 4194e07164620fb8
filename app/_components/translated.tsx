"use client";

import { useTranslations } from "next-intl";
import type { Message } from "@/lib/i18n/message";

/**
 * A Message (catalog key and values) from a server action, an AppError or a stored outcome, in the reader's
 * language. Unknown keys show the key itself rather than break the page.
 */
export function Translated({ message }: { message: Message }) {
  const t = useTranslations();
  // Keys arrive as data (from the server), so they are checked here instead of by the compiler.
  const key = message.key as Parameters<typeof t>[0];
  return <>{t.has(key) ? t(key, message.values) : message.key}</>;
}
