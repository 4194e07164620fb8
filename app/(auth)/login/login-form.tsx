"use client";

import { useTranslations } from "next-intl";
import { useActionState } from "react";
import { signInAction } from "@/app/(auth)/actions";
import { FormError } from "@/app/_components/form-error";
import { SubmitButton } from "@/app/_components/submit-button";
import { TextField } from "@/app/_components/text-field";
import { useFormFields } from "@/app/_components/use-form-fields";
import { SwitchLink } from "../_components/switch-link";

export function LoginForm({ callbackUrl }: { callbackUrl: string }) {
  const t = useTranslations("auth.login");
  const [state, formAction, pending] = useActionState(signInAction, undefined);
  // Controlled, so the email survives React's form reset after a failed attempt.
  const bind = useFormFields({ email: "" }, undefined);
  return (
    <form action={formAction} noValidate className="flex flex-col gap-4">
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <FormError message={state?.message} />
      <TextField label={t("email")} type="email" autoComplete="email" inputMode="email" required {...bind("email")} />
      <TextField name="password" label={t("password")} type="password" autoComplete="current-password" required />
      <SubmitButton pending={pending} label={t("submit")} pendingLabel={t("pending")} className="mt-2 w-full" />
      <SwitchLink prompt={t("noAccount")} href="/signup" label={t("signUpLink")} />
    </form>
  );
}
