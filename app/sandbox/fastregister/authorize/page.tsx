import { connection } from "next/server";
import { getTranslations } from "next-intl/server";
import { getPlatform } from "@/lib/platform";
import { MobilePage } from "../../_components/mobile-page";
import { decideFastRegistrationAction } from "../actions";
import { sandboxMetadata } from "../../_components/sandbox-metadata";

// GET /sandbox/fastregister/authorize?create_token=…: the sandbox's copy of the page the authorize_url opens in WeChat
// (fast registration, docs/registration.md): the legal representative (enterprise) or the WeChat user (personal)
// confirms with a face check, refuses, or fails the face check.
export const generateMetadata = sandboxMetadata("fastRegister");

export default async function FastRegisterAuthorizePage({
  searchParams,
}: PageProps<"/sandbox/fastregister/authorize">) {
  await connection();
  const [{ sandbox }, t] = await Promise.all([getPlatform(), getTranslations("sandbox.fastRegister")]);
  const token = (await searchParams).create_token;
  const task = sandbox && typeof token === "string" ? await sandbox.inspectFastRegistration(token) : undefined;
  const result = task && !task.open ? resultOf(task) : undefined;
  return (
    <MobilePage title={t("title")} invalid={!task ? { testId: "fastregister-invalid", text: t("invalid") } : undefined}>
      {task && (
        <section className="mt-6 rounded-lg bg-white p-5">
          <dl className="space-y-2 text-[15px]">
            {task.kind === "enterprise" ? (
              <>
                <div>
                  <dt className="text-black/60">{t("enterprise")}</dt>
                  <dd data-testid="fastregister-name">{task.name}</dd>
                </div>
                <div>
                  <dt className="text-black/60">{t("creditCode")}</dt>
                  <dd className="font-mono">{task.code}</dd>
                </div>
              </>
            ) : (
              <>
                <div>
                  <dt className="text-black/60">{t("wechatId")}</dt>
                  <dd data-testid="fastregister-wxuser">{task.wxuser}</dd>
                </div>
              </>
            )}
          </dl>
          <p className="mt-2 text-sm text-black/60">
            {t(task.kind === "enterprise" ? "enterpriseHint" : "personalHint")}
          </p>
          {result ? (
            <p
              data-testid="fastregister-result"
              data-result={result}
              className="mt-6 rounded bg-[#f7f7f7] p-3 text-center"
            >
              {t(`results.${result}`)}
              {task.appId ? <span className="mt-1 block font-mono text-xs text-black/60">{task.appId}</span> : null}
            </p>
          ) : (
            <form action={decideFastRegistrationAction} className="mt-6 flex flex-col gap-3">
              <input type="hidden" name="create_token" value={token as string} />
              <button name="decision" value="confirm" className="rounded bg-wechat px-4 py-3 font-medium text-white">
                {t("confirm")}
              </button>
              <button name="decision" value="refuse" className="rounded bg-[#f2f2f2] px-4 py-3 text-black/90">
                {t("refuse")}
              </button>
              <button name="decision" value="face_fail" className="rounded bg-[#f2f2f2] px-4 py-3 text-wechat-red">
                {t("failFace")}
              </button>
              {task.kind === "enterprise" ? (
                <button name="decision" value="entity_fail" className="rounded bg-[#f2f2f2] px-4 py-3 text-wechat-red">
                  {t("failEntity")}
                </button>
              ) : null}
            </form>
          )}
        </section>
      )}
    </MobilePage>
  );
}

/** How a closed registration ended: messages/<locale>/sandbox.json → fastRegister.results.<outcome>. */
function resultOf(task: { kind: string; status: number; appId: string | null }) {
  const personal = task.kind === "personal";
  return task.status === 12
    ? "created"
    : task.status === (personal ? 2 : 3)
      ? "refused"
      : task.status === (personal ? 5 : 6)
        ? "face"
        : task.status === 14
          ? "entity"
          : "expired";
}
