"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useActionState, useEffect } from "react";
import { FormError } from "@/app/_components/form-error";
import { SubmitButton } from "@/app/_components/submit-button";
import { useFormFields } from "@/app/_components/use-form-fields";
import { NewPasswordField } from "../../_components/new-password-field";
import { acceptInvitationAction } from "./actions";

/** Set a password for an invited staff account (twice); on success the new account is signed in. */
export function AcceptInvitationForm({ token, email }: { token: string; email: string }) {
  const t = useTranslations("invite");
  const router = useRouter();
  const [state, formAction, pending] = useActionState(acceptInvitationAction, undefined);
  const bind = useFormFields({ password: "", confirm: "" }, state?.fieldErrors);
  // The invitation went away meanwhile (used in another tab, expired): show the page's explanation.
  useEffect(() => {
    if (state?.gone) router.refresh();
  }, [state, router]);
  return (
    <form action={formAction} noValidate className="flex flex-col gap-4">
      <FormError message={state?.message} />
      <input type="hidden" name="token" value={token} />
      {/* For password managers: the account these credentials belong to. */}
      <input type="email" name="username" value={email} autoComplete="username" readOnly hidden />
      <NewPasswordField label={t("password")} hint={t("passwordHint")} {...bind("password")} />
      <NewPasswordField label={t("confirm")} {...bind("confirm")} />
      <SubmitButton
        pending={pending}
        label={t("submit")}
        pendingLabel={t("pending")}
        data-testid="invite-accept-submit"
        className="mt-2 w-full"
      />
    </form>
  );
}
