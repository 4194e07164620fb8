"use client";

import { useTranslations } from "next-intl";
import { useActionState } from "react";
import { Translated } from "@/app/_components/translated";
import type { ActionState } from "@/lib/i18n/message";
import { cancelRegistrationAction } from "./actions";

export function CancelRegistrationButton({ id }: { id: string }) {
  const t = useTranslations("registration.staff");
  const [state, action, pending] = useActionState<ActionState | undefined, FormData>(
    cancelRegistrationAction,
    undefined,
  );
  return (
    <form action={action} className="flex flex-col items-start gap-1">
      <input type="hidden" name="id" value={id} />
      <button
        type="submit"
        disabled={pending}
        data-testid={`cancel-registration-${id}`}
        className="rounded-lg border border-red-300 px-3 py-1.5 text-xs font-semibold text-red-800 hover:bg-red-50 disabled:opacity-60"
      >
        {t("cancel")}
      </button>
      {state?.message ? (
        <span role="status" className="text-xs text-slate-600">
          <Translated message={state.message} />
        </span>
      ) : null}
    </form>
  );
}
