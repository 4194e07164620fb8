"use client";

import { useTranslations } from "next-intl";
import { useActionState } from "react";
import { signUpAction } from "@/app/(auth)/actions";
import { FormError } from "@/app/_components/form-error";
import { SubmitButton } from "@/app/_components/submit-button";
import { TextField } from "@/app/_components/text-field";
import { useFormFields } from "@/app/_components/use-form-fields";
import { NewPasswordField } from "../_components/new-password-field";
import { SwitchLink } from "../_components/switch-link";

export function SignUpForm() {
  const t = useTranslations("auth.signup");
  const [state, formAction, pending] = useActionState(signUpAction, undefined);
  const bind = useFormFields({ businessName: "", email: "", password: "" }, state?.fieldErrors);
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
      <NewPasswordField label={t("password")} hint={t("passwordHint")} {...bind("password")} />
      <SubmitButton pending={pending} label={t("submit")} pendingLabel={t("pending")} className="mt-2 w-full" />
      <SwitchLink prompt={t("haveAccount")} href="/login" label={t("signInLink")} />
    </form>
  );
}
