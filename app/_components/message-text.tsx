"use client";

import { useLocale } from "next-intl";
import type { Message } from "@/lib/i18n/message";
import { localizeMessage } from "./localize";
import { Translated } from "./translated";

/**
 * A Message from a server action in the reader's language.
 *
 * Transition only: a plain string is still accepted from forms not yet converted to `Message` (they answer
 * "中文 · English"); it shows the half for the UI language. Remove the string path once every action returns a
 * Message.
 */
export function MessageText({ message }: { message: Message | string }) {
  const locale = useLocale();
  if (typeof message !== "string") return <Translated message={message} />;
  return <>{localizeMessage(message, locale === "en" ? "en" : "zh")}</>;
}
