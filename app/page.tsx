import Link from "next/link";
import { connection } from "next/server";
import { getTranslations } from "next-intl/server";
import { LanguageSwitch } from "@/app/_components/language-switch";
import { currentUser } from "@/lib/auth/guards";
import { getHealth, unhealthy, type Health } from "@/lib/health";
import { formatDuration } from "@/lib/i18n/duration";
import { getPlatform } from "@/lib/platform";

async function loadHealth(): Promise<Health> {
  try {
    return await getHealth(await getPlatform());
  } catch (error) {
    return unhealthy(false, error);
  }
}

/** The status page must render even when sign-in can't be checked (e.g. the database is down). */
async function loadUser() {
  try {
    return await currentUser();
  } catch {
    return null;
  }
}

export default async function HomePage() {
  await connection();
  const [health, user, t, tSite, tDuration] = await Promise.all([
    loadHealth(),
    loadUser(),
    getTranslations("home"),
    getTranslations("site"),
    getTranslations("common.duration"),
  ]);
  const duration = (seconds: number) => formatDuration(tDuration, seconds);
  const ticketAge = health.ticket.ageSeconds;
  const tokenExpiresIn = health.componentToken.expiresInSeconds;
  const link = "inline-flex min-h-9 items-center rounded-lg px-3 text-sm font-medium";
  const rows: Array<{ id: string; label: string; value: string; warn: boolean }> = [
    {
      id: "health-database",
      label: t("database"),
      value: health.database.ok ? t("databaseOk") : t("databaseDown"),
      warn: !health.database.ok,
    },
    {
      id: "health-ticket",
      label: t("ticket"),
      value: ticketAge === null ? t("ticketNone") : t("ticketAge", { age: duration(ticketAge) }),
      warn: health.ticket.warning !== null,
    },
    {
      id: "health-component-token",
      label: t("componentToken"),
      value:
        tokenExpiresIn === null
          ? t("tokenNone")
          : tokenExpiresIn <= 0
            ? t("tokenExpired")
            : t("tokenExpiresIn", { time: duration(tokenExpiresIn) }),
      warn: health.componentToken.lastError !== null,
    },
  ];

  return (
    <main className="mx-auto flex max-w-2xl flex-col gap-6 px-4 py-6 sm:py-10">
      <nav aria-label={tSite("header.home")} className="flex flex-wrap items-center justify-end gap-2">
        <LanguageSwitch />
        {user?.role === "merchant" ? (
          <Link href="/accounts" className={`${link} bg-emerald-600 text-white hover:bg-emerald-700`}>
            {tSite("header.myAccounts")}
          </Link>
        ) : user ? null : (
          <>
            <Link href="/login" className={`${link} text-slate-700 hover:bg-slate-100`}>
              {tSite("header.signIn")}
            </Link>
            <Link href="/signup" className={`${link} bg-emerald-600 text-white hover:bg-emerald-700`}>
              {tSite("header.signUp")}
            </Link>
          </>
        )}
      </nav>
      <header className="flex flex-col gap-2">
        <p className="text-sm font-medium text-emerald-700">{t("eyebrow")}</p>
        <h1 className="text-2xl font-semibold sm:text-3xl">{t("title")}</h1>
        <p className="text-slate-600">{t("lead")}</p>
      </header>

      <section aria-labelledby="status-heading" className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
        <h2 id="status-heading" className="mb-3 text-base font-semibold">
          {t("statusTitle")}
        </h2>
        <dl className="divide-y divide-slate-100">
          {rows.map((row) => (
            <div key={row.id} className="flex flex-col gap-1 py-2 sm:flex-row sm:justify-between">
              <dt className="text-sm text-slate-600">{row.label}</dt>
              <dd
                className={`text-sm font-medium ${row.warn ? "text-amber-700" : "text-slate-900"}`}
                data-testid={row.id}
              >
                {row.value}
              </dd>
            </div>
          ))}
        </dl>
        {health.ticket.warning && (
          <p className="mt-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800">
            {ticketAge === null ? t("ticketNoneHint") : t("ticketStaleHint")}
          </p>
        )}
      </section>

      {health.sandbox && (
        <p className="rounded-md border border-dashed border-emerald-300 bg-emerald-50 px-4 py-3 text-sm text-emerald-900">
          {t("sandbox")}
        </p>
      )}
    </main>
  );
}
