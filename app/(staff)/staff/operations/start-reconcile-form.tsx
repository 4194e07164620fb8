"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useActionState, useEffect } from "react";
import { SubmitButton } from "@/app/_components/submit-button";
import { StaffMessage } from "../_components/staff-message";
import { startReconcileAction } from "./actions";

/** 立即对账: starts a run in the background; the page then shows its progress. */
export function StartReconcileForm() {
  const t = useTranslations("staffOps.operations");
  const router = useRouter();
  const [state, action, pending] = useActionState(startReconcileAction, undefined);
  useEffect(() => {
    if (state) router.refresh();
  }, [state, router]);
  return (
    <form action={action} className="flex flex-col gap-3 sm:flex-row sm:items-center">
      <SubmitButton
        pending={pending}
        label={t("startReconcile")}
        pendingLabel={t("startingReconcile")}
        data-testid="start-reconcile"
        className="w-full sm:w-auto"
      />
      <p role="status" aria-live="polite" className="text-sm empty:hidden">
        {state?.message ? (
          <span
            data-testid="reconcile-start-result"
            data-ok={state.ok ? "true" : "false"}
            className={state.ok ? "text-emerald-800" : "text-amber-900"}
          >
            <StaffMessage message={state.message} />
          </span>
        ) : null}
      </p>
    </form>
  );
}
