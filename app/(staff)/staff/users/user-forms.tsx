"use client";

import { useTranslations } from "next-intl";
import { useActionState } from "react";
import { StaffMessage } from "../_components/staff-message";
import { changeRoleAction, revokeInvitationsAction, setStaffDisabledAction, type UserActionState } from "./actions";

const SECONDARY =
  "inline-flex min-h-9 items-center justify-center rounded-lg border border-slate-300 bg-white px-3 text-sm font-medium text-slate-800 shadow-xs transition-colors hover:bg-slate-50 disabled:cursor-not-allowed disabled:opacity-60";

/**
 * The form of one action on a row of the users table: the hidden fields naming its target, the controls (given
 * whether the action runs and its last answer), then that answer.
 */
function RowActionForm({
  action,
  fields,
  answerTestId,
  children,
}: {
  action: (prev: UserActionState, formData: FormData) => Promise<UserActionState>;
  fields: Record<string, string>;
  answerTestId: string;
  children: (pending: boolean, state: UserActionState) => React.ReactNode;
}) {
  const [state, formAction, pending] = useActionState(action, undefined);
  return (
    <form action={formAction} className="flex flex-col items-start gap-1 sm:items-end">
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {children(pending, state)}
      {state ? (
        <p
          data-testid={answerTestId}
          data-ok={state.ok ? "true" : "false"}
          className={`text-xs ${state.ok ? "text-emerald-800" : "text-red-700"}`}
        >
          <StaffMessage message={state.message} />
        </p>
      ) : null}
    </form>
  );
}

/** 设为管理员 / 设为员工 for one staff user. Disabled (with the reason) for the only admin. */
export function RoleForm({ userId, role, lastAdmin }: { userId: string; role: "staff" | "admin"; lastAdmin: boolean }) {
  const t = useTranslations("staffUsers");
  const target = role === "admin" ? "staff" : "admin";
  return (
    <RowActionForm action={changeRoleAction} fields={{ userId, role: target }} answerTestId="role-change-result">
      {(pending) => (
        <>
          <button
            type="submit"
            data-testid={`role-change-${userId}`}
            disabled={pending || lastAdmin}
            title={lastAdmin ? t("lastAdminHint") : undefined}
            className={SECONDARY}
          >
            {pending ? t("changingRole") : target === "admin" ? t("makeAdmin") : t("makeStaff")}
          </button>
          {lastAdmin ? <p className="text-xs text-slate-500">{t("lastAdminHint")}</p> : null}
        </>
      )}
    </RowActionForm>
  );
}

/**
 * 停用 / 启用 one staff user. Not offered for oneself, nor (with the reason) for the only active admin; the
 * action refuses both anyway.
 */
export function DisableForm({
  userId,
  disabled,
  self,
  lastAdmin,
}: {
  userId: string;
  disabled: boolean;
  self: boolean;
  lastAdmin: boolean;
}) {
  const t = useTranslations("staffUsers");
  const blocked = !disabled && (self || lastAdmin);
  return (
    <RowActionForm
      action={setStaffDisabledAction}
      fields={{ userId, disabled: disabled ? "false" : "true" }}
      answerTestId="disable-result"
    >
      {(pending) => (
        <>
          <button
            type="submit"
            data-testid={`${disabled ? "enable" : "disable"}-${userId}`}
            disabled={pending || blocked}
            title={blocked ? (self ? t("selfHint") : t("lastAdminHint")) : undefined}
            className={disabled ? SECONDARY : `${SECONDARY} text-red-700 hover:bg-red-50`}
          >
            {disabled ? (pending ? t("enabling") : t("enable")) : pending ? t("disabling") : t("disable")}
          </button>
          {/* The only admin's row already says why (beside the role button); otherwise say it here (no hover on phones). */}
          {blocked && self && !lastAdmin ? <p className="text-xs text-slate-500">{t("selfHint")}</p> : null}
        </>
      )}
    </RowActionForm>
  );
}

/** 撤销 a pending invitation (every pending one for that email). */
export function RevokeInvitationForm({ email }: { email: string }) {
  const t = useTranslations("staffUsers");
  return (
    <RowActionForm action={revokeInvitationsAction} fields={{ email }} answerTestId="invitation-revoke-result">
      {(pending, state) =>
        state?.ok ? null : (
          <button type="submit" data-testid="invitation-revoke" disabled={pending} className={SECONDARY}>
            {pending ? t("revoking") : t("revoke")}
          </button>
        )
      }
    </RowActionForm>
  );
}
