"use server";

import { AuthError } from "next-auth";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db";
import { signIn } from "@/lib/auth";
import { message, type Message } from "@/lib/i18n/message";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "@/lib/auth/password-policy";
import { acceptInvitation } from "@/lib/staff/users";
import { fieldErrorMessages, formFields } from "../../form-fields";

export type AcceptState =
  | { ok: false; message: Message; gone?: boolean; fieldErrors?: Partial<Record<"password" | "confirm", Message>> }
  | undefined;

// Each issue's text is a catalog key (messages/<locale>/invite.json → errors).
const acceptSchema = z
  .object({
    token: z.string().min(1).max(100),
    password: z.string().min(MIN_PASSWORD_LENGTH, { error: "invite.errors.passwordShort" }).max(MAX_PASSWORD_LENGTH),
    confirm: z.string(),
  })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], error: "invite.errors.mismatch" });

export async function acceptInvitationAction(_prev: AcceptState, formData: FormData): Promise<AcceptState> {
  const input = acceptSchema.safeParse(formFields(formData, ["token", "password", "confirm"]));
  if (!input.success) {
    return {
      ok: false,
      message: message("invite.errors.check"),
      fieldErrors: fieldErrorMessages(input.error, ["password", "confirm"]),
    };
  }
  const result = await acceptInvitation(await getDb(), { token: input.data.token, password: input.data.password });
  if (!result.ok) {
    const reason = result.error;
    if (reason === "email_is_merchant" || reason === "email_taken") {
      return { ok: false, message: message(`invite.errors.${reason}`) };
    }
    // Used (another tab), expired or unknown meanwhile: the page shows which.
    return { ok: false, gone: true, message: message(`invite.${reason}Title`) };
  }
  try {
    await signIn("credentials", { email: result.email, password: input.data.password, redirectTo: "/staff" });
  } catch (error) {
    // The account exists; if signing in is refused (throttled), the sign-in page takes over.
    if (error instanceof AuthError) redirect("/login?callbackUrl=%2Fstaff");
    throw error;
  }
  return undefined;
}
