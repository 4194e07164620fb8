import { notFound } from "next/navigation";
import type { ComponentProps, ReactNode } from "react";
import { connection } from "next/server";
import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import { Options } from "@/app/_components/options";
import { getPlatform } from "@/lib/platform";
import { DEFAULT_FUNC_IDS, permissionSetsFor } from "@/lib/sandbox/authorization-request";
import { SANDBOX_COMPONENT } from "@/lib/sandbox/credentials";
import { SANDBOX_ENDPOINTS, type SandboxAccount } from "@/lib/sandbox/wechat-sandbox";
import { describePermission } from "@/lib/wechat/permissions";
import {
  breakSandboxRefreshTokenAction,
  clearSandboxFaultsAction,
  pushSandboxTicketAction,
  resetSandboxCallsAction,
  revokeSandboxAccountAction,
  setSandboxFaultAction,
  updateSandboxGrantAction,
} from "./actions";
import { ConsoleForm, SubmitButton } from "./_components/console-form";
import { ConsoleHeader } from "./_components/console-header";
import { AVATAR_COLOR, pick } from "./_components/labels";
import { sandboxMetadata } from "./_components/sandbox-metadata";

// GET /sandbox: the WeChat sandbox console (accounts, grants, faults, call counts, ticket pushes)
export const generateMetadata = sandboxMetadata("console");

const COMMON_ERRCODES = [
  { value: -1, label: "system error" },
  { value: 40001, label: "invalid credential" },
  { value: 42001, label: "access_token expired" },
  { value: 45009, label: "daily quota reached" },
  { value: 61005, label: "ticket expired" },
  { value: 61006, label: "ticket invalid" },
  { value: 61009, label: "code invalid" },
  { value: 61010, label: "code expired" },
  { value: 61023, label: "refresh_token invalid" },
];

const INPUT =
  "rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm focus:border-[#07c160] focus:outline-none";

