"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireAdmin, requireStaff } from "@/lib/auth/guards";
import { message, type ActionState, type Message } from "@/lib/i18n/message";
import { getPlatform } from "@/lib/platform";
import { profileFormSchema } from "@/lib/setup/profile";
import { applyInBatch, applyToAccount, changePlatformDomains, saveProfile } from "@/lib/setup/staff";
import { appIdSchema } from "@/lib/wechat/app-id";

// Staff setup actions. Each re-reads the role from the database (requireStaff / requireAdmin) and is recorded in
// the audit log by the lib function it calls.

export type SetupActionState = (ActionState & { problems?: Message[] }) | undefined;

const actor = (s: { userId: string; email: string }) => ({ userId: s.userId, email: s.email });

/** Admin: add or remove platform domains in WeChat's component registry. */
export async function changePlatformDomainsAction(
  _prev: SetupActionState,
  formData: FormData,
): Promise<SetupActionState> {
  const admin = await requireAdmin("/staff/setup");
  const input = z
    .object({ registry: z.enum(["server", "jump"]), action: z.enum(["add", "delete"]), hosts: z.string().max(20_000) })
    .safeParse(Object.fromEntries(formData));
  if (!input.success) return { ok: false, message: message("setup.platform.noHosts") };
  const result = await changePlatformDomains(await getPlatform(), actor(admin), {
    ...input.data,
    hosts: input.data.hosts.split(/[\s,;]+/),
  });
  revalidatePath("/staff/setup");
  return result;
}

export async function saveProfileAction(_prev: SetupActionState, formData: FormData): Promise<SetupActionState> {
  const staff = await requireStaff("/staff/setup");
  const parsed = profileFormSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) {
    return {
      ok: false,
      message: message("setup.profile.invalid"),
      problems: parsed.error.issues.map((i) =>
        message(i.message.startsWith("setup.") ? i.message : "setup.ui.profile.required"),
      ),
    };
  }
  const result = await saveProfile(await getPlatform(), actor(staff), parsed.data);
  revalidatePath("/staff/setup");
  return result;
}

export async function applyBatchAction(_prev: SetupActionState, formData: FormData): Promise<SetupActionState> {
  const staff = await requireStaff("/staff/setup");
  const appIds = formData.getAll("appId").flatMap((v) => {
    const parsed = appIdSchema.safeParse(v);
    return parsed.success ? [parsed.data] : [];
  });
  const result = await applyInBatch(await getPlatform(), actor(staff), appIds);
  revalidatePath("/staff/setup");
  return result;
}

/** Staff apply the profile to one account now (its staff page). */
export async function applyAccountAction(_prev: SetupActionState, formData: FormData): Promise<SetupActionState> {
  const staff = await requireStaff("/staff/authorizations");
  const appId = appIdSchema.safeParse(formData.get("appId"));
  if (!appId.success) return { ok: false, message: message("setup.batch.none") };
  const result = await applyToAccount(await getPlatform(), actor(staff), appId.data);
  revalidatePath(`/staff/authorizations/${appId.data}`);
  return result;
}
