import type { Metadata } from "next";
import { connection } from "next/server";
import { getPlatform } from "@/lib/platform";
import { decideFastRegistrationAction } from "../actions";

// GET /sandbox/fastregister/authorize?create_token=…: the sandbox's copy of the page the authorize_url opens in WeChat
// (fast registration, docs/registration.md): the legal representative (enterprise) or the WeChat user (personal)
// confirms with a face check, refuses, or fails the face check.
export const metadata: Metadata = { title: "创建小程序申请 · 微信沙箱", robots: { index: false } };

const RESULT: Record<string, { zh: string; en: string }> = {
  created: {
    zh: "小程序已创建，并已授权给第三方平台",
    en: "The mini program was created and authorized to the platform",
  },
  refused: { zh: "你已拒绝创建", en: "You refused the registration" },
  face: { zh: "人脸核验未通过", en: "The face check failed" },
  entity: { zh: "企业信息校验未通过", en: "The enterprise check failed" },
  expired: { zh: "链接已超过 24 小时，已失效", en: "The link is older than 24 hours and no longer valid" },
};

export default async function FastRegisterAuthorizePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await connection();
  const { sandbox } = await getPlatform();
  const token = (await searchParams).create_token;
  const task = sandbox && typeof token === "string" ? await sandbox.inspectFastRegistration(token) : undefined;
  const result = task && !task.open ? resultOf(task) : undefined;
  return (
    <main className="mx-auto min-h-screen max-w-md bg-[#ededed] px-4 py-8 text-black/90">
      <h1 className="text-center text-lg font-medium">
        创建小程序申请
        <span className="block text-sm font-normal text-black/60">Mini program registration</span>
      </h1>
      {!task ? (
        <p data-testid="fastregister-invalid" className="mt-8 rounded bg-white p-4 text-center">
          链接无效 · This link is not valid
        </p>
      ) : (
        <section className="mt-6 rounded-lg bg-white p-5">
          <dl className="space-y-2 text-[15px]">
            {task.kind === "enterprise" ? (
              <>
                <div>
                  <dt className="text-black/60">企业名称 · Enterprise</dt>
                  <dd data-testid="fastregister-name">{task.name}</dd>
                </div>
                <div>
                  <dt className="text-black/60">统一社会信用代码 · Credit code</dt>
                  <dd className="font-mono">{task.code}</dd>
                </div>
              </>
            ) : (
              <>
                <div>
                  <dt className="text-black/60">微信号 · WeChat ID</dt>
                  <dd data-testid="fastregister-wxuser">{task.wxuser}</dd>
                </div>
              </>
            )}
          </dl>
          {/* After the list: a <dl> holds only its name-value groups. */}
          <p className="mt-2 text-sm text-black/60">
            {task.kind === "enterprise"
              ? "请法定代表人本人确认并完成人脸核验。· The legal representative confirms with a face check."
              : "请该微信号本人确认并完成人脸核验。· The WeChat user confirms with a face check."}
          </p>
          {result ? (
            <p
              data-testid="fastregister-result"
              data-result={result.id}
              className="mt-6 rounded bg-[#f7f7f7] p-3 text-center"
            >
              {result.zh}
              <span lang="en" className="block text-sm text-black/60">
                {result.en}
              </span>
              {task.appId ? <span className="mt-1 block font-mono text-xs text-black/60">{task.appId}</span> : null}
            </p>
          ) : (
            <form action={decideFastRegistrationAction} className="mt-6 flex flex-col gap-3">
              <input type="hidden" name="create_token" value={token as string} />
              <button name="decision" value="confirm" className="rounded bg-wechat px-4 py-3 font-medium text-white">
                确认并完成人脸核验 · Confirm
              </button>
              <button name="decision" value="refuse" className="rounded bg-[#f2f2f2] px-4 py-3 text-black/90">
                拒绝 · Refuse
              </button>
              <button name="decision" value="face_fail" className="rounded bg-[#f2f2f2] px-4 py-3 text-wechat-red">
                模拟人脸核验失败 · Fail the face check
              </button>
              {task.kind === "enterprise" ? (
                <button name="decision" value="entity_fail" className="rounded bg-[#f2f2f2] px-4 py-3 text-wechat-red">
                  模拟企业信息校验失败 · Fail the enterprise check
                </button>
              ) : null}
            </form>
          )}
        </section>
      )}
    </main>
  );
}

function resultOf(task: { kind: string; status: number; appId: string | null }) {
  const personal = task.kind === "personal";
  const id =
    task.status === 12
      ? "created"
      : task.status === (personal ? 2 : 3)
        ? "refused"
        : task.status === (personal ? 5 : 6)
          ? "face"
          : task.status === 14
            ? "entity"
            : "expired";
  return { id, ...RESULT[id]! };
}
