"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { useActionState, useState } from "react";
import { signUpAction } from "@/app/(auth)/actions";
import { FormError } from "@/app/_components/form-error";
import { SubmitButton } from "@/app/_components/submit-button";
import { TextField } from "@/app/_components/text-field";

export function SignUpForm() {
  const t = useTranslations("auth.signup");
  const [state, formAction, pending] = useActionState(signUpAction, undefined);
  // Controlled, so what was typed survives React's form reset when the action answers with errors.
  const [values, setValues] = useState({ businessName: "", email: "", password: "" });
  const bind = (name: keyof typeof values) => ({
    name,
    value: values[name],
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => setValues((v) => ({ ...v, [name]: e.target.value })),
    error: state?.fieldErrors?.[name],
  });
  return (
    <form action={formAction} noValidate className="flex flex-col gap-4">
      <FormError message={state?.message} />
      <TextField
        label={t("businessName")}
        hint={t("businessNameHint")}
        autoComplete="organization"
        required
        {...bind("businessName")}
      />
      <TextField label={t("email")} type="email" autoComplete="email" inputMode="email" required {...bind("email")} />
      <TextField
        label={t("password")}
        hint={t("passwordHint")}
        type="password"
        autoComplete="new-password"
        required
        minLength={10}
        {...bind("password")}
      />
      <SubmitButton pending={pending} label={t("submit")} pendingLabel={t("pending")} className="mt-2 w-full" />
      <p className="text-center text-sm text-slate-600">
        {t("haveAccount")}{" "}
        <Link href="/login" className="font-medium text-emerald-700 underline-offset-4 hover:underline">
          {t("signInLink")}
        </Link>
      </p>
    </form>
  );
}
