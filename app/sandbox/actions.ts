"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { message, type Message } from "@/lib/i18n/message";
import { getPlatform } from "@/lib/platform";
import {
  ACCOUNT_KINDS,
  AUTHORIZATION_REQUEST_PARAMS,
  authorizedRedirectUrl,
  permissionSetsFor,
  resolveAccountChoice,
  validateAuthorizationRequest,
  type AuthorizationRequest,
} from "@/lib/sandbox/authorization-request";
import { runReleaseTest } from "@/lib/sandbox/release-test";
import { SANDBOX_ENDPOINTS } from "@/lib/sandbox/wechat-sandbox";

// The sandbox's own server actions: WeChat's authorization page and the sandbox console. The sandbox is a test
// double with no users of its own, so the guard is that it exists at all (WECHAT_SANDBOX on); off, nothing runs.

export interface SandboxAuthorizationState {
  /** Shown as WeChat's error page. */
  error?: { code: string; zh: string; en: string };
  /** Shown under the form: the tester can correct the choice. */
  formError?: { zh: string; en: string };
  /**
   * Where WeChat sends the browser next. WeChat is another site, so it leaves with a full page navigation, not
   * a client-side router transition (a server action's redirect() would be one): the form does
   * `location.assign`, and the portal's callback sees a real top-level request as it would from WeChat.
   */
  redirectTo?: string;
}

/** What a console button did, as a catalog key (messages/<locale>/sandbox.json → results) the form translates. */
export interface SandboxConsoleResult {
  ok: boolean;
  message: Message;
}

const SANDBOX_OFF = { code: "sandbox_off", zh: "微信沙箱未开启", en: "The WeChat sandbox is off" };

const text = (value: FormDataEntryValue | null): string | undefined => (typeof value === "string" ? value : undefined);

/** The authorization page's own query, echoed back in hidden fields, checked again as WeChat would. */
async function revalidateRequest(formData: FormData): Promise<
  | {
      ok: true;
      request: AuthorizationRequest;
      sandbox: NonNullable<Awaited<ReturnType<typeof getPlatform>>["sandbox"]>;
    }
  | { ok: false; state: SandboxAuthorizationState }
> {
  const { env, sandbox } = await getPlatform();
  if (!sandbox) return { ok: false, state: { error: SANDBOX_OFF } };
  const searchParams = Object.fromEntries(AUTHORIZATION_REQUEST_PARAMS.map((name) => [name, text(formData.get(name))]));
  // This POST comes from the authorization page itself, on the sandbox's (= the portal's) host, so its
  // Referer passes the same host check the entry navigation passed; a forged cross-site post does not.
  const result = validateAuthorizationRequest(
    {
      searchParams,
      referer: (await headers()).get("referer"),
      appUrl: env.appUrl,
      componentAppId: env.component.appId,
      mobile: formData.get("page") === "mobile",
    },
    await sandbox.inspectPreAuthCode(searchParams.pre_auth_code ?? ""),
  );
  return result.ok ? { ok: true, request: result.request, sandbox } : { ok: false, state: { error: result.error } };
}

/** 确认授权: spends the pre_auth_code, grants, pushes `authorized`/`updateauthorized`, redirects with the code. */
export async function confirmSandboxAuthorizationAction(formData: FormData): Promise<SandboxAuthorizationState> {
  const checked = await revalidateRequest(formData);
  if (!checked.ok) return checked.state;
  const { request, sandbox } = checked;

  const choice = resolveAccountChoice(request, await sandbox.listAccounts(), {
    account: text(formData.get("account")),
    funcIds: Object.fromEntries(
      ACCOUNT_KINDS.map((kind) => [
        kind,
        formData.getAll(`funcIds.${kind}`).filter((v): v is string => typeof v === "string"),
      ]),
    ),
    nickName: text(formData.get("nickName")),
  });
  if (!choice.ok) return { formError: { zh: choice.zh, en: choice.en } };

  // Single use: of two confirmations racing on one code, exactly one gets past this line.
  if (!(await sandbox.consumePreAuthCode(request.preAuthCode))) {
    const again = await revalidateRequest(formData);
    return again.ok
      ? {
          error: {
            code: "used_pre_auth_code",
            zh: "该授权链接已被使用，请重新发起授权",
            en: "This authorization link has already been used",
          },
        }
      : again.state;
  }

  const granted = await sandbox.authorize({
    appId: choice.appId,
    kind: choice.kind,
    funcIds: choice.funcIds,
    nickName: choice.nickName,
    preAuthCode: request.preAuthCode,
  });
  return { redirectTo: authorizedRedirectUrl(request.redirectUri, granted.authCode, granted.expiresIn) };
}

/**
 * 取消: back to `redirect_uri` unchanged. Sandbox convention: WeChat documents no cancel redirect, so the
 * sandbox sends the merchant back WITHOUT `auth_code`, and the portal's callback reads that as "cancelled".
 * The pre_auth_code stays unspent.
 */
export async function cancelSandboxAuthorizationAction(formData: FormData): Promise<SandboxAuthorizationState> {
  const checked = await revalidateRequest(formData);
  if (!checked.ok) return checked.state;
  return { redirectTo: checked.request.redirectUri };
}

// --- the sandbox console ---------------------------------------------------------------------------

async function consoleSandbox() {
  const { sandbox } = await getPlatform();
  return sandbox;
}

const result = (ok: boolean, key: string, values?: Message["values"]): SandboxConsoleResult => ({
  ok,
  message: message(`sandbox.results.${key}`, values),
});
const off = result(false, "sandboxOff");

