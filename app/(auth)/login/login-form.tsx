"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { useActionState, useState } from "react";
import { signInAction } from "@/app/(auth)/actions";
import { FormError } from "@/app/_components/form-error";
import { SubmitButton } from "@/app/_components/submit-button";
import { TextField } from "@/app/_components/text-field";

export function LoginForm({ callbackUrl }: { callbackUrl: string }) {
  const t = useTranslations("auth.login");
  const [state, formAction, pending] = useActionState(signInAction, undefined);
  // Controlled, so the email survives React's form reset after a failed attempt.
  const [email, setEmail] = useState("");
  return (
    <form action={formAction} noValidate className="flex flex-col gap-4">
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <FormError message={state?.message} />
      <TextField
        name="email"
        label={t("email")}
        type="email"
        autoComplete="email"
        inputMode="email"
        required
        value={email}
        onChange={(e) => setEmail(e.target.value)}
      />
      <TextField name="password" label={t("password")} type="password" autoComplete="current-password" required />
      <SubmitButton pending={pending} label={t("submit")} pendingLabel={t("pending")} className="mt-2 w-full" />
      <p className="text-center text-sm text-slate-600">
        {t("noAccount")}{" "}
        <Link href="/signup" className="font-medium text-emerald-700 underline-offset-4 hover:underline">
          {t("signUpLink")}
        </Link>
      </p>
    </form>
  );
}
