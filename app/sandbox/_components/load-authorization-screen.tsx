import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { getPlatform } from "@/lib/platform";
import { firstValues, validateAuthorizationRequest } from "@/lib/sandbox/authorization-request";
import { AuthorizationScreen } from "./authorization-screen";

export type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** Shared by the PC and the H5 page: WeChat's checks first (docs/wechat-protocol.md §4.5), then the page or its error. */
export async function loadAuthorizationScreen(searchParams: SearchParams, mobile: boolean) {
  await connection();
  const { env, sandbox } = await getPlatform();
  if (!sandbox) notFound();
  const params = firstValues(await searchParams);
  const result = validateAuthorizationRequest(
    {
      searchParams: params,
      referer: (await headers()).get("referer"),
      appUrl: env.appUrl,
      componentAppId: env.component.appId,
      mobile,
    },
    await sandbox.inspectPreAuthCode(params.pre_auth_code ?? ""),
  );
  const accounts = result.ok ? await sandbox.listAccounts() : [];
  return <AuthorizationScreen mobile={mobile} result={result} searchParams={params} accounts={accounts} />;
}
