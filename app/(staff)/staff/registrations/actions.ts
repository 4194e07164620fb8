"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireStaff } from "@/lib/auth/guards";
import { message, type ActionState } from "@/lib/i18n/message";
import { getPlatform } from "@/lib/platform";
import { cancelRegistrationByStaff } from "@/lib/registration/staff";

/** Staff cancel a waiting registration: role re-read from the database (requireStaff), audited with the change. */
export async function cancelRegistrationAction(
  _prev: ActionState | undefined,
  formData: FormData,
): Promise<ActionState> {
  const staff = await requireStaff("/staff/registrations");
  const id = z.string().uuid().safeParse(formData.get("id"));
  if (!id.success) return { ok: false, message: message("registration.staff.cancelFailed") };
  const done = await cancelRegistrationByStaff(
    await getPlatform(),
    { userId: staff.userId, email: staff.email },
    id.data,
  );
  revalidatePath("/staff/registrations");
  return done
    ? { ok: true, message: message("registration.staff.cancelled") }
    : { ok: false, message: message("registration.staff.cancelFailed") };
}
