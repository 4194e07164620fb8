"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db";
import { requireAdmin } from "@/lib/auth/guards";
import { getEnv } from "@/lib/env";
import { message, type Message } from "@/lib/i18n/message";
import { changeRole, createInvitation, revokeInvitations, setStaffDisabled } from "@/lib/staff/users";

/** The answers of the staff forms: Messages (staffUsers catalog area) the forms translate. */
export type InviteState =
  | { ok: true; message: Message; link: string }
  | { ok: false; message: Message; fieldErrors?: { email?: Message } }
  | undefined;
export type UserActionState = { ok: boolean; message: Message } | undefined;

const roleSchema = z.enum(["staff", "admin"]);
const inviteSchema = z.object({ email: z.email().max(200), role: roleSchema });

const CHECK_FORM = message("staffUsers.errors.check");

export async function createInvitationAction(_prev: InviteState, formData: FormData): Promise<InviteState> {
  // Security: admins only, checked here (a Server Function is a plain POST) and again in createInvitation.
  const admin = await requireAdmin();
  const input = inviteSchema.safeParse({ email: formData.get("email"), role: formData.get("role") });
  if (!input.success) {
    const invalidEmail = z.flattenError(input.error).fieldErrors.email;
    return {
      ok: false,
      message: CHECK_FORM,
      fieldErrors: invalidEmail ? { email: message("staffUsers.errors.invalidEmail") } : undefined,
    };
  }
  const result = await createInvitation(await getDb(), { userId: admin.userId, email: admin.email }, input.data);
  if (!result.ok) {
    const refusal = message(`staffUsers.errors.${result.error}`);
    return { ok: false, message: refusal, fieldErrors: result.error === "forbidden" ? undefined : { email: refusal } };
  }
  revalidatePath("/staff/users");
  return {
    ok: true,
    link: `${getEnv().appUrl}/invite/${result.token}`,
    // The expiry travels as an ISO time; the form shows it in the reader's language and China's time zone.
    message: message("staffUsers.inviteCreatedBody", {
      email: result.email,
      expiresAt: result.expiresAt.toISOString(),
    }),
  };
}

const changeRoleSchema = z.object({ userId: z.uuid(), role: roleSchema });

export async function changeRoleAction(_prev: UserActionState, formData: FormData): Promise<UserActionState> {
  // Security: a staff member posting this form by hand is refused here (403) and by changeRole itself.
  const admin = await requireAdmin();
  const input = changeRoleSchema.safeParse({ userId: formData.get("userId"), role: formData.get("role") });
  if (!input.success) return { ok: false, message: CHECK_FORM };
  const result = await changeRole(await getDb(), { userId: admin.userId, email: admin.email }, input.data);
  if (!result.ok) return { ok: false, message: message(`staffUsers.errors.${result.error}`) };
  // An admin who made themselves staff can no longer see this page.
  if (input.data.userId === admin.userId && result.changed && input.data.role !== "admin") redirect("/staff");
  revalidatePath("/staff/users");
  return { ok: true, message: message("staffUsers.roleChanged", { email: result.email, role: result.role }) };
}

export async function revokeInvitationsAction(_prev: UserActionState, formData: FormData): Promise<UserActionState> {
  const admin = await requireAdmin();
  const email = z.email().safeParse(formData.get("email"));
  if (!email.success) return { ok: false, message: CHECK_FORM };
  const result = await revokeInvitations(
    await getDb(),
    { userId: admin.userId, email: admin.email },
    { email: email.data },
  );
  if (!result.ok) return { ok: false, message: message(`staffUsers.errors.${result.error}`) };
  // Not revalidated: the row stays, saying it was revoked, until the page is next loaded.
  return { ok: true, message: message("staffUsers.invitationRevoked", { email: email.data }) };
}

const setDisabledSchema = z.object({
  userId: z.uuid(),
  disabled: z.enum(["true", "false"]).transform((v) => v === "true"),
});

export async function setStaffDisabledAction(_prev: UserActionState, formData: FormData): Promise<UserActionState> {
  // Security: admins only, checked here and again (inside the transaction) by setStaffDisabled.
  const admin = await requireAdmin();
  const input = setDisabledSchema.safeParse({ userId: formData.get("userId"), disabled: formData.get("disabled") });
  if (!input.success) return { ok: false, message: CHECK_FORM };
  const result = await setStaffDisabled(await getDb(), { userId: admin.userId, email: admin.email }, input.data);
  if (!result.ok) {
    return {
      ok: false,
      message: message(
        result.error === "last_admin" ? "staffUsers.errors.lastAdminDisable" : `staffUsers.errors.${result.error}`,
      ),
    };
  }
  revalidatePath("/staff/users");
  return {
    ok: true,
    message: message(result.disabled ? "staffUsers.userDisabled" : "staffUsers.userEnabled", { email: result.email }),
  };
}
