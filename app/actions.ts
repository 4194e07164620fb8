"use server";

import { cookies } from "next/headers";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { LANGUAGE_COOKIE } from "@/lib/i18n/config";

const languageSchema = z.enum(["zh", "en"]);

/** 中文 | English: remembered for a year, then every page re-renders in that language. */
export async function setLanguageAction(lang: unknown): Promise<void> {
  const parsed = languageSchema.safeParse(lang);
  if (!parsed.success) return;
  (await cookies()).set(LANGUAGE_COOKIE, parsed.data, {
    path: "/",
    maxAge: 365 * 24 * 3600,
    sameSite: "lax",
    httpOnly: true,
  });
  revalidatePath("/", "layout");
}