/** Whether the portal answered the push with `success` (the messages' `delivered` select). */
const delivery = (delivered: boolean) => (delivered ? "yes" : "no");

/** A console action that changes the sandbox, refreshes the console, then says what happened (`off` when it is off). */
async function changeSandbox<T>(
  change: (sandbox: NonNullable<Awaited<ReturnType<typeof consoleSandbox>>>) => Promise<T>,
  answer: (changed: T) => SandboxConsoleResult,
): Promise<SandboxConsoleResult> {
  const sandbox = await consoleSandbox();
  if (!sandbox) return off;
  const changed = await change(sandbox);
  revalidatePath("/sandbox");
  return answer(changed);
}

/** 取消授权: what the account's admin does in WeChat; pushes `unauthorized`. */
export async function revokeSandboxAccountAction(formData: FormData): Promise<SandboxConsoleResult> {
  return changeSandbox(
    (sandbox) => sandbox.revoke(text(formData.get("appId")) ?? ""),
    (revoked) =>
      revoked.revoked
        ? result(true, "revoked", { delivered: delivery(revoked.delivered) })
        : result(false, "notAuthorized"),
  );
}

/**
 * WeChat replaces the account's refresh token without telling the platform (the event got lost) and lists
 * none: the platform's next refresh gets 61023 and the account needs re-authorization.
 */
export async function breakSandboxRefreshTokenAction(formData: FormData): Promise<SandboxConsoleResult> {
  return changeSandbox(
    (sandbox) => sandbox.rotateRefreshToken(text(formData.get("appId")) ?? "", { hideFromList: true }),
    (rotated) => (rotated.rotated ? result(true, "tokenBroken") : result(false, "notAuthorized")),
  );
}

/** 修改授权 / 重新授权: the admin changes the grant in WeChat; pushes `updateauthorized` (or `authorized`). */
export async function updateSandboxGrantAction(formData: FormData): Promise<SandboxConsoleResult> {
  const sandbox = await consoleSandbox();
  if (!sandbox) return off;
  const appId = text(formData.get("appId")) ?? "";
  const account = (await sandbox.listAccounts()).find((a) => a.appId === appId);
  if (!account) return result(false, "accountNotFound");
  const valid = new Set(permissionSetsFor(account.kind).map((s) => s.id));
  const funcIds = [...new Set(formData.getAll("funcIds").map(Number))].filter((id) => valid.has(id));
  if (funcIds.length === 0) return result(false, "chooseSet");
  const granted = await sandbox.authorize({ appId, kind: account.kind, funcIds });
  revalidatePath("/sandbox");
  return result(true, "grantPushed", { infoType: granted.infoType, delivered: delivery(granted.delivered) });
}

const faultFormSchema = z.object({
  endpoint: z.enum(SANDBOX_ENDPOINTS),
  latencyMs: z.coerce.number().int().min(0).max(60_000),
  errcode: z
    .string()
    .trim()
    .transform((v) => (v === "" ? null : Number(v)))
    .pipe(z.number().int().nullable()),
  times: z.coerce.number().int().min(1).max(100_000),
});

/** Injects a fault: latency on every call of the endpoint and/or `errcode` on its next `times` calls. */
export async function setSandboxFaultAction(formData: FormData): Promise<SandboxConsoleResult> {
  const sandbox = await consoleSandbox();
  if (!sandbox) return off;
  const parsed = faultFormSchema.safeParse({
    endpoint: text(formData.get("endpoint")),
    latencyMs: text(formData.get("latencyMs")) || "0",
    errcode: text(formData.get("errcode")) ?? "",
    times: text(formData.get("times")) || "1",
  });
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join(".")))].join(", ");
    return result(false, "checkFields", { fields });
  }
  const f = parsed.data;
  if (f.latencyMs === 0 && f.errcode === null) return result(false, "latencyOrErrcode");
  await sandbox.setFault(f);
  revalidatePath("/sandbox");
  return result(true, "faultSet", { endpoint: f.endpoint });
}

export async function clearSandboxFaultsAction(): Promise<SandboxConsoleResult> {
  return changeSandbox(
    (sandbox) => sandbox.clearFaults(),
    () => result(true, "faultsCleared"),
  );
}

export async function resetSandboxCallsAction(): Promise<SandboxConsoleResult> {
  return changeSandbox(
    (sandbox) => sandbox.resetCalls(),
    () => result(true, "callsReset"),
  );
}

/** 推送票据: a component_verify_ticket now, instead of waiting for the 10-minute cycle. */
export async function pushSandboxTicketAction(): Promise<SandboxConsoleResult> {
  return changeSandbox(
    (sandbox) => sandbox.pushTicket(),
    (pushed) => result(pushed.delivered, "ticketPushed", { delivered: delivery(pushed.delivered) }),
  );
}

/** 全网发布 release test: runs every case against this portal, then shows its report. */
export async function runReleaseTestAction(formData: FormData): Promise<void> {
  const { sandbox, database } = await getPlatform();
  if (!sandbox) return;
  const group = z.coerce
    .number()
    .int()
    .min(1)
    .max(5)
    .optional()
    .catch(undefined)
    .parse(formData.get("group") || undefined);
  const report = await runReleaseTest({ db: database.db, sandbox }, { group });
  revalidatePath("/sandbox/release-test");
  redirect(`/sandbox/release-test?run=${report.id}`);
}
