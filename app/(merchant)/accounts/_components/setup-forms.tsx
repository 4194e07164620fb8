"use client";

import { useTranslations } from "next-intl";
import { useActionState } from "react";
import { ActionButton } from "@/app/_components/action-button";
import { ActionRow } from "@/app/_components/form-action-row";
import { ActionStatus } from "@/app/_components/form-action-status";
import { useKeptFormAction } from "@/app/_components/use-kept-form-action";
import { Translated } from "@/app/_components/translated";
import {
  bindTesterAction,
  refreshSetupAction,
  savePrivacyContactsAction,
  unbindTesterAction,
} from "../[appid]/setup-actions";

const INPUT =
  "w-full rounded-lg border border-slate-300 bg-white px-3 py-2.5 text-base text-slate-900 outline-none focus:border-emerald-700 focus:ring-2 focus:ring-emerald-100 sm:text-sm";

export function RefreshSetupForm({ appId }: { appId: string }) {
  const t = useTranslations("setup.ui");
  const [state, action, pending] = useActionState(refreshSetupAction, undefined);
  return (
    <form action={action} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="appId" value={appId} />
      <ActionButton
        pending={pending}
        label={t("refresh")}
        pendingLabel={t("refreshing")}
        variant="secondary"
        data-testid="setup-refresh"
      />
      <ActionStatus state={state} testId="setup-refresh-status" />
    </form>
  );
}

type Contacts = {
  contactEmail: string | null;
  contactPhone: string | null;
  contactQq: string | null;
  contactWeixin: string | null;
};

export function PrivacyContactsForm({ appId, contacts }: { appId: string; contacts: Contacts | null }) {
  const t = useTranslations("setup.ui.contacts");
  const { state, pending, formProps } = useKeptFormAction(savePrivacyContactsAction);
  const fields = [
    { name: "contactEmail", type: "email", inputMode: "email" as const, value: contacts?.contactEmail },
    { name: "contactPhone", type: "tel", inputMode: "tel" as const, value: contacts?.contactPhone },
    { name: "contactWeixin", type: "text", inputMode: "text" as const, value: contacts?.contactWeixin },
    { name: "contactQq", type: "text", inputMode: "numeric" as const, value: contacts?.contactQq },
  ] as const;
  const fieldErrors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form {...formProps} className="mt-3 flex flex-col gap-3" data-testid="privacy-contacts-form">
      <input type="hidden" name="appId" value={appId} />
      <p className="text-sm text-slate-600">{t("hint")}</p>
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        {fields.map((f) => (
          <div key={f.name} className="flex flex-col gap-1.5">
            <label htmlFor={`privacy-${f.name}`} className="text-sm font-medium text-slate-800">
              {t(`labels.${f.name}`)}
            </label>
            <input
              id={`privacy-${f.name}`}
              name={f.name}
              type={f.type}
              inputMode={f.inputMode}
              autoComplete="off"
              defaultValue={f.value ?? ""}
              aria-invalid={fieldErrors?.[f.name] ? true : undefined}
              className={INPUT}
            />
            {fieldErrors?.[f.name] ? (
              <p className="text-sm text-red-700">
                <Translated message={fieldErrors[f.name]!} />
              </p>
            ) : null}
          </div>
        ))}
      </div>
      <ActionRow pending={pending} label={t("save")} pendingLabel={t("saving")} data-testid="privacy-contacts-save">
        <ActionStatus state={state} testId="privacy-contacts-status" />
      </ActionRow>
    </form>
  );
}

export function BindTesterForm({ appId }: { appId: string }) {
  const t = useTranslations("setup.ui.testers");
  const { state, pending, formProps } = useKeptFormAction(bindTesterAction, { resetOnSuccess: true });
  return (
    <form {...formProps} className="flex flex-col gap-2" data-testid="bind-tester-form">
      <input type="hidden" name="appId" value={appId} />
      <label htmlFor="tester-wechat-id" className="text-sm font-medium text-slate-800">
        {t("wechatId")}
      </label>
      <div className="flex flex-col gap-2 sm:flex-row">
        <input
          id="tester-wechat-id"
          name="wechatId"
          required
          autoComplete="off"
          spellCheck={false}
          placeholder="wxid_example"
          className={`${INPUT} sm:max-w-xs`}
        />
        <ActionButton pending={pending} label={t("bind")} pendingLabel={t("binding")} data-testid="bind-tester" />
      </div>
      <p className="text-xs text-slate-500">{t("hint")}</p>
      <ActionStatus state={state} testId="bind-tester-status" />
    </form>
  );
}

export function UnbindTesterForm({ appId, userstr, label }: { appId: string; userstr: string; label: string }) {
  const t = useTranslations("setup.ui.testers");
  const [state, action, pending] = useActionState(unbindTesterAction, undefined);
  return (
    <form action={action} className="flex items-center gap-2">
      <input type="hidden" name="appId" value={appId} />
      <input type="hidden" name="userstr" value={userstr} />
      <ActionButton
        pending={pending}
        label={t("unbind")}
        pendingLabel={t("unbinding")}
        variant="secondary"
        aria-label={t("unbindLabel", { who: label })}
      />
      <ActionStatus state={state} testId="unbind-tester-status" />
    </form>
  );
}
