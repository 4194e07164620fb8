"use client";

import { useLocale, useTranslations } from "next-intl";
import { useActionState, useEffect, useState, type FormEvent } from "react";
import type { AccountKind } from "@/lib/wechat/permissions";
import {
  cancelSandboxAuthorizationAction,
  confirmSandboxAuthorizationAction,
  type SandboxAuthorizationState,
} from "../actions";
import { AVATAR_COLOR, pick } from "./labels";
import { WechatError } from "./wechat-error";

export interface FormAccount {
  appId: string;
  kind: AccountKind;
  nickName: string;
  principalName: string;
  authorized: boolean;
}

export interface FormPermissionSet {
  id: number;
  zh: string;
  en: string;
  mutex: boolean | null;
}

export interface AuthorizationFormProps {
  platformName: string;
  mobile: boolean;
  /** The page's query, posted back so the action can check it again. */
  hidden: Record<string, string>;
  accounts: FormAccount[];
  creatableKinds: AccountKind[];
  /** Pre-created account id for `biz_appid` when the sandbox has never seen it. */
  bizAppId?: string;
  sets: Partial<Record<AccountKind, FormPermissionSet[]>>;
  preselected: Partial<Record<AccountKind, number[]>>;
}

// Which account is chosen drives what is shown through CSS (`:has(:checked)`), not React state, so the page
// behaves the same when a tester (or Playwright) clicks before hydration.
const SHOW_FOR_KIND: Record<AccountKind, string> = {
  official_account: "hidden group-has-[input[data-official-account]:checked]:block",
  mini_program: "hidden group-has-[input[data-mini-program]:checked]:block",
};
/** The marker attribute those selectors look for (Tailwind turns `_` in arbitrary values into spaces). */
const KIND_MARKER: Record<AccountKind, string> = {
  official_account: "data-official-account",
  mini_program: "data-mini-program",
};

type LocalError = "chooseAccountError" | "chooseSetError";

