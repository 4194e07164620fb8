import { getTranslations } from "next-intl/server";
import {
  AUTHORIZATION_REQUEST_PARAMS,
  permissionSetsFor,
  preselectedFuncIds,
  selectableAccounts,
  type AuthorizationRequestResult,
} from "@/lib/sandbox/authorization-request";
import { SANDBOX_COMPONENT } from "@/lib/sandbox/credentials";
import type { SandboxAccount } from "@/lib/sandbox/wechat-sandbox";
import type { AccountKind } from "@/lib/wechat/permissions";
import { AuthorizationFrame, FakeQrCode } from "./authorization-frame";
import { AuthorizationForm, type FormPermissionSet } from "./authorization-form";
import { WechatError } from "./wechat-error";

export interface AuthorizationScreenProps {
  mobile: boolean;
  result: AuthorizationRequestResult;
  searchParams: Record<string, string | undefined>;
  accounts: SandboxAccount[];
}

/** The sandbox's WeChat authorization page (PC `componentloginpage`, H5 `bindcomponent`), or its error page. */
export async function AuthorizationScreen({ mobile, result, searchParams, accounts }: AuthorizationScreenProps) {
  if (!result.ok) {
    return (
      <AuthorizationFrame mobile={mobile}>
        <div className={mobile ? "bg-white" : "rounded-lg border border-black/5 bg-white"}>
          <WechatError error={result.error} />
        </div>
      </AuthorizationFrame>
    );
  }

  const t = await getTranslations("sandbox.authorize");
  const { request } = result;
  const platformName = SANDBOX_COMPONENT.name;
  const selectable = selectableAccounts(request, accounts);
  const kinds = [...new Set<AccountKind>([...selectable.accounts.map((a) => a.kind), ...selectable.creatableKinds])];
  const sets: Partial<Record<AccountKind, FormPermissionSet[]>> = {};
  const preselected: Partial<Record<AccountKind, number[]>> = {};
  for (const kind of kinds) {
    sets[kind] = permissionSetsFor(kind).map(({ id, zh, en, mutex }) => ({ id, zh, en, mutex }));
    preselected[kind] = preselectedFuncIds(kind, request.categoryIds);
  }
  const hidden = Object.fromEntries(
    AUTHORIZATION_REQUEST_PARAMS.flatMap((name) =>
      searchParams[name] === undefined ? [] : [[name, searchParams[name] as string]],
    ),
  );
  // The account kinds the request allows, for "申请获得你的…授权" (the message's `kind` select).
  const kind = request.bizAppId ? "account" : request.kinds.length > 1 ? "both" : (request.kinds[0] ?? "account");

  const platform = (
    <div className={`flex items-center gap-3 ${mobile ? "bg-white px-4 py-5" : "pb-5"}`}>
      <span
        aria-hidden="true"
        className="flex h-12 w-12 shrink-0 items-center justify-center rounded-xl bg-gradient-to-br from-wechat to-wechat-dark text-xl font-semibold text-white"
      >
        {Array.from(platformName)[0]}
      </span>
      <div className="min-w-0">
        <h1 data-testid="platform-name" className="text-[17px] font-medium break-words text-black/90">
          {platformName}
        </h1>
        <p className="text-[13px] text-black/60">{t("requests", { kind })}</p>
      </div>
    </div>
  );

  const form = (
    <AuthorizationForm
      platformName={platformName}
      mobile={mobile}
      hidden={hidden}
      accounts={selectable.accounts.map(({ appId, kind, nickName, principalName, authorized }) => ({
        appId,
        kind,
        nickName,
        principalName,
        authorized,
      }))}
      creatableKinds={selectable.creatableKinds}
      {...(request.bizAppId && selectable.accounts.length === 0 ? { bizAppId: request.bizAppId } : {})}
      sets={sets}
      preselected={preselected}
    />
  );

  if (mobile) {
    return (
      <AuthorizationFrame mobile>
        {platform}
        <div className="h-2" />
        {form}
        <p className="mt-8 px-6 text-center text-xs text-black/60">{t("sandboxNote")}</p>
      </AuthorizationFrame>
    );
  }

  return (
    <AuthorizationFrame mobile={false}>
      <h2 className="mb-5 text-xl font-medium text-black/90">{t("pcTitle")}</h2>
      <div className="grid gap-5 md:grid-cols-[280px_1fr]">
        <aside
          className="flex flex-col items-center self-start rounded-lg border border-black/5 bg-white p-6 text-center"
          data-testid="qr-area"
        >
          <div className="relative">
            <FakeQrCode seed={request.preAuthCode} className="h-44 w-44 opacity-30" />
            <span className="absolute inset-0 flex items-center justify-center">
              <span className="rounded-md bg-white/95 px-3 py-1.5 text-sm font-medium text-black/70 shadow-sm">
                {t("noScanBadge")}
              </span>
            </span>
          </div>
          <p className="mt-4 text-sm text-black/70">{t("scanHint")}</p>
          <p className="mt-4 rounded-md border border-dashed border-[#07c160]/50 bg-[#07c160]/5 px-3 py-2 text-xs leading-relaxed text-wechat-dark">
            {t("noScanHint")}
          </p>
        </aside>
        <div>
          {platform}
          {form}
        </div>
      </div>
    </AuthorizationFrame>
  );
}
