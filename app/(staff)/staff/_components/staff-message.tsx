"use client";

import { useFormatter, useTranslations } from "next-intl";
import type { Message } from "@/lib/i18n/message";

/**
 * A staff action's Message in the reader's language. Two conventions of the staff actions: a value whose name ends
 * in `At` is an ISO time (shown to the second, in China's time zone), and an `errcode` gets its `meaning` from
 * WeChat's errcode table. Unknown keys show the key itself rather than break the page.
 */
export function useStaffMessage(): (message: Message) => string {
  const t = useTranslations();
  const format = useFormatter();
  return (message) => {
    const values: Record<string, string | number> = {};
    for (const [name, value] of Object.entries(message.values ?? {})) {
      const time = name.endsWith("At") && typeof value === "string" ? new Date(value) : null;
      values[name] = time && !Number.isNaN(time.getTime()) ? format.dateTime(time, "dateTimeSeconds") : value;
    }
    if (typeof values.errcode === "number") {
      // WeChat's errcode table (messages/<locale>/wechatErrors.json), or "unknown errcode N".
      const known = `wechatErrors.codes.${values.errcode}` as Parameters<typeof t>[0];
      values.meaning = t.has(known) ? t(known) : t("wechatErrors.unknown", { errcode: values.errcode });
    }
    // Keys arrive as data (from the server), so they are checked here instead of by the compiler.
    const key = message.key as Parameters<typeof t>[0];
    return t.has(key) ? t(key, values) : message.key;
  };
}

export function StaffMessage({ message }: { message: Message }) {
  return <>{useStaffMessage()(message)}</>;
}
