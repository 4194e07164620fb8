"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db";
import { requireAdmin } from "@/lib/auth/guards";
import { getEnv } from "@/lib/env";
import { format } from "@/lib/i18n-format";
import { bilingual, formatTimestamp } from "@/lib/i18n-staff-ops";
import { changeRole, createInvitation, revokeInvitations, setStaffDisabled } from "@/lib/staff/users";

export type InviteState =
  | { ok: true; message: string; link: string }
  | { ok: false; message: string; fieldErrors?: { email?: string } }
  | undefined;
export type UserActionState = { ok: boolean; message: string } | undefined;

const roleSchema = z.enum(["staff", "admin"]);
const inviteSchema = z.object({ email: z.email().max(200), role: roleSchema });

export async function createInvitationAction(_prev: InviteState, formData: FormData): Promise<InviteState> {
  // Security: admins only, checked here (a Server Function is a plain POST) and again in createInvitation.
  const admin = await requireAdmin();
  const input = inviteSchema.safeParse({ email: formData.get("email"), role: formData.get("role") });
  if (!input.success) {
    const invalidEmail = z.flattenError(input.error).fieldErrors.email;
    return {
      ok: false,
      message: bilingual((d) => d.users.errors.check),
      fieldErrors: invalidEmail ? { email: bilingual((d) => d.users.errors.invalidEmail) } : undefined,
    };
  }
  const result = await createInvitation(await getDb(), { userId: admin.userId, email: admin.email }, input.data);
  if (!result.ok) {
    const message = bilingual((d) => d.users.errors[result.error]);
    return { ok: false, message, fieldErrors: result.error === "forbidden" ? undefined : { email: message } };
  }
  revalidatePath("/staff/users");
  return {
    ok: true,
    link: `${getEnv().appUrl}/invite/${result.token}`,
    message: bilingual((d, lang) =>
      format(d.users.inviteCreatedBody, {
        email: result.email,
        expiresAt: formatTimestamp(result.expiresAt, lang) ?? "",
      }),
    ),
  };
}

const changeRoleSchema = z.object({ userId: z.uuid(), role: roleSchema });

export async function changeRoleAction(_prev: UserActionState, formData: FormData): Promise<UserActionState> {
  // Security: a staff member posting this form by hand is refused here (403) and by changeRole itself.
  const admin = await requireAdmin();
  const input = changeRoleSchema.safeParse({ userId: formData.get("userId"), role: formData.get("role") });
  if (!input.success) return { ok: false, message: bilingual((d) => d.users.errors.check) };
  const result = await changeRole(await getDb(), { userId: admin.userId, email: admin.email }, input.data);
  if (!result.ok) return { ok: false, message: bilingual((d) => d.users.errors[result.error]) };
  // An admin who made themselves staff can no longer see this page.
  if (input.data.userId === admin.userId && result.changed && input.data.role !== "admin") redirect("/staff");
  revalidatePath("/staff/users");
  return {
    ok: true,
    message: bilingual((d) => format(d.users.roleChanged, { email: result.email, role: d.roles[result.role] })),
  };
}

export async function revokeInvitationsAction(_prev: UserActionState, formData: FormData): Promise<UserActionState> {
  const admin = await requireAdmin();
  const email = z.email().safeParse(formData.get("email"));
  if (!email.success) return { ok: false, message: bilingual((d) => d.users.errors.check) };
  const result = await revokeInvitations(
    await getDb(),
    { userId: admin.userId, email: admin.email },
    { email: email.data },
  );
  if (!result.ok) return { ok: false, message: bilingual((d) => d.users.errors[result.error]) };
  // Not revalidated: the row stays, saying it was revoked, until the page is next loaded.
  return { ok: true, message: bilingual((d) => format(d.users.invitationRevoked, { email: email.data })) };
}

const setDisabledSchema = z.object({
  userId: z.uuid(),
  disabled: z.enum(["true", "false"]).transform((v) => v === "true"),
});

export async function setStaffDisabledAction(_prev: UserActionState, formData: FormData): Promise<UserActionState> {
  // Security: admins only, checked here and again (inside the transaction) by setStaffDisabled.
  const admin = await requireAdmin();
  const input = setDisabledSchema.safeParse({ userId: formData.get("userId"), disabled: formData.get("disabled") });
  if (!input.success) return { ok: false, message: bilingual((d) => d.users.errors.check) };
  const result = await setStaffDisabled(await getDb(), { userId: admin.userId, email: admin.email }, input.data);
  if (!result.ok) {
    return {
      ok: false,
      message: bilingual((d) =>
        result.error === "last_admin" ? d.users.errors.lastAdminDisable : d.users.errors[result.error],
      ),
    };
  }
  revalidatePath("/staff/users");
  return {
    ok: true,
    message: bilingual((d) =>
      format(result.disabled ? d.users.userDisabled : d.users.userEnabled, { email: result.email }),
    ),
  };
}