export default async function SandboxConsolePage() {
  await connection();
  const { env, sandbox } = await getPlatform();
  if (!sandbox) notFound();
  const [accounts, state, t, title, format] = await Promise.all([
    sandbox.listAccounts(),
    sandbox.getState(),
    getTranslations("sandbox.console"),
    getTranslations("sandbox.titles"),
    getFormatter(),
  ]);

  return (
    <main className="mx-auto flex max-w-4xl flex-col gap-5 px-4 py-6 sm:py-10">
      <ConsoleHeader
        title={title("console")}
        links={[
          { href: "/sandbox/release-test", label: t("releaseTestLink"), testId: "console-release-test-link" },
          { href: "/", label: t("portalLink") },
        ]}
      >
        {t("platform")}
        <span data-testid="console-platform-name">{SANDBOX_COMPONENT.name}</span>{" "}
        <span className="font-mono text-xs">({env.component.appId})</span>
      </ConsoleHeader>

      <Card id="accounts" title={t("accountsTitle", { count: accounts.length })}>
        <p className="mt-1 text-xs text-slate-500">{t("accountsHint")}</p>
        {accounts.length === 0 ? (
          <p
            data-testid="no-accounts"
            className="mt-4 rounded-md bg-slate-50 px-3 py-4 text-center text-sm text-slate-500"
          >
            {t("noAccounts")}
          </p>
        ) : (
          <ul className="mt-4 flex flex-col gap-3">
            {accounts.map((account) => (
              <AccountRow key={account.appId} account={account} />
            ))}
          </ul>
        )}
      </Card>

      <Card id="faults" title={t("faultsTitle")}>
        <p className="mt-1 text-xs text-slate-500">{t("faultsHint")}</p>
        <ConsoleForm
          action={setSandboxFaultAction}
          testId="fault-form"
          className="mt-4 grid gap-3 sm:grid-cols-2 lg:grid-cols-4"
        >
          <label className="flex flex-col gap-1 text-sm text-slate-600">
            {t("endpoint")}
            <select name="endpoint" className={INPUT} defaultValue="api_component_token">
              <Options choices={SANDBOX_ENDPOINTS} />
            </select>
          </label>
          <NumberField label={t("latency")} name="latencyMs" min={0} max={60000} defaultValue={0} />
          <label className="flex flex-col gap-1 text-sm text-slate-600">
            {t("errcode")}
            <input
              name="errcode"
              type="text"
              inputMode="numeric"
              list="sandbox-errcodes"
              placeholder={t("errcodePlaceholder")}
              className={INPUT}
            />
            <datalist id="sandbox-errcodes">
              <Options choices={COMMON_ERRCODES} />
            </datalist>
          </label>
          <NumberField label={t("times")} name="times" min={1} max={100000} defaultValue={1} />
          <div className="flex flex-wrap items-center gap-2 sm:col-span-2 lg:col-span-4">
            <SubmitButton>{t("inject")}</SubmitButton>
          </div>
        </ConsoleForm>

        <div className="mt-4 border-t border-slate-100 pt-4">
          <h3 className="text-sm font-medium text-slate-700">{t("activeFaults")}</h3>
          {state.faults.length === 0 ? (
            <p data-testid="no-faults" className="mt-2 text-sm text-slate-500">
              {t("noFaults")}
            </p>
          ) : (
            <ul className="mt-2 flex flex-col gap-1 text-sm" data-testid="faults">
              {state.faults.map((fault) => (
                <li
                  key={`${fault.endpoint}:${fault.appId}`}
                  data-testid={`fault-${fault.endpoint}${fault.appId ? `-${fault.appId}` : ""}`}
                  className="flex flex-wrap gap-x-3 font-mono text-xs text-slate-700"
                >
                  <span className="font-semibold">{fault.endpoint}</span>
                  {fault.appId ? <span>{fault.appId}</span> : null}
                  <span>latency {fault.latencyMs} ms</span>
                  <span>
                    {fault.errcode === null ? "no errcode" : `errcode ${fault.errcode} × ${fault.remaining} left`}
                  </span>
                  {fault.hangMs > 0 ? <span>{`answer held ${fault.hangMs} ms × ${fault.remaining} left`}</span> : null}
                  {fault.rotateRefreshToken ? <span>{`new refresh token × ${fault.remaining} left`}</span> : null}
                </li>
              ))}
            </ul>
          )}
          <ButtonForm action={clearSandboxFaultsAction} testId="clear-faults-form" variant="secondary">
            {t("clearFaults")}
          </ButtonForm>
        </div>
      </Card>

      <div className="grid gap-5 md:grid-cols-2">
        <Card id="calls" title={t("callsTitle")}>
          <table className="mt-3 w-full text-sm">
            <tbody className="divide-y divide-slate-100">
              {Object.entries(state.calls).map(([endpoint, n]) => (
                <tr key={endpoint}>
                  <th scope="row" className="py-1.5 text-left font-mono text-xs font-normal break-all text-slate-600">
                    {endpoint}
                  </th>
                  <td data-testid={`calls-${endpoint}`} className="py-1.5 pl-3 text-right tabular-nums">
                    {n}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <ButtonForm action={resetSandboxCallsAction} testId="reset-calls-form" variant="secondary">
            {t("resetCalls")}
          </ButtonForm>
        </Card>

        <Card id="ticket" title={t("ticketTitle")}>
          <p className="mt-2 text-sm text-slate-600">
            {t("lastIssued")}
            <span data-testid="latest-ticket" className="tabular-nums">
              {state.latestTicketIssuedAt
                ? format.dateTime(new Date(state.latestTicketIssuedAt), "dateTimeSeconds")
                : "—"}
            </span>
          </p>
          <p className="mt-1 text-xs text-slate-500">
            {t("ticketHint", { seconds: env.sandboxTicketIntervalSeconds })}
          </p>
          <ButtonForm action={pushSandboxTicketAction} testId="push-ticket-form">
            {t("pushTicket")}
          </ButtonForm>
        </Card>
      </div>
    </main>
  );
}

async function AccountRow({ account }: { account: SandboxAccount }) {
  const [t, kindLabel, locale, format] = await Promise.all([
    getTranslations("sandbox.console"),
    getTranslations("sandbox.kind"),
    getLocale(),
    getFormatter(),
  ]);
  const granted = new Set(account.funcIds);
  const sets = permissionSetsFor(account.kind);
  const shown = sets.filter((s) => granted.has(s.id) || DEFAULT_FUNC_IDS[account.kind].includes(s.id));
  const more = sets.filter((s) => !shown.includes(s));
  const name = account.nickName;
  const checkbox = (set: (typeof sets)[number]) => (
    <label
      key={set.id}
      className="inline-flex items-center gap-1.5 rounded-md border border-slate-200 px-2 py-1 text-xs has-[:checked]:border-[#07c160] has-[:checked]:bg-[#07c160]/5"
    >
      <input
        type="checkbox"
        name="funcIds"
        value={set.id}
        defaultChecked={granted.has(set.id)}
        aria-label={pick(set, locale)}
        className="accent-[#07c160]"
      />
      <span>{pick(set, locale)}</span>
      <span className="text-slate-500">#{set.id}</span>
    </label>
  );

  return (
    <li data-testid={`sandbox-account-${account.appId}`} className="rounded-lg border border-slate-200 p-3 sm:p-4">
      <div className="flex flex-wrap items-start gap-3">
        <span
          aria-hidden="true"
          className={`flex h-10 w-10 shrink-0 items-center justify-center rounded-full text-lg font-medium text-white ${AVATAR_COLOR[account.kind]}`}
        >
          {Array.from(name)[0] ?? "?"}
        </span>
        <div className="min-w-0 flex-1">
          <p className="flex flex-wrap items-center gap-2">
            <span className="font-medium">{name}</span>
            <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">{kindLabel(account.kind)}</span>
            <span
              data-testid="account-status"
              className={`rounded px-1.5 py-0.5 text-xs ${account.authorized ? "bg-[#07c160]/10 text-wechat-dark" : "bg-slate-100 text-slate-600"}`}
            >
              {account.authorized ? t("authorized") : t("notAuthorized")}
            </span>
          </p>
          <p className="font-mono text-xs break-all text-slate-500">{account.appId}</p>
          {account.principalName && <p className="text-xs text-slate-500">{account.principalName}</p>}
        </div>
        <ButtonForm
          action={revokeSandboxAccountAction}
          testId={`revoke-${account.appId}`}
          className="flex max-w-full flex-col items-end gap-1 text-right sm:max-w-[18rem]"
          appId={account.appId}
          variant="danger"
          label={t("revokeLabel", { name })}
          disabled={!account.authorized}
        >
          {t("revoke")}
        </ButtonForm>
      </div>

      <ButtonForm
        action={breakSandboxRefreshTokenAction}
        testId={`break-${account.appId}`}
        className="mt-2 flex flex-wrap items-center gap-2 text-xs text-slate-500"
        appId={account.appId}
        variant="secondary"
        label={t("breakTokenLabel", { name })}
        disabled={!account.authorized}
        hint={t("breakTokenHint")}
      >
        {t("breakToken")}
      </ButtonForm>

      <p className="mt-3 text-xs text-slate-500">
        {t("grantedSets")}
        <span data-testid="granted-sets" className="text-slate-700">
          {account.authorized && account.funcIds.length > 0
            ? format.list(account.funcIds.map((id) => `${pick(describePermission(id), locale)} (#${id})`))
            : "—"}
        </span>
      </p>

      <ConsoleForm
        action={updateSandboxGrantAction}
        testId={`grant-${account.appId}`}
        className="mt-3 flex flex-col gap-2 border-t border-slate-100 pt-3"
      >
        <input type="hidden" name="appId" value={account.appId} />
        <fieldset className="flex min-w-0 flex-wrap gap-1.5">
          <legend className="mb-1.5 text-xs text-slate-500">
            {account.authorized ? t("changeGrantLegend") : t("authorizeAgainLegend")}
          </legend>
          {shown.map(checkbox)}
        </fieldset>
        {more.length > 0 && (
          <details className="text-xs">
            <summary className="cursor-pointer text-slate-500">{t("moreSets", { count: more.length })}</summary>
            <div className="mt-2 flex max-h-48 flex-wrap gap-1.5 overflow-y-auto">{more.map(checkbox)}</div>
          </details>
        )}
        <div>
          {account.authorized ? (
            <SubmitButton label={t("changeGrantLabel", { name })}>{t("changeGrant")}</SubmitButton>
          ) : (
            <SubmitButton label={t("authorizeAgainLabel", { name })}>{t("authorizeAgain")}</SubmitButton>
          )}
        </div>
      </ConsoleForm>
    </li>
  );
}

/** A console card: a section labelled by its heading. */
function Card({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section
      aria-labelledby={`${id}-heading`}
      className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5"
    >
      <h2 id={`${id}-heading`} className="text-base font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}

/** A console form that is one button (and with `appId`, acts on that account), with an optional hint after it. */
function ButtonForm({
  action,
  testId,
  className = "mt-3 flex flex-wrap items-center gap-2",
  appId,
  hint,
  children,
  ...button
}: {
  action: ComponentProps<typeof ConsoleForm>["action"];
  testId: string;
  className?: string;
  appId?: string;
  hint?: string;
  children: ReactNode;
} & Omit<ComponentProps<typeof SubmitButton>, "children">) {
  return (
    <ConsoleForm action={action} testId={testId} className={className}>
      {appId !== undefined && <input type="hidden" name="appId" value={appId} />}
      <SubmitButton {...button}>{children}</SubmitButton>
      {hint !== undefined && <span>{hint}</span>}
    </ConsoleForm>
  );
}

/** A labelled whole-number input of the fault form. */
function NumberField(props: { label: string; name: string; min: number; max: number; defaultValue: number }) {
  return (
    <label className="flex flex-col gap-1 text-sm text-slate-600">
      {props.label}
      <input
        name={props.name}
        type="number"
        min={props.min}
        max={props.max}
        step={1}
        defaultValue={props.defaultValue}
        inputMode="numeric"
        className={INPUT}
      />
    </label>
  );
}
