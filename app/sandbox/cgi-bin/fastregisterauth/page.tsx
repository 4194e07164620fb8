import { connection } from "next/server";
import { getTranslations } from "next-intl/server";
import { getPlatform } from "@/lib/platform";
import { MobilePage } from "../../_components/mobile-page";
import { confirmFastRegisterAuthAction } from "../../fastregister/actions";
import { sandboxMetadata } from "../../_components/sandbox-metadata";

// GET /sandbox/cgi-bin/fastregisterauth?appid&component_appid&copy_wx_verify&redirect_uri: the sandbox's copy of the
// page where an official account's administrator lets the platform register a mini program with its entity (§13.8).
export const generateMetadata = sandboxMetadata("fastRegisterAuth");

export default async function FastRegisterAuthPage({ searchParams }: PageProps<"/sandbox/cgi-bin/fastregisterauth">) {
  await connection();
  const [{ sandbox }, t] = await Promise.all([getPlatform(), getTranslations("sandbox.fastRegisterAuth")]);
  const q = await searchParams;
  const [appid, componentAppId, redirectUri] = [q.appid, q.component_appid, q.redirect_uri].map((v) =>
    typeof v === "string" ? v : "",
  );
  const accounts = sandbox ? await sandbox.listAccounts() : [];
  const oa = accounts.find((a) => a.appId === appid && a.kind === "official_account");
  return (
    <MobilePage
      title={t("title")}
      invalid={!oa || !redirectUri ? { testId: "fastregisterauth-invalid", text: t("invalid") } : undefined}
    >
      {oa && (
        <form action={confirmFastRegisterAuthAction} className="mt-6 rounded-lg bg-white p-5">
          <p className="text-[15px]">
            {t.rich("account", {
              name: oa.nickName,
              principal: oa.principalName,
              strong: (chunks) => <strong>{chunks}</strong>,
            })}
          </p>
          <p className="mt-2 text-sm text-black/60">{t("hint")}</p>
          <input type="hidden" name="appid" value={appid} />
          <input type="hidden" name="component_appid" value={componentAppId} />
          <input type="hidden" name="redirect_uri" value={redirectUri} />
          <button className="mt-6 w-full rounded bg-wechat px-4 py-3 font-medium text-white">{t("confirm")}</button>
        </form>
      )}
    </MobilePage>
  );
}
