"use client";

import { useState } from "react";
import type { Message } from "@/lib/i18n/message";

/**
 * Controlled text fields for a form whose action answers with field errors: what was typed survives React's form
 * reset when the action refuses, and each field gets its error. `bind(name)` spreads onto a TextField.
 */
export function useFormFields<K extends string>(
  initial: Record<K, string>,
  fieldErrors: Partial<Record<K, Message>> | undefined,
) {
  const [values, setValues] = useState(initial);
  return (name: K) => ({
    name,
    value: values[name],
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => setValues((v) => ({ ...v, [name]: e.target.value })),
    error: fieldErrors?.[name],
  });
}