export function AuthorizationForm(props: AuthorizationFormProps) {
  const t = useTranslations("sandbox.authorize");
  const kindLabel = useTranslations("sandbox.kind");
  const locale = useLocale();
  const [state, formAction, pending] = useActionState(
    async (_previous: SandboxAuthorizationState | null, formData: FormData) =>
      formData.get("intent") === "cancel"
        ? cancelSandboxAuthorizationAction(formData)
        : confirmSandboxAuthorizationAction(formData),
    null,
  );
  const [localError, setLocalError] = useState<LocalError | null>(null);
  useEffect(() => {
    if (state?.redirectTo) window.location.assign(state.redirectTo);
  }, [state?.redirectTo]);

  if (state?.error) return <WechatError error={state.error} />;
  if (state?.redirectTo) {
    return (
      <p data-testid="redirecting" className="px-4 py-10 text-center text-[15px] text-black/60">
        {t("redirecting")}
      </p>
    );
  }

  const firstChoice = props.accounts[0]?.appId ?? (props.creatableKinds[0] ? `new:${props.creatableKinds[0]}` : "");
  const kinds = [...new Set<AccountKind>([...props.accounts.map((a) => a.kind), ...props.creatableKinds])];
  const card = props.mobile ? "bg-white" : "rounded-lg border border-black/5 bg-white";
  const formError = localError ? t(localError) : state?.formError ? pick(state.formError, locale) : null;

  // Saves a round trip (and React's form reset) when nothing is ticked; the action checks again anyway.
  function checkBeforeSubmit(event: FormEvent<HTMLFormElement>) {
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    if (submitter?.value === "cancel") return setLocalError(null);
    const chosen = event.currentTarget.querySelector<HTMLInputElement>("input[name=account]:checked");
    const kind = chosen?.dataset.kind;
    const ticked = kind ? event.currentTarget.querySelectorAll(`input[name="funcIds.${kind}"]:checked`).length : 0;
    if (!chosen) {
      event.preventDefault();
      setLocalError("chooseAccountError");
    } else if (ticked === 0) {
      event.preventDefault();
      setLocalError("chooseSetError");
    } else {
      setLocalError(null);
    }
  }

  return (
    <form
      action={formAction}
      onSubmit={checkBeforeSubmit}
      onChange={() => localError && setLocalError(null)}
      className="group flex flex-col gap-3"
      data-testid="authorization-form"
    >
      {Object.entries(props.hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <input type="hidden" name="page" value={props.mobile ? "mobile" : "pc"} />

      <fieldset className={`min-w-0 ${card}`}>
        <legend className="sr-only">{t("chooseAccount")}</legend>
        <p aria-hidden="true" className="px-4 pt-4 pb-2 text-sm text-black/60">
          {t("chooseAccount")}
        </p>
        <ul className="divide-y divide-black/5">
          {props.accounts.map((account) => (
            <li key={account.appId}>
              <label
                data-testid={`account-option-${account.appId}`}
                className="flex cursor-pointer items-center gap-3 px-4 py-3 has-[:checked]:bg-[#07c160]/5"
              >
                <span
                  aria-hidden="true"
                  className={`flex h-10 w-10 shrink-0 items-center justify-center rounded-full text-lg font-medium text-white ${AVATAR_COLOR[account.kind]}`}
                >
                  {Array.from(account.nickName)[0] ?? "?"}
                </span>
                <span className="min-w-0 flex-1">
                  <span className="flex items-center gap-2">
                    <span className="truncate text-[16px] text-black/90">{account.nickName}</span>
                    {account.authorized && (
                      <span className="shrink-0 rounded bg-[#07c160]/10 px-1.5 py-0.5 text-[11px] text-wechat-dark">
                        {t("authorized")}
                      </span>
                    )}
                  </span>
                  <span className="block truncate text-xs text-black/60">
                    {kindLabel(account.kind)}
                    {account.principalName && ` · ${account.principalName}`}
                  </span>
                  <span className="block font-mono text-[11px] text-black/60">{account.appId}</span>
                </span>
                <input
                  type="radio"
                  name="account"
                  value={account.appId}
                  data-kind={account.kind}
                  {...{ [KIND_MARKER[account.kind]]: "" }}
                  aria-label={account.nickName}
                  defaultChecked={firstChoice === account.appId}
                  className="h-5 w-5 shrink-0 accent-[#07c160]"
                />
              </label>
            </li>
          ))}
          {props.creatableKinds.map((kind) => {
            const value = `new:${kind}`;
            const label = t("newAccount", { kind: kindLabel(kind) });
            return (
              <li key={value}>
                <label
                  data-testid={`account-option-new-${kind}`}
                  className="flex cursor-pointer items-center gap-3 px-4 py-3 has-[:checked]:bg-[#07c160]/5"
                >
                  <span
                    aria-hidden="true"
                    className="flex h-10 w-10 shrink-0 items-center justify-center rounded-full border border-dashed border-black/25 text-xl text-black/60"
                  >
                    +
                  </span>
                  <span className="min-w-0 flex-1">
                    <span className="block text-[16px] text-black/90">{label}</span>
                    <span className="block text-xs text-black/60">
                      {props.bizAppId
                        ? t("newAccountHintWithAppId", { appId: props.bizAppId, kind: kindLabel(kind) })
                        : t("newAccountHint", { kind: kindLabel(kind) })}
                    </span>
                  </span>
                  <input
                    type="radio"
                    name="account"
                    value={value}
                    data-kind={kind}
                    {...{ [KIND_MARKER[kind]]: "" }}
                    data-new=""
                    aria-label={label}
                    defaultChecked={firstChoice === value}
                    className="h-5 w-5 shrink-0 accent-[#07c160]"
                  />
                </label>
              </li>
            );
          })}
        </ul>
        {props.creatableKinds.length > 0 && (
          <div className="hidden border-t border-black/5 px-4 py-3 group-has-[input[data-new]:checked]:block">
            <label className="flex flex-col gap-1 text-sm text-black/60">
              <span>{t("nameLabel")}</span>
              <input
                name="nickName"
                maxLength={30}
                placeholder={t("namePlaceholder")}
                data-testid="new-account-name"
                aria-label={t("nameAria")}
                className="rounded-md border border-black/10 px-3 py-2 text-[15px] text-black/90 outline-none focus:border-[#07c160]"
              />
            </label>
          </div>
        )}
        {kinds.length === 0 && <p className="px-4 pb-4 text-sm text-black/60">{t("noAccounts")}</p>}
      </fieldset>

      {kinds.map((kind) => {
        const sets = props.sets[kind] ?? [];
        const ticked = new Set(props.preselected[kind] ?? []);
        const primary = sets.filter((s) => ticked.has(s.id));
        const others = sets.filter((s) => !ticked.has(s.id));
        return (
          <fieldset
            key={kind}
            className={`min-w-0 ${card} ${SHOW_FOR_KIND[kind]}`}
            data-testid={`permission-sets-${kind}`}
          >
            <legend className="sr-only">
              {t("permissionsLegend", { platform: props.platformName, kind: kindLabel(kind) })}
            </legend>
            <p aria-hidden="true" className="px-4 pt-4 pb-1 text-sm text-black/60">
              {t.rich("permissionsIntro", {
                platform: props.platformName,
                strong: (chunks) => <span className="text-black/80">{chunks}</span>,
              })}
            </p>
            <ul>
              {primary.map((set) => (
                <PermissionRow key={set.id} kind={kind} set={set} checked locale={locale} exclusive={t("exclusive")} />
              ))}
            </ul>
            {others.length > 0 && (
              <div className="border-t border-black/5">
                <p className="px-4 pt-3 text-xs text-black/60">{t("otherSets", { count: others.length })}</p>
                <ul className="max-h-56 overflow-y-auto">
                  {others.map((set) => (
                    <PermissionRow
                      key={set.id}
                      kind={kind}
                      set={set}
                      checked={false}
                      locale={locale}
                      exclusive={t("exclusive")}
                    />
                  ))}
                </ul>
              </div>
            )}
          </fieldset>
        );
      })}

      {formError && (
        <p data-testid="form-error" className="px-4 text-sm text-wechat-red">
          {formError}
        </p>
      )}

      <div
        className={`flex gap-3 ${props.mobile ? "sticky bottom-0 z-10 flex-row-reverse border-t border-black/5 bg-[#ededed]/95 px-4 py-3 backdrop-blur" : "flex-col pt-2 sm:flex-row-reverse sm:justify-start"}`}
      >
        <button
          type="submit"
          name="intent"
          value="confirm"
          disabled={pending || kinds.length === 0}
          data-testid="confirm-authorization"
          className={`rounded-lg bg-wechat px-6 py-3 text-[17px] font-medium text-white hover:bg-wechat-dark disabled:opacity-50 ${props.mobile ? "flex-[2]" : "sm:min-w-[160px]"}`}
        >
          {pending ? t("confirming") : t("confirm")}
        </button>
        <button
          type="submit"
          name="intent"
          value="cancel"
          disabled={pending}
          data-testid="cancel-authorization"
          className={`rounded-lg px-6 py-3 text-[17px] font-medium text-wechat-dark disabled:opacity-50 ${props.mobile ? "flex-1 bg-white" : "bg-black/5 hover:bg-black/10 sm:min-w-[120px]"}`}
        >
          {t("cancel")}
        </button>
      </div>
    </form>
  );
}

function PermissionRow({
  kind,
  set,
  checked,
  locale,
  exclusive,
}: {
  kind: AccountKind;
  set: FormPermissionSet;
  checked: boolean;
  locale: string;
  exclusive: string;
}) {
  return (
    <li>
      <label data-testid={`permission-${set.id}`} className="flex cursor-pointer items-start gap-3 px-4 py-2.5">
        <input
          type="checkbox"
          name={`funcIds.${kind}`}
          value={set.id}
          defaultChecked={checked}
          aria-label={pick(set, locale)}
          className="mt-0.5 h-[18px] w-[18px] shrink-0 accent-[#07c160]"
        />
        <span className="min-w-0 flex-1">
          <span className="block text-[15px] text-black/90">
            {pick(set, locale)}
            {set.mutex && <span className="ml-1.5 align-middle text-[11px] text-amber-700">{exclusive}</span>}
          </span>
          <span className="block text-xs text-black/60">#{set.id}</span>
        </span>
      </label>
    </li>
  );
}
