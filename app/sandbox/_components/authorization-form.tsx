"use client";

import { useActionState, useEffect, useState, type FormEvent } from "react";
import type { AccountKind } from "@/lib/wechat/permissions";
import {
  cancelSandboxAuthorizationAction,
  confirmSandboxAuthorizationAction,
  type SandboxAuthorizationState,
} from "../actions";
import { AVATAR_COLOR, KIND_LABEL } from "./labels";
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

export function AuthorizationForm(props: AuthorizationFormProps) {
  const [state, formAction, pending] = useActionState(
    async (_previous: SandboxAuthorizationState | null, formData: FormData) =>
      formData.get("intent") === "cancel"
        ? cancelSandboxAuthorizationAction(formData)
        : confirmSandboxAuthorizationAction(formData),
    null,
  );
  const [localError, setLocalError] = useState<{ zh: string; en: string } | null>(null);
  useEffect(() => {
    if (state?.redirectTo) window.location.assign(state.redirectTo);
  }, [state?.redirectTo]);

  if (state?.error) return <WechatError error={state.error} />;
  if (state?.redirectTo) {
    return (
      <p data-testid="redirecting" className="px-4 py-10 text-center text-[15px] text-black/60">
        正在返回第三方平台… · Returning to the platform…
      </p>
    );
  }

  const firstChoice = props.accounts[0]?.appId ?? (props.creatableKinds[0] ? `new:${props.creatableKinds[0]}` : "");
  const kinds = [...new Set<AccountKind>([...props.accounts.map((a) => a.kind), ...props.creatableKinds])];
  const card = props.mobile ? "bg-white" : "rounded-lg border border-black/5 bg-white";
  const formError = localError ?? state?.formError;

  // Saves a round trip (and React's form reset) when nothing is ticked; the action checks again anyway.
  function checkBeforeSubmit(event: FormEvent<HTMLFormElement>) {
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    if (submitter?.value === "cancel") return setLocalError(null);
    const chosen = event.currentTarget.querySelector<HTMLInputElement>("input[name=account]:checked");
    const kind = chosen?.dataset.kind;
    const ticked = kind ? event.currentTarget.querySelectorAll(`input[name="funcIds.${kind}"]:checked`).length : 0;
    if (!chosen) {
      event.preventDefault();
      setLocalError({ zh: "请选择要授权的账号", en: "Choose the account to authorize" });
    } else if (ticked === 0) {
      event.preventDefault();
      setLocalError({ zh: "请至少选择一项权限", en: "Choose at least one permission set" });
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
        <legend className="sr-only">选择授权账号 · Choose the account</legend>
        <p aria-hidden="true" className="px-4 pt-4 pb-2 text-sm text-black/60">
          选择授权账号 <span className="text-black/60">· Choose the account</span>
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
                        已授权
                      </span>
                    )}
                  </span>
                  <span className="block truncate text-xs text-black/60">
                    {KIND_LABEL[account.kind].zh} · {KIND_LABEL[account.kind].en}
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
            const label = `新建${KIND_LABEL[kind].zh}`;
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
                      {props.bizAppId ? `AppID ${props.bizAppId} · ` : ""}Create a sandbox {KIND_LABEL[kind].en} with a
                      realistic profile
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
              <span>
                账号名称（可选）<span className="text-black/60"> · Name (optional)</span>
              </span>
              <input
                name="nickName"
                maxLength={30}
                placeholder="留空则自动生成 · generated if empty"
                data-testid="new-account-name"
                aria-label="新账号名称"
                className="rounded-md border border-black/10 px-3 py-2 text-[15px] text-black/90 outline-none focus:border-[#07c160]"
              />
            </label>
          </div>
        )}
        {kinds.length === 0 && (
          <p className="px-4 pb-4 text-sm text-black/60">没有可授权的账号 · No account can be authorized</p>
        )}
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
              授权后，{props.platformName}将获得以下权限（{KIND_LABEL[kind].zh}）
            </legend>
            <p aria-hidden="true" className="px-4 pt-4 pb-1 text-sm text-black/60">
              授权后，<span className="text-black/80">{props.platformName}</span> 将获得以下权限
              <span className="block text-xs text-black/60">
                After authorization the platform gets these permissions
              </span>
            </p>
            <ul>
              {primary.map((set) => (
                <PermissionRow key={set.id} kind={kind} set={set} checked />
              ))}
            </ul>
            {others.length > 0 && (
              <div className="border-t border-black/5">
                <p className="px-4 pt-3 text-xs text-black/60">其他权限集 · Other permission sets ({others.length})</p>
                <ul className="max-h-56 overflow-y-auto">
                  {others.map((set) => (
                    <PermissionRow key={set.id} kind={kind} set={set} checked={false} />
                  ))}
                </ul>
              </div>
            )}
          </fieldset>
        );
      })}

      {formError && (
        <p data-testid="form-error" className="px-4 text-sm text-wechat-red">
          {formError.zh} <span className="text-wechat-red">· {formError.en}</span>
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
          {pending ? "授权中…" : "确认授权"}
        </button>
        <button
          type="submit"
          name="intent"
          value="cancel"
          disabled={pending}
          data-testid="cancel-authorization"
          className={`rounded-lg px-6 py-3 text-[17px] font-medium text-wechat-dark disabled:opacity-50 ${props.mobile ? "flex-1 bg-white" : "bg-black/5 hover:bg-black/10 sm:min-w-[120px]"}`}
        >
          取消
        </button>
      </div>
    </form>
  );
}

function PermissionRow({ kind, set, checked }: { kind: AccountKind; set: FormPermissionSet; checked: boolean }) {
  return (
    <li>
      <label data-testid={`permission-${set.id}`} className="flex cursor-pointer items-start gap-3 px-4 py-2.5">
        <input
          type="checkbox"
          name={`funcIds.${kind}`}
          value={set.id}
          defaultChecked={checked}
          aria-label={set.zh}
          className="mt-0.5 h-[18px] w-[18px] shrink-0 accent-[#07c160]"
        />
        <span className="min-w-0 flex-1">
          <span className="block text-[15px] text-black/90">
            {set.zh}
            {set.mutex && <span className="ml-1.5 align-middle text-[11px] text-amber-700">互斥 · exclusive</span>}
          </span>
          <span className="block text-xs text-black/60">
            {set.en} · #{set.id}
          </span>
        </span>
      </label>
    </li>
  );
}
