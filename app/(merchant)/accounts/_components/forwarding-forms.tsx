"use client";

import { useTranslations } from "next-intl";
import { useActionState } from "react";
import { ActionStatus } from "@/app/_components/form-action-status";
import { useKeptFormAction } from "@/app/_components/use-kept-form-action";
import { SubmitButton } from "@/app/_components/submit-button";
import { rotateWebhookSecretAction, saveWebhookAction } from "../forwarding-actions";

/** The webhook URL: saved by a server action, its answer shown under the field. */
export function WebhookUrlForm({ url }: { url: string | null }) {
  const t = useTranslations("forwarding");
  const { state, pending, formProps } = useKeptFormAction(saveWebhookAction);
  return (
    <form {...formProps} className="flex flex-col gap-2" data-testid="webhook-form">
      <label htmlFor="webhook-url" className="text-sm font-medium text-slate-800">
        {t("urlLabel")}
      </label>
      <div className="flex flex-col gap-2 sm:flex-row">
        <input
          id="webhook-url"
          name="url"
          type="url"
          inputMode="url"
          autoComplete="off"
          spellCheck={false}
          placeholder="https://example.com/wechat/webhook"
          defaultValue={url ?? ""}
          aria-describedby="webhook-url-hint"
          className="min-w-0 flex-1 rounded-lg border border-slate-300 bg-white px-3 py-2.5 font-mono text-base text-slate-900 outline-none focus:border-emerald-600 focus:ring-2 focus:ring-emerald-100 sm:text-sm"
        />
        <SubmitButton pending={pending} label={t("save")} pendingLabel={t("saving")} />
      </div>
      <p id="webhook-url-hint" className="text-xs text-slate-500">
        {t("urlHint")}
      </p>
      <ActionStatus state={state} testId="webhook-form-status" />
    </form>
  );
}

export function RotateSecretForm() {
  const t = useTranslations("forwarding");
  const [state, action, pending] = useActionState(rotateWebhookSecretAction, undefined);
  return (
    <form action={action} className="flex flex-col gap-1" data-testid="rotate-secret-form">
      <button
        type="submit"
        disabled={pending}
        className="inline-flex min-h-9 w-fit items-center rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-50 disabled:cursor-wait"
      >
        {pending ? t("rotating") : t("rotate")}
      </button>
      <ActionStatus state={state} testId="rotate-secret-status" />
    </form>
  );
}
