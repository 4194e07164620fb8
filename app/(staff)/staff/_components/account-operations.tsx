"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useActionState, useEffect } from "react";
import { refreshProfileNowAction, refreshTokenNowAction, type OperationState } from "../operations/actions";
import { Panel } from "@/app/_components/panel";
import { Spinner } from "@/app/_components/submit-button";
import type { AuthorizerStatus } from "@/db/schema";
import { StaffMessage } from "./staff-message";

const BUTTON =
  "inline-flex min-h-11 w-full items-center justify-center gap-2 rounded-lg border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-800 shadow-xs transition-colors hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-600 disabled:cursor-wait disabled:opacity-70 sm:w-auto";

function OperationForm({
  appId,
  action,
  pending,
  label,
  pendingLabel,
  testId,
}: {
  appId: string;
  action: (formData: FormData) => void;
  pending: boolean;
  label: string;
  pendingLabel: string;
  testId: string;
}) {
  return (
    <form action={action}>
      <input type="hidden" name="appId" value={appId} />
      <button type="submit" data-testid={testId} disabled={pending} aria-disabled={pending} className={BUTTON}>
        {pending ? <Spinner /> : null}
        {pending ? pendingLabel : label}
      </button>
    </form>
  );
}

function Result({ state, testId }: { state: OperationState; testId: string }) {
  if (!state?.message) return null;
  return (
    <p
      data-testid={testId}
      data-ok={state.ok ? "true" : "false"}
      className={`rounded-lg border px-3 py-2 text-sm leading-relaxed ${
        state.ok ? "border-emerald-200 bg-emerald-50 text-emerald-900" : "border-red-200 bg-red-50 text-red-800"
      }`}
    >
      <StaffMessage message={state.message} />
    </p>
  );
}

/**
 * Staff buttons for one account: renew its authorizer_access_token now (刷新令牌) and fetch its profile from
 * WeChat now (刷新资料). Each answers with the outcome (the new expiry, never the token) or WeChat's error.
 * Shown on the account page and on the operations page.
 */
export function AccountOperations({ appId, status }: { appId: string; status: AuthorizerStatus }) {
  const t = useTranslations("staffOps.accountOps");
  const router = useRouter();
  const [tokenState, tokenAction, tokenPending] = useActionState(refreshTokenNowAction, undefined);
  const [profileState, profileAction, profilePending] = useActionState(refreshProfileNowAction, undefined);

  const operations = [
    {
      name: "refresh-token",
      state: tokenState,
      action: tokenAction,
      pending: tokenPending,
      label: t("refreshToken"),
      pendingLabel: t("refreshingToken"),
    },
    {
      name: "refresh-profile",
      state: profileState,
      action: profileAction,
      pending: profilePending,
      label: t("refreshProfile"),
      pendingLabel: t("refreshingProfile"),
    },
  ];

  // What the page shows (status, expiry, profile) may have changed: read it again.
  useEffect(() => {
    if (tokenState || profileState) router.refresh();
  }, [tokenState, profileState, router]);

  return (
    <Panel titleId="account-operations-title" title={t("title")} data-testid="account-operations">
      {status !== "authorized" ? (
        <p data-testid="account-operations-hint" className="mt-1 text-sm text-amber-800">
          {t("notAuthorizedHint")}
        </p>
      ) : null}
      <div className="mt-4 flex flex-col gap-2 sm:flex-row">
        {operations.map((operation) => (
          <OperationForm
            key={operation.name}
            appId={appId}
            action={operation.action}
            pending={operation.pending}
            label={operation.label}
            pendingLabel={operation.pendingLabel}
            testId={`${operation.name}-now`}
          />
        ))}
      </div>
      <div role="status" aria-live="polite" className="mt-3 flex flex-col gap-2 empty:hidden">
        {operations.map((operation) => (
          <Result key={operation.name} state={operation.state} testId={`${operation.name}-result`} />
        ))}
      </div>
    </Panel>
  );
}
