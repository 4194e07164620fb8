"use client";

import { useRouter } from "next/navigation";
import { useActionState, useEffect } from "react";
import { localizeMessage } from "@/app/_components/localize";
import { SubmitButton } from "@/app/_components/submit-button";
import type { Language } from "@/lib/i18n";
import { getStaffOpsDictionary } from "@/lib/i18n-staff-ops";
import { startReconcileAction } from "./actions";

/** 立即对账: starts a run in the background; the page then shows its progress. */
export function StartReconcileForm({ lang }: { lang: Language }) {
  const t = getStaffOpsDictionary(lang).operations;
  const router = useRouter();
  const [state, action, pending] = useActionState(startReconcileAction, undefined);
  useEffect(() => {
    if (state) router.refresh();
  }, [state, router]);
  return (
    <form action={action} className="flex flex-col gap-3 sm:flex-row sm:items-center">
      <SubmitButton pending={pending} label={t.startReconcile} pendingLabel={t.startingReconcile} data-testid="start-reconcile" className="w-full sm:w-auto" />
      <p role="status" aria-live="polite" className="text-sm empty:hidden">
        {state ? (
          <span data-testid="reconcile-start-result" data-ok={state.ok ? "true" : "false"} className={state.ok ? "text-emerald-800" : "text-amber-900"}>
            {localizeMessage(state.message, lang)}
          </span>
        ) : null}
      </p>
    </form>
  );
}
