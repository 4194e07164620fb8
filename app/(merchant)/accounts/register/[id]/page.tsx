import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getFormatter, getTranslations } from "next-intl/server";
import { connection } from "next/server";
import QRCode from "qrcode";
import { getDb } from "@/db";
import { findMerchantRegistration } from "@/db/queries/registration";
import { requireMerchant } from "@/lib/auth/guards";
import type { Message } from "@/lib/i18n/message";
import { getPlatform } from "@/lib/platform";
import { errcodeMessage, taskDetailMessage } from "@/lib/registration/messages";
import { checkRegistrationNow } from "@/lib/registration/tasks";
import { AutoRefresh } from "@/app/_components/auto-refresh";
import { BackLink } from "@/app/_components/back-link";
import { LinkButton } from "@/app/_components/link-button";
import { RegistrationStatusBadge } from "../status-badge";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("registration.page"))("progressMetaTitle") };
}

// GET /accounts/register/[id]: one registration: the authorize_url as a QR code, who must scan it, the time left and
// the live status (WeChat is asked on each visit, at most every few seconds per task, through the poller's lease).
export default async function RegistrationTaskPage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  const merchant = await requireMerchant("/accounts/register");
  const { id } = await params;
  const db = await getDb();
  let task = await findMerchantRegistration(db, merchant.merchantId, id);
  if (!task) notFound();
  if (task.status === "waiting" && task.taskId) {
    const platform = await getPlatform();
    if (await checkRegistrationNow(platform, task.id).catch(() => false))
      task = (await findMerchantRegistration(db, merchant.merchantId, id)) ?? task;
  }
  const [t, tAll, format] = await Promise.all([getTranslations("registration"), getTranslations(), getFormatter()]);
  const say = (m: Message) => tAll(m.key as Parameters<typeof tAll>[0], m.values);
  const detail =
    task.lastError?.errcode != null && task.status === "failed"
      ? errcodeMessage(task.lastError.errcode)
      : taskDetailMessage(task);
  const waiting = task.status === "waiting";
  const qr =
    waiting && task.authorizeUrl
      ? await QRCode.toString(task.authorizeUrl, { type: "svg", margin: 1, errorCorrectionLevel: "M" })
      : null;
  const secondsLeft = Math.max(0, Math.floor((task.expiresAt.getTime() - readClock()) / 1000));
  const entity = task.fields.name
    ? `${task.fields.name}（${task.fields.code}）`
    : (task.fields.wxuser ?? task.fields.officialAccountAppId ?? "");

  return (
    <div className="flex flex-col gap-6">
      <BackLink href="/accounts/register">{t("page.title")}</BackLink>
      <div>
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold text-slate-900">{t("task.title")}</h1>
          <RegistrationStatusBadge status={task.status} />
        </div>
        <dl className="mt-2 flex flex-wrap gap-x-6 gap-y-1 text-sm text-slate-600">
          <div>
            <dt className="inline">{t("task.entity")}</dt>
            <dd className="inline break-all" data-testid="registration-entity">
              {t(`kind.${task.kind}`)} · {entity}
            </dd>
          </div>
          <div>
            <dt className="inline">{t("task.started")}</dt>
            <dd className="inline">{format.dateTime(task.createdAt, { dateStyle: "medium", timeStyle: "short" })}</dd>
          </div>
        </dl>
      </div>

      <section className="rounded-2xl border border-slate-200 bg-white p-5 shadow-sm sm:p-6" aria-live="polite">
        {detail ? (
          <p data-testid="registration-detail" className="mb-4 text-sm text-slate-700">
            {t("task.wechatSaid", { detail: say(detail) })}
          </p>
        ) : null}
        {waiting && qr ? (
          <div className="flex flex-col items-center gap-4 sm:flex-row sm:items-start">
            <div
              role="img"
              aria-label={t("task.qrAlt")}
              data-testid="registration-qr"
              className="h-56 w-56 shrink-0 rounded-lg border border-slate-200 bg-white p-2 [&>svg]:h-full [&>svg]:w-full"
              dangerouslySetInnerHTML={{ __html: qr }}
            />
            <div className="flex flex-col gap-3 text-sm text-slate-700">
              <p data-testid="registration-who" className="text-base font-medium text-slate-900">
                {task.kind === "personal"
                  ? t("task.scanPersonal", { wxuser: task.fields.wxuser ?? "" })
                  : t("task.scanEnterprise")}
              </p>
              <p data-testid="registration-time-left">
                {t("task.timeLeft", {
                  time: t("task.hoursMinutes", {
                    hours: Math.floor(secondsLeft / 3600),
                    minutes: Math.floor((secondsLeft % 3600) / 60),
                  }),
                })}
              </p>
              <p className="text-xs text-slate-500">
                {t("task.openLink")}
                <a
                  href={task.authorizeUrl!}
                  className="break-all text-emerald-800 underline"
                  data-testid="registration-link"
                >
                  {task.authorizeUrl}
                </a>
              </p>
              <p className="text-xs text-slate-500">{t("task.live")}</p>
            </div>
            <AutoRefresh intervalMs={5000} />
          </div>
        ) : waiting ? (
          <p className="text-sm text-slate-700">{t("task.live")}</p>
        ) : task.status === "succeeded" ? (
          <div className="flex flex-col gap-3">
            <p data-testid="registration-success" className="text-sm text-slate-700">
              {t("task.successBody")}
            </p>
            {task.appId ? (
              <LinkButton href={`/accounts/${task.appId}`} data-testid="registration-open-account">
                {t("task.openAccount")}
              </LinkButton>
            ) : null}
          </div>
        ) : (
          <div className="flex flex-col gap-3">
            <p data-testid="registration-ended" className="text-sm text-slate-700">
              {task.status === "expired"
                ? t("task.expiredBody")
                : task.status === "cancelled"
                  ? t("task.cancelledBody")
                  : t("task.failedBody")}
            </p>
            <LinkButton href="/accounts/register" data-testid="registration-start-again">
              {t("task.startAgain")}
            </LinkButton>
          </div>
        )}
      </section>
    </div>
  );
}

/** The server clock at render (a dynamic page: rendered per request). */
function readClock(): number {
  return Date.now();
}
