"use server";

import { requireStaff } from "@/lib/auth/guards";
import type { Language } from "@/lib/i18n";
import { format } from "@/lib/i18n-format";
import { bilingual, formatTimestamp, type StaffOpsDictionary } from "@/lib/i18n-staff-ops";
import { describeError } from "@/lib/log";
import { getPlatform } from "@/lib/platform";
import { refreshProfileNow, refreshTokenNow, startReconcile, type OperationFailure } from "@/lib/staff/operations";
import { appIdSchema } from "@/lib/wechat/app-id";

/** The answer of an operation button: a bilingual sentence ("中文 · English"), success or not. */
export type OperationState = { ok: boolean; message: string } | undefined;

function describeFailure(d: StaffOpsDictionary, lang: Language, failure: OperationFailure): string {
  const e = d.accountOps.errors;
  switch (failure.code) {
    case "wechat":
      return format(e.wechat, { errcode: failure.errcode, meaning: failure.meaning[lang] });
    case "unavailable":
      return format(e.unavailable, { detail: failure.detail });
    case "needs_reauthorization":
      return failure.errcode ? `${e.needs_reauthorization} (${failure.errcode})` : e.needs_reauthorization;
    default:
      return e[failure.code];
  }
}

export async function refreshTokenNowAction(_prev: OperationState, formData: FormData): Promise<OperationState> {
  // Security: a Server Function is a plain POST endpoint; the guard runs here, whatever page rendered the button.
  const staff = await requireStaff("/staff/operations");
  const appId = appIdSchema.safeParse(formData.get("appId"));
  if (!appId.success) return { ok: false, message: bilingual((d) => d.operations.invalidAppId) };
  const result = await refreshTokenNow(await getPlatform(), { userId: staff.userId, email: staff.email }, { appId: appId.data });
  if (!result.ok) return { ok: false, message: bilingual((d, lang) => describeFailure(d, lang, result.error)) };
  return {
    ok: true,
    message: bilingual((d, lang) => format(d.accountOps.tokenRefreshed, { expiresAt: formatTimestamp(result.expiresAt, lang) ?? "" })),
  };
}

export async function refreshProfileNowAction(_prev: OperationState, formData: FormData): Promise<OperationState> {
  const staff = await requireStaff("/staff/operations");
  const appId = appIdSchema.safeParse(formData.get("appId"));
  if (!appId.success) return { ok: false, message: bilingual((d) => d.operations.invalidAppId) };
  const result = await refreshProfileNow(await getPlatform(), { userId: staff.userId, email: staff.email }, { appId: appId.data });
  if (!result.ok) return { ok: false, message: bilingual((d, lang) => describeFailure(d, lang, result.error)) };
  return { ok: true, message: bilingual((d) => format(d.accountOps.profileRefreshed, { name: result.nickName ?? appId.data })) };
}

export async function startReconcileAction(_prev: OperationState, _formData: FormData): Promise<OperationState> {
  const staff = await requireStaff("/staff/operations");
  try {
    const result = await startReconcile(await getPlatform(), { userId: staff.userId, email: staff.email });
    return result.started
      ? { ok: true, message: bilingual((d) => format(d.operations.runStarted, { id: result.runId })) }
      : { ok: false, message: bilingual((d) => format(d.operations.alreadyRunning, { id: result.runningRunId ?? "?" })) };
  } catch (error) {
    return { ok: false, message: bilingual((d) => format(d.operations.startFailed, { error: describeError(error).slice(0, 200) })) };
  }
}
