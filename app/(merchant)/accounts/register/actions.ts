"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { requireMerchant } from "@/lib/auth/guards";
import { message, type ActionState } from "@/lib/i18n/message";
import { getPlatform } from "@/lib/platform";
import { startOfficialAccountRegistration } from "@/lib/registration/official-account";
import { startRegistration } from "@/lib/registration/tasks";

const formSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("enterprise"),
    name: z.string().max(200),
    code: z.string().max(40),
    phone: z.string().max(40),
  }),
  z.object({ kind: z.literal("personal"), wxuser: z.string().max(40), phone: z.string().max(40) }),
  z.object({ kind: z.literal("official_account"), officialAccount: z.string().max(64) }),
]);

/** The form's state: the action's answer, and what was typed (a refused form keeps its values). */
export type RegisterFormState = ActionState & { values?: Record<string, string> };

/** Starts a fast registration for the signed-in merchant; on success, to the task page (or WeChat's page for reuse). */
export async function startRegistrationAction(
  _prev: RegisterFormState | undefined,
  formData: FormData,
): Promise<RegisterFormState> {
  const merchant = await requireMerchant("/accounts/register");
  const parsed = formSchema.safeParse({
    kind: formData.get("kind"),
    name: formData.get("name") ?? "",
    code: formData.get("code") ?? "",
    wxuser: formData.get("wxuser") ?? "",
    phone: formData.get("phone") ?? "",
    officialAccount: formData.get("officialAccount") ?? "",
  });
  const values = Object.fromEntries(
    ["kind", "name", "code", "wxuser", "phone"].map((k) => [k, String(formData.get(k) ?? "").slice(0, 200)]),
  );
  if (!parsed.success) return { ok: false, message: message("registration.start.invalid"), values };
  const platform = await getPlatform();
  const principal = { merchantId: merchant.merchantId, userId: merchant.userId };
  const input = parsed.data;
  let target: string;
  if (input.kind === "official_account") {
    const result = await startOfficialAccountRegistration(platform, principal, input.officialAccount);
    if (!result.ok) return { ...result, values };
    target = result.url!;
  } else {
    const result = await startRegistration(platform, principal, input);
    if (!result.ok) return { ...result, values };
    target = `/accounts/register/${result.id}`;
  }
  redirect(target);
}
