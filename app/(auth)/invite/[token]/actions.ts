"use server";

import { AuthError } from "next-auth";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db";
import { signIn } from "@/lib/auth";
import { bilingual } from "@/lib/i18n-staff-ops";
import { acceptInvitation, MIN_PASSWORD_LENGTH } from "@/lib/staff/users";

export type AcceptState =
  | { ok: false; message: string; gone?: boolean; fieldErrors?: Partial<Record<"password" | "confirm", string>> }
  | undefined;

const acceptSchema = z
  .object({
    token: z.string().min(1).max(100),
    password: z.string().min(MIN_PASSWORD_LENGTH, { error: bilingual((d) => d.invite.errors.passwordShort) }).max(200),
    confirm: z.string(),
  })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], error: bilingual((d) => d.invite.errors.mismatch) });

export async function acceptInvitationAction(_prev: AcceptState, formData: FormData): Promise<AcceptState> {
  const input = acceptSchema.safeParse({
    token: formData.get("token"),
    password: formData.get("password"),
    confirm: formData.get("confirm"),
  });
  if (!input.success) {
    const flat = z.flattenError(input.error).fieldErrors;
    return {
      ok: false,
      message: bilingual((d) => d.invite.errors.check),
      fieldErrors: { password: flat.password?.[0], confirm: flat.confirm?.[0] },
    };
  }
  const result = await acceptInvitation(await getDb(), { token: input.data.token, password: input.data.password });
  if (!result.ok) {
    const reason = result.error;
    if (reason === "email_is_merchant" || reason === "email_taken") {
      return { ok: false, message: bilingual((d) => d.invite.errors[reason]) };
    }
    // Used (another tab), expired or unknown meanwhile: the page shows which.
    return { ok: false, gone: true, message: bilingual((d) => d.invite[`${reason}Title`]) };
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
