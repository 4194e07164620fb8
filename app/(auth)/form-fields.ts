import { z } from "zod";
import { message, type Message } from "@/lib/i18n/message";

/** The named fields of a posted form (null where absent, as FormData.get answers), for a schema to parse. */
export function formFields<K extends string>(
  formData: FormData,
  names: readonly K[],
): Record<K, FormDataEntryValue | null> {
  return Object.fromEntries(names.map((name) => [name, formData.get(name)])) as Record<K, FormDataEntryValue | null>;
}

/** Each named field's first issue as a Message, for a form's `fieldErrors` (the schemas' issue texts are catalog keys). */
export function fieldErrorMessages<K extends string>(
  error: z.ZodError,
  fields: readonly K[],
): Partial<Record<K, Message>> {
  const flat: Partial<Record<string, string[]>> = z.flattenError(error).fieldErrors;
  return Object.fromEntries(
    fields.map((field) => {
      const first = flat[field]?.[0];
      return [field, first ? message(first) : undefined];
    }),
  ) as Partial<Record<K, Message>>;
}
