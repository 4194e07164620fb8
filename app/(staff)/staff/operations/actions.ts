"use server";

import { requireStaff } from "@/lib/auth/guards";
import { message, type ActionState, type Message } from "@/lib/i18n/message";
import { describeError } from "@/lib/log";
import { getPlatform, type Platform } from "@/lib/platform";
import type { AuditActor } from "@/lib/staff/audit";
import { refreshProfileNow, refreshTokenNow, startReconcile, type OperationFailure } from "@/lib/staff/operations";
import { appIdSchema } from "@/lib/wechat/app-id";

/** The answer of an operation button: a Message (key and values) the form translates, success or not. */
export type OperationState = ActionState | undefined;

/**
 * A failed operation in words staff can act on. WeChat's errcode travels as a value; the form adds its meaning
 * (the errcode table in lib/wechat/errors.ts) in the reader's language.
 */
function describeFailure(failure: OperationFailure): Message {
  switch (failure.code) {
    case "wechat":
      return message("staffOps.accountOps.errors.wechat", { errcode: failure.errcode });
    case "unavailable":
      return message("staffOps.accountOps.errors.unavailable", { detail: failure.detail });
    case "needs_reauthorization":
      return failure.errcode
        ? message("staffOps.accountOps.errors.needs_reauthorization_code", { errcode: failure.errcode })
        : message("staffOps.accountOps.errors.needs_reauthorization");
    default:
      return message(`staffOps.accountOps.errors.${failure.code}`);
  }
}

/**
 * An operation by `staff` (already checked by the action) on the account whose AppID the button posts; a failure is
 * described, a success becomes `succeeded`'s Message.
 */
async function operateOnAccount<Success>(
  staff: { userId: string; email: string },
  formData: FormData,
  operate: (
    platform: Platform,
    actor: AuditActor,
    input: { appId: string },
  ) => Promise<({ ok: true } & Success) | { ok: false; error: OperationFailure }>,
  succeeded: (result: Success, appId: string) => Message,
): Promise<OperationState> {
  const appId = appIdSchema.safeParse(formData.get("appId"));
  if (!appId.success) return { ok: false, message: message("staffOps.operations.invalidAppId") };
  const result = await operate(
    await getPlatform(),
    { userId: staff.userId, email: staff.email },
    { appId: appId.data },
  );
  if (!result.ok) return { ok: false, message: describeFailure(result.error) };
  return { ok: true, message: succeeded(result, appId.data) };
}

export async function refreshTokenNowAction(_prev: OperationState, formData: FormData): Promise<OperationState> {
  // Security: a Server Function is a plain POST endpoint; the guard runs here, whatever page rendered the button.
  const staff = await requireStaff("/staff/operations");
  // The expiry travels as an ISO time; the form formats it in the reader's language and China's time zone.
  return operateOnAccount(staff, formData, refreshTokenNow, (result) =>
    message("staffOps.accountOps.tokenRefreshed", { expiresAt: result.expiresAt.toISOString() }),
  );
}

export async function refreshProfileNowAction(_prev: OperationState, formData: FormData): Promise<OperationState> {
  const staff = await requireStaff("/staff/operations");
  return operateOnAccount(staff, formData, refreshProfileNow, (result, appId) =>
    message("staffOps.accountOps.profileRefreshed", { name: result.nickName ?? appId }),
  );
}

export async function startReconcileAction(_prev: OperationState, _formData: FormData): Promise<OperationState> {
  const staff = await requireStaff("/staff/operations");
  try {
    const result = await startReconcile(await getPlatform(), { userId: staff.userId, email: staff.email });
    return result.started
      ? { ok: true, message: message("staffOps.operations.runStarted", { id: result.runId }) }
      : { ok: false, message: message("staffOps.operations.alreadyRunning", { id: result.runningRunId ?? "?" }) };
  } catch (error) {
    return {
      ok: false,
      message: message("staffOps.operations.startFailed", { error: describeError(error).slice(0, 200) }),
    };
  }
}
