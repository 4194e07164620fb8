"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { useActionState, useState } from "react";
import { Panel } from "@/app/_components/panel";
import { Spinner } from "@/app/_components/submit-button";
import { Translated } from "@/app/_components/translated";
import { createReleaseBatchAction } from "../actions";

const DEFAULT_EXT_JSON = '{"extAppid":"{{appId}}","ext":{"shopName":"{{nickName}}","merchant":"{{merchantName}}"}}';
const PLACEHOLDERS = "{{appId}} {{nickName}} {{merchantName}} {{principalName}}";

/** One option of a radio group whose choice the form keeps in state. */
function Choice<V extends string>({
  name,
  value,
  current,
  onChoose,
  children,
}: {
  name: string;
  value: V;
  current: V;
  onChoose: (value: V) => void;
  children: React.ReactNode;
}) {
  return (
    <label className="flex items-center gap-2 text-sm">
      <input type="radio" name={name} value={value} checked={current === value} onChange={() => onChoose(value)} />
      {children}
    </label>
  );
}

export function NewBatchForm({
  templates,
  programs,
}: {
  templates: { id: number; version: string; desc: string }[];
  programs: { appId: string; name: string; merchant: string; eligible: boolean }[];
}) {
  const t = useTranslations("releases");
  const [state, action, pending] = useActionState(createReleaseBatchAction, undefined);
  const [targets, setTargets] = useState<"all" | "selection">("all");
  const [onApproval, setOnApproval] = useState<"release" | "gray" | "merchant">("release");
  const eligible = programs.filter((p) => p.eligible);
  const ineligible = programs.filter((p) => !p.eligible);
  const input =
    "mt-1 block w-full rounded-lg border border-slate-300 px-3 py-2 text-sm focus:border-emerald-600 focus:outline-none";
  return (
    <form action={action} className="space-y-5">
      <Panel titleId="template-title" title={t("new.template")}>
        {templates.length === 0 ? (
          <p className="text-sm text-slate-600">
            {t("new.noTemplates")}{" "}
            <Link href="/staff/releases/templates" className="text-emerald-800 underline">
              {t("list.templates")}
            </Link>
          </p>
        ) : (
          <select name="templateId" aria-label={t("new.template")} className={input} defaultValue={templates[0]?.id}>
            {templates.map((x) => (
              <option key={x.id} value={x.id}>
                {t("new.templateOption", { id: x.id, version: x.version, desc: x.desc })}
              </option>
            ))}
          </select>
        )}
      </Panel>

      <Panel titleId="targets-title" title={t("new.targets")}>
        {programs.length === 0 ? <p className="text-sm text-slate-600">{t("new.noPrograms")}</p> : null}
        <fieldset className="space-y-2">
          <legend className="sr-only">{t("new.targets")}</legend>
          <Choice name="targets" value="all" current={targets} onChoose={setTargets}>
            {t("new.allEligible", { count: eligible.length })}
          </Choice>
          <Choice name="targets" value="selection" current={targets} onChoose={setTargets}>
            {t("new.selection")}
          </Choice>
        </fieldset>
        {targets === "selection" ? (
          <ul className="mt-3 max-h-72 space-y-1 overflow-y-auto rounded-lg border border-slate-200 p-2">
            {eligible.map((p) => (
              <li key={p.appId}>
                <label className="flex items-center gap-2 text-sm">
                  <input type="checkbox" name="appIds" value={p.appId} data-testid={`target-${p.appId}`} />
                  <span className="truncate">
                    {p.name}{" "}
                    <span className="text-xs text-slate-500">
                      {p.merchant} · {p.appId}
                    </span>
                  </span>
                </label>
              </li>
            ))}
          </ul>
        ) : null}
        {ineligible.length > 0 ? (
          <div className="mt-4 rounded-lg border border-amber-200 bg-amber-50 p-3">
            <p className="text-sm font-medium text-amber-900">{t("new.ineligible")}</p>
            <p className="mt-1 text-xs text-amber-900">{t("new.ineligibleReason")}</p>
            <ul className="mt-2 space-y-0.5 text-xs text-amber-900">
              {ineligible.map((p) => (
                <li key={p.appId} data-testid="ineligible-program">
                  {p.name} · {p.merchant} · <span className="font-mono">{p.appId}</span> · 61007
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </Panel>

      <Panel titleId="version-title" title={t("new.version")}>
        <div className="grid gap-4 sm:grid-cols-2">
          <label className="block text-sm font-medium text-slate-800">
            {t("new.version")}
            <input name="version" required maxLength={64} defaultValue="1.0.0" className={input} />
          </label>
          <label className="block text-sm font-medium text-slate-800">
            {t("new.description")}
            <input name="description" maxLength={200} className={input} />
          </label>
        </div>
        <label className="mt-4 block text-sm font-medium text-slate-800">
          {t("new.extJson")}
          <textarea
            name="extJsonTemplate"
            rows={4}
            defaultValue={DEFAULT_EXT_JSON}
            className={`${input} font-mono text-xs`}
          />
        </label>
        <p className="mt-1 text-xs text-slate-500">{t("new.extJsonHelp", { list: PLACEHOLDERS })}</p>
      </Panel>

      <Panel titleId="approval-title" title={t("new.onApproval")}>
        <fieldset className="space-y-2">
          <legend className="sr-only">{t("new.onApproval")}</legend>
          {(["release", "gray", "merchant"] as const).map((v) => (
            <Choice key={v} name="onApproval" value={v} current={onApproval} onChoose={setOnApproval}>
              {v === "release"
                ? t("new.onApprovalRelease")
                : v === "gray"
                  ? t("new.onApprovalGray")
                  : t("new.onApprovalMerchant")}
            </Choice>
          ))}
        </fieldset>
        {onApproval === "gray" ? (
          <label className="mt-3 block max-w-40 text-sm font-medium text-slate-800">
            {t("new.grayPercentage")}
            <input name="grayPercentage" type="number" min={1} max={100} defaultValue={10} className={input} />
          </label>
        ) : null}
      </Panel>

      {state && !state.ok ? (
        <p
          data-testid="form-error"
          className="rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800"
        >
          <Translated message={state.message} />
        </p>
      ) : null}
      <button
        type="submit"
        disabled={pending || templates.length === 0}
        data-testid="create-batch"
        className="inline-flex min-h-11 items-center gap-2 rounded-lg bg-emerald-700 px-5 py-2.5 text-sm font-semibold text-white hover:bg-emerald-800 disabled:opacity-60"
      >
        {pending ? <Spinner /> : null}
        {t("new.submit")}
      </button>
    </form>
  );
}
