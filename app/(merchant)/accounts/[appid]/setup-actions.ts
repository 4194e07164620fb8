"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { findMerchantAuthorizer } from "@/db/queries/authorizers";
import { saveMerchantPrivacyContacts } from "@/db/queries/setup";
import { requireMerchant } from "@/lib/auth/guards";
import { message, type ActionState } from "@/lib/i18n/message";
import { getPlatform } from "@/lib/platform";
import {
  applyPrivacy,
  explainSetupError,
  hasContact,
  recomputeChecklist,
  tryRefreshSetupState,
} from "@/lib/setup/service";
import { bindTester, unbindTester } from "@/lib/setup/testers";
import { appIdSchema } from "@/lib/wechat/app-id";

// Setup on the merchant's account page: privacy contacts, testers, a fresh read. Each acts on the signed-in
// merchant's own account only (checked in the lib functions / queries by merchant id).

const text = (max: number) => z.string().trim().max(max).catch("");

const contactsSchema = z.object({
  contactEmail: text(100).refine((v) => v === "" || z.email().safeParse(v).success, { message: "email" }),
  contactPhone: text(30).refine((v) => v === "" || /^\+?[\d\s-]{5,20}$/.test(v), { message: "phone" }),
  contactQq: text(20).refine((v) => v === "" || /^\d{5,12}$/.test(v), { message: "qq" }),
  contactWeixin: text(20).refine((v) => v === "" || /^[a-zA-Z][\w-]{5,19}$/.test(v), { message: "weixin" }),
});

function appIdOf(formData: FormData): string | null {
  const parsed = appIdSchema.safeParse(formData.get("appId"));
  return parsed.success ? parsed.data : null;
}

export async function savePrivacyContactsAction(
  _prev: ActionState | undefined,
  formData: FormData,
): Promise<ActionState> {
  const merchant = await requireMerchant();
  const appId = appIdOf(formData);
  if (!appId) return { ok: false, message: message("setup.testers.notYours") };
  const parsed = contactsSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) {
    const fieldErrors = Object.fromEntries(
      parsed.error.issues.map((i) => [String(i.path[0]), message(`setup.ui.contacts.invalid.${String(i.path[0])}`)]),
    );
    return { ok: false, message: message("setup.ui.contacts.fix"), fieldErrors };
  }
  const contacts = {
    contactEmail: parsed.data.contactEmail || null,
    contactPhone: parsed.data.contactPhone || null,
    contactQq: parsed.data.contactQq || null,
    contactWeixin: parsed.data.contactWeixin || null,
  };
  if (!hasContact(contacts)) return { ok: false, message: message("setup.ui.contacts.atLeastOne") };
  const platform = await getPlatform();
  if (!(await saveMerchantPrivacyContacts(platform.database.db, merchant.merchantId, appId, contacts))) {
    return { ok: false, message: message("setup.testers.notYours") };
  }
  // The guideline is sent at once when the platform has a profile; otherwise with the next apply.
  let result: ActionState = { ok: true, message: message("setup.ui.contacts.saved") };
  try {
    if (await applyPrivacy(platform, appId, contacts)) await tryRefreshSetupState(platform, appId);
    else await recomputeChecklist(platform, appId);
  } catch (error) {
    result = { ok: false, message: explainSetupError(error) };
  }
  revalidatePath(`/accounts/${appId}`);
  return result;
}

export async function bindTesterAction(_prev: ActionState | undefined, formData: FormData): Promise<ActionState> {
  const merchant = await requireMerchant();
  const appId = appIdOf(formData);
  if (!appId) return { ok: false, message: message("setup.testers.notYours") };
  const wechatId = z.string().max(40).catch("").parse(formData.get("wechatId"));
  const result = await bindTester(await getPlatform(), merchant.merchantId, appId, wechatId);
  revalidatePath(`/accounts/${appId}`);
  return result.ok ? { ok: true, message: message("setup.ui.testers.bound", { id: wechatId.trim() }) } : result;
}

export async function unbindTesterAction(_prev: ActionState | undefined, formData: FormData): Promise<ActionState> {
  const merchant = await requireMerchant();
  const appId = appIdOf(formData);
  const userstr = z
    .string()
    .regex(/^[\w-]{1,128}$/)
    .safeParse(formData.get("userstr"));
  if (!appId || !userstr.success) return { ok: false, message: message("setup.testers.notYours") };
  const result = await unbindTester(await getPlatform(), merchant.merchantId, appId, userstr.data);
  revalidatePath(`/accounts/${appId}`);
  return result.ok ? { ok: true, message: message("setup.ui.testers.unbound") } : result;
}

export async function refreshSetupAction(_prev: ActionState | undefined, formData: FormData): Promise<ActionState> {
  const merchant = await requireMerchant();
  const appId = appIdOf(formData);
  const platform = await getPlatform();
  if (!appId || !(await findMerchantAuthorizer(platform.database.db, merchant.merchantId, appId))) {
    return { ok: false, message: message("setup.testers.notYours") };
  }
  const ok = await tryRefreshSetupState(platform, appId);
  revalidatePath(`/accounts/${appId}`);
  return ok
    ? { ok: true, message: message("setup.ui.refreshed") }
    : { ok: false, message: message("setup.errors.unavailable") };
}
