"use client";

import { useTranslations } from "next-intl";
import { useActionState, useState } from "react";
import { startAuthorizationAction } from "@/app/(merchant)/accounts/actions";
import { FormError } from "@/app/_components/form-error";
import { SubmitChoices } from "@/app/_components/form-submit-choices";

type Device = "auto" | "pc" | "mobile";
export type AuthorizeButton = { authType: 1 | 2 | 3; label: string };

const BUTTON =
  "inline-flex min-h-11 items-center justify-center gap-2 rounded-lg bg-emerald-600 px-4 py-2.5 text-sm font-semibold text-white shadow-sm transition-colors hover:bg-emerald-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-600 disabled:cursor-wait disabled:opacity-70";

/**
 * 授权公众号 / 授权小程序 / 重新授权: one form, the device choice shared, each button posting its own authType.
 * On success the action sends the browser on to WeChat's authorization page.
 */
export function AuthorizeForm({
  buttons,
  bizAppId,
}: {
  buttons: AuthorizeButton[];
  /** Re-authorizing one particular account. */
  bizAppId?: string;
}) {
  const t = useTranslations("authorize");
  const [state, formAction, pending] = useActionState(startAuthorizationAction, undefined);
  const [device, setDevice] = useState<Device>("auto");
  const devices: Array<{ value: Device; label: string }> = [
    { value: "auto", label: t("deviceAuto") },
    { value: "pc", label: t("devicePc") },
    { value: "mobile", label: t("deviceMobile") },
  ];
  return (
    <form action={formAction} className="flex flex-col gap-3" aria-busy={pending}>
      {bizAppId ? <input type="hidden" name="bizAppId" value={bizAppId} /> : null}
      <FormError message={pending ? undefined : state?.message} detail={pending ? undefined : state?.detail} />
      <fieldset className="min-w-0">
        <legend className="mb-1.5 text-xs font-medium text-slate-600">{t("device")}</legend>
        <div className="flex w-full rounded-lg border border-slate-200 bg-slate-100 p-0.5 sm:inline-flex sm:w-auto">
          {devices.map((option) => (
            <label key={option.value} className="relative min-w-0 flex-1 cursor-pointer sm:flex-none">
              <input
                type="radio"
                name="device"
                value={option.value}
                // Uncontrolled on purpose: React resets the form after the action, and form.reset() restores
                // defaultChecked, which follows the last choice.
                defaultChecked={device === option.value}
                onChange={() => setDevice(option.value)}
                // Transparent over its segment (not sr-only), so the radio itself takes clicks and taps.
                className="peer absolute inset-0 z-10 h-full w-full cursor-pointer appearance-none opacity-0"
              />
              <span className="block h-full rounded-md px-2 py-1.5 text-center text-sm leading-snug text-slate-600 transition-colors peer-checked:bg-white peer-checked:font-medium peer-checked:text-slate-900 peer-checked:shadow-sm peer-focus-visible:ring-2 peer-focus-visible:ring-emerald-500 sm:px-3">
                {option.label}
              </span>
            </label>
          ))}
        </div>
        <p className="mt-1.5 text-xs leading-relaxed text-slate-500">{t("deviceHint")}</p>
      </fieldset>
      <SubmitChoices
        name="authType"
        pending={pending}
        choices={buttons.map((button) => ({
          value: button.authType,
          label: button.label,
          pendingLabel: t("pending"),
          className: BUTTON,
        }))}
      />
      <p role="status" className="sr-only">
        {pending ? t("pending") : ""}
      </p>
    </form>
  );
}
