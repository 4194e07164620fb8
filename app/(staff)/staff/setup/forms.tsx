"use client";

import { useTranslations } from "next-intl";
import { useActionState } from "react";
import { ActionButton } from "@/app/_components/action-button";
import { ActionRow } from "@/app/_components/form-action-row";
import { ActionStatus } from "@/app/_components/form-action-status";
import { useKeptFormAction } from "@/app/_components/use-kept-form-action";
import { applyAccountAction, applyBatchAction, changePlatformDomainsAction, saveProfileAction } from "./actions";

const INPUT =
  "w-full rounded-lg border border-slate-300 bg-white px-3 py-2 font-mono text-base text-slate-900 outline-none focus:border-emerald-700 focus:ring-2 focus:ring-emerald-100 sm:text-sm";

/** A labelled control of these forms: the label's text, then the control, stacked. */
function Field({ className, children }: { className?: string; children: React.ReactNode }) {
  return (
    <label className={`flex flex-col gap-1.5 text-sm font-medium text-slate-800${className ? ` ${className}` : ""}`}>
      {children}
    </label>
  );
}

/** Hosts, one a line: not wrapped, not spell-checked. */
function HostsInput(props: React.TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return <textarea wrap="off" spellCheck={false} className={INPUT} {...props} />;
}

export function PlatformDomainsForm() {
  const t = useTranslations("setup.ui.platform");
  // Refused hosts stay in the field to correct; sent ones are cleared.
  const { state, pending, formProps } = useKeptFormAction(changePlatformDomainsAction, { resetOnSuccess: true });
  return (
    <form
      {...formProps}
      className="mt-4 flex flex-col gap-3 border-t border-slate-100 pt-4"
      data-testid="platform-domains-form"
    >
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <Field>
          {t("registry")}
          <select name="registry" className={INPUT} defaultValue="server">
            <option value="server">{t("server")}</option>
            <option value="jump">{t("jump")}</option>
          </select>
        </Field>
        <Field>
          {t("action")}
          <select name="action" className={INPUT} defaultValue="add">
            <option value="add">{t("add")}</option>
            <option value="delete">{t("delete")}</option>
          </select>
        </Field>
      </div>
      <Field>
        {t("hosts")}
        <HostsInput name="hosts" rows={3} required placeholder="api.example.com" />
      </Field>
      <p className="text-xs text-slate-500">{t("hostsHint")}</p>
      <ActionRow pending={pending} label={t("save")} pendingLabel={t("saving")} data-testid="platform-domains-submit">
        <ActionStatus state={state} testId="platform-domains-status" />
      </ActionRow>
    </form>
  );
}

export interface ProfileDefaults {
  domains: Record<string, string>;
  webviewdomain: string;
  noticeMethod: string;
  storeExpire: string;
  privacy: string;
}

const TYPES = ["requestdomain", "wsrequestdomain", "uploaddomain", "downloaddomain", "udpdomain", "tcpdomain"] as const;

export function ProfileForm({ defaults }: { defaults: ProfileDefaults }) {
  const t = useTranslations("setup.ui.profile");
  const { state, pending, formProps } = useKeptFormAction(saveProfileAction);
  return (
    <form {...formProps} className="mt-3 flex flex-col gap-4" data-testid="profile-form">
      <fieldset className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <legend className="mb-2 text-sm font-semibold text-slate-900">{t("serverDomains")}</legend>
        {TYPES.map((type) => (
          <Field key={type}>
            {t(`types.${type}`)}
            <HostsInput name={type} rows={2} defaultValue={defaults.domains[type] ?? ""} />
          </Field>
        ))}
      </fieldset>
      <Field>
        {t("webview")}
        <HostsInput name="webviewdomain" rows={2} defaultValue={defaults.webviewdomain} />
      </Field>
      <p className="-mt-2 text-xs text-slate-500">{t("domainsHint")}</p>
      <fieldset className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <legend className="mb-2 text-sm font-semibold text-slate-900">{t("privacy")}</legend>
        <Field>
          {t("noticeMethod")}
          <input name="noticeMethod" required defaultValue={defaults.noticeMethod} className={INPUT} />
        </Field>
        <Field>
          {t("storeExpire")}
          <input name="storeExpire" defaultValue={defaults.storeExpire} placeholder="30天" className={INPUT} />
        </Field>
        <Field className="sm:col-span-2">
          {t("purposes")}
          <textarea
            name="privacy"
            rows={5}
            defaultValue={defaults.privacy}
            className={INPUT}
            placeholder="UserInfo: 登录后展示头像昵称"
          />
        </Field>
      </fieldset>
      <p className="-mt-2 text-xs text-slate-500">{t("purposesHint")}</p>
      <ActionRow pending={pending} label={t("save")} pendingLabel={t("saving")} data-testid="profile-save">
        <ActionStatus state={state} testId="profile-status" />
      </ActionRow>
    </form>
  );
}

export interface Candidate {
  appId: string;
  nickName: string | null;
  blocked: boolean;
  applied: boolean;
  hasDevelopmentSet: boolean;
}

export function BatchApplyForm({ candidates }: { candidates: Candidate[] }) {
  const t = useTranslations("setup.ui.batch");
  const [state, action, pending] = useActionState(applyBatchAction, undefined);
  if (candidates.length === 0) return <p className="mt-3 text-sm text-slate-600">{t("none")}</p>;
  return (
    <form action={action} className="mt-3 flex flex-col gap-3" data-testid="batch-apply-form">
      <ul className="flex max-h-80 flex-col divide-y divide-slate-100 overflow-y-auto rounded-xl border border-slate-200">
        {candidates.map((c) => (
          <li key={c.appId}>
            <label className="flex cursor-pointer items-center gap-3 px-3 py-2.5 text-sm">
              <input
                type="checkbox"
                name="appId"
                value={c.appId}
                defaultChecked={c.hasDevelopmentSet}
                disabled={!c.hasDevelopmentSet}
                className="h-4 w-4 accent-emerald-700"
              />
              <span className="min-w-0 flex-1">
                <span className="block truncate font-medium text-slate-900">{c.nickName ?? c.appId}</span>
                <span className="block font-mono text-xs text-slate-500">{c.appId}</span>
              </span>
              <span className="flex shrink-0 flex-col items-end gap-0.5 text-xs">
                {!c.hasDevelopmentSet ? <span className="text-slate-500">{t("noSet18")}</span> : null}
                {c.blocked ? <span className="text-red-700">{t("notReady")}</span> : null}
                {c.applied ? <span className="text-emerald-800">{t("applied")}</span> : null}
              </span>
            </label>
          </li>
        ))}
      </ul>
      <ActionRow pending={pending} label={t("start")} pendingLabel={t("starting")} data-testid="batch-apply-submit">
        <ActionStatus state={state} testId="batch-apply-status" />
      </ActionRow>
    </form>
  );
}

export function ApplyAccountForm({ appId }: { appId: string }) {
  const t = useTranslations("setup.ui.account");
  const [state, action, pending] = useActionState(applyAccountAction, undefined);
  return (
    <form action={action} className="flex flex-col gap-2">
      <input type="hidden" name="appId" value={appId} />
      <ActionButton pending={pending} label={t("apply")} pendingLabel={t("applying")} data-testid="apply-account" />
      <ActionStatus state={state} testId="apply-account-status" />
    </form>
  );
}
