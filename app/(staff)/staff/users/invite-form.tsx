"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { FormError } from "@/app/_components/form-error";
import { SubmitButton } from "@/app/_components/submit-button";
import { TextField } from "@/app/_components/text-field";
import { useKeptFormAction } from "@/app/_components/use-kept-form-action";
import { StaffMessage } from "../_components/staff-message";
import { createInvitationAction } from "./actions";

/** Invite staff: email and role → a single-use link, shown here once, to copy. */
export function InviteForm() {
  const t = useTranslations("staffUsers");
  // Dispatched by hand: React's automatic form reset would uncheck the controlled role radio behind its state.
  const { state, pending, formProps } = useKeptFormAction(createInvitationAction);
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<"staff" | "admin">("staff");
  const [copied, setCopied] = useState<string | null>(null);
  // A new invitation: the form is ready for the next one (the link stays shown). Adjusted during render, when
  // the action's state changes, rather than in an effect (https://react.dev/learn/you-might-not-need-an-effect).
  const [seenState, setSeenState] = useState(state);
  if (state !== seenState) {
    setSeenState(state);
    if (state?.ok) setEmail("");
  }

  const copy = async (link: string) => {
    try {
      await navigator.clipboard.writeText(link);
      setCopied(link);
    } catch {
      // No clipboard (plain http, old browser): the field is selected instead, for a manual copy.
      (document.getElementById("invite-link") as HTMLInputElement | null)?.select();
    }
  };

  return (
    <div className="flex flex-col gap-4">
      <form {...formProps} noValidate className="flex flex-col gap-4">
        {state && !state.ok && !state.fieldErrors?.email ? <FormError message={state.message} /> : null}
        <div className="flex flex-col gap-4 sm:flex-row sm:items-start">
          <TextField
            name="email"
            label={t("inviteEmail")}
            type="email"
            autoComplete="off"
            inputMode="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            error={state && !state.ok ? state.fieldErrors?.email : undefined}
            className="sm:flex-1"
          />
          <fieldset className="flex flex-col gap-1.5">
            <legend className="mb-1.5 text-sm font-medium text-slate-800">{t("inviteRole")}</legend>
            <div className="flex gap-2">
              {(["staff", "admin"] as const).map((value) => (
                <label
                  key={value}
                  className={`flex min-h-11 cursor-pointer items-center gap-2 rounded-lg border px-3 text-sm ${
                    role === value
                      ? "border-emerald-600 bg-emerald-50 text-emerald-900"
                      : "border-slate-300 bg-white text-slate-700"
                  }`}
                >
                  <input
                    type="radio"
                    name="role"
                    value={value}
                    checked={role === value}
                    onChange={() => setRole(value)}
                    data-testid={`invite-role-${value}`}
                    className="accent-emerald-600"
                  />
                  {t(`roles.${value}`)}
                </label>
              ))}
            </div>
          </fieldset>
        </div>
        <SubmitButton
          pending={pending}
          label={t("inviteSubmit")}
          pendingLabel={t("invitePending")}
          data-testid="invite-submit"
          className="w-full sm:w-auto sm:self-start"
        />
      </form>

      {state?.ok ? (
        <div
          data-testid="invite-created"
          role="status"
          className="rounded-xl border border-emerald-200 bg-emerald-50 p-4 text-emerald-950"
        >
          <p className="font-semibold">{t("inviteCreatedTitle")}</p>
          <p className="mt-0.5 text-sm leading-relaxed">
            <StaffMessage message={state.message} />
          </p>
          <div className="mt-3 flex flex-col gap-2 sm:flex-row">
            <input
              id="invite-link"
              data-testid="invite-link"
              readOnly
              value={state.link}
              aria-label={t("inviteCreatedTitle")}
              onFocus={(e) => e.currentTarget.select()}
              className="min-w-0 flex-1 rounded-lg border border-emerald-300 bg-white px-3 py-2.5 font-mono text-xs text-slate-900 sm:text-sm"
            />
            <button
              type="button"
              data-testid="invite-copy"
              onClick={() => void copy(state.link)}
              className="inline-flex min-h-11 items-center justify-center rounded-lg bg-emerald-600 px-4 text-sm font-semibold text-white shadow-sm hover:bg-emerald-700"
            >
              {copied === state.link ? t("copied") : t("copy")}
            </button>
          </div>
        </div>
      ) : null}
    </div>
  );
}
