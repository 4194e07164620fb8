"use client";

import { useTranslations } from "next-intl";
import { useActionState, useState } from "react";
import { TextField } from "@/app/_components/text-field";
import { Translated } from "@/app/_components/translated";
import type { Message } from "@/lib/i18n/message";
import { startRegistrationAction, type RegisterFormState } from "./actions";

type Kind = "enterprise" | "personal" | "official_account";

export function RegisterForm({ officialAccounts }: { officialAccounts: { appId: string; nickName: string | null }[] }) {
  const t = useTranslations("registration");
  const [state, action, pending] = useActionState<RegisterFormState | undefined, FormData>(
    startRegistrationAction,
    undefined,
  );
  const [kind, setKind] = useState<Kind>("enterprise");
  const fieldErrors: Record<string, Message> = state && !state.ok ? (state.fieldErrors ?? {}) : {};
  const kinds: Kind[] =
    officialAccounts.length > 0 ? ["enterprise", "personal", "official_account"] : ["enterprise", "personal"];

  const field = (
    name: string,
    label: string,
    hint?: string,
    props: React.InputHTMLAttributes<HTMLInputElement> = {},
  ) => (
    <TextField
      name={name}
      label={label}
      hint={hint}
      error={fieldErrors[name]}
      required
      defaultValue={state?.values?.[name] ?? ""}
      {...props}
    />
  );

  return (
    <form action={action} className="flex flex-col gap-5" data-testid="register-form">
      <fieldset>
        <legend className="text-sm font-medium text-slate-800">{t("kind.legend")}</legend>
        <div className="mt-2 grid grid-cols-1 gap-2 sm:grid-cols-3">
          {kinds.map((k) => (
            <label
              key={k}
              className={`flex cursor-pointer flex-col rounded-xl border p-3 text-sm ${kind === k ? "border-emerald-700 bg-emerald-50" : "border-slate-200 bg-white"}`}
            >
              <span className="flex items-center gap-2 font-semibold text-slate-900">
                <input
                  type="radio"
                  name="kind"
                  value={k}
                  checked={kind === k}
                  onChange={() => setKind(k)}
                  data-testid={`kind-${k}`}
                />
                {t(`kind.${k}`)}
              </span>
              <span className="mt-1 text-xs text-slate-600">{t(`kind.${k}Hint`)}</span>
            </label>
          ))}
        </div>
        {officialAccounts.length === 0 ? (
          <p className="mt-2 text-xs text-slate-500">{t("form.noOfficialAccount")}</p>
        ) : null}
      </fieldset>

      {kind === "enterprise" ? (
        <div className="grid grid-cols-1 gap-4 sm:grid-cols-2" key="enterprise">
          {field("name", t("form.name"), t("form.nameHint"), { maxLength: 100, autoComplete: "organization" })}
          {field("code", t("form.code"), t("form.codeHint"), {
            maxLength: 18,
            minLength: 18,
            spellCheck: false,
            style: { fontFamily: "monospace", textTransform: "uppercase" },
          })}
          {field("phone", t("form.phone"), undefined, { type: "tel", autoComplete: "tel", maxLength: 20 })}
        </div>
      ) : kind === "personal" ? (
        <div className="grid grid-cols-1 gap-4 sm:grid-cols-2" key="personal">
          {field("wxuser", t("form.wxuser"), t("form.wxuserHint"), {
            maxLength: 20,
            spellCheck: false,
            autoCapitalize: "off",
          })}
          {field("phone", t("form.phone"), undefined, { type: "tel", autoComplete: "tel", maxLength: 20 })}
        </div>
      ) : (
        <div className="flex flex-col gap-1.5" key="oa">
          <label htmlFor="field-officialAccount" className="text-sm font-medium text-slate-800">
            {t("form.officialAccount")}
          </label>
          <select
            id="field-officialAccount"
            name="officialAccount"
            className="rounded-lg border border-slate-300 bg-white px-3 py-2.5 text-base sm:text-sm"
          >
            {officialAccounts.map((a) => (
              <option key={a.appId} value={a.appId}>
                {a.nickName ?? a.appId}
              </option>
            ))}
          </select>
          {fieldErrors.officialAccount ? (
            <p className="text-sm text-red-700">
              <Translated message={fieldErrors.officialAccount} />
            </p>
          ) : null}
        </div>
      )}

      {state && !state.ok ? (
        <p
          role="alert"
          data-testid="form-error"
          className="rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800"
        >
          <Translated message={state.message} />
        </p>
      ) : null}
      <div>
        <button
          type="submit"
          disabled={pending}
          data-testid="register-submit"
          className="inline-flex min-h-11 items-center justify-center rounded-lg bg-emerald-700 px-5 py-2.5 text-sm font-semibold text-white shadow-sm hover:bg-emerald-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-700 disabled:cursor-wait disabled:opacity-70"
        >
          {pending ? t("form.submitting") : t("form.submit")}
        </button>
      </div>
    </form>
  );
}
