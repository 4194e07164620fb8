import Link from "next/link";
import { connection } from "next/server";
import { LanguageSwitch } from "@/app/_components/language-switch";
import { currentUser } from "@/lib/auth/guards";
import { getHealth, unhealthy, type Health } from "@/lib/health";
import { getI18n } from "@/lib/i18n";
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

function formatAge(seconds: number | null): string {
  if (seconds === null) return "尚未收到 · not yet received";
  if (seconds < 60) return `${seconds} 秒前 · ${seconds}s ago`;
  const minutes = Math.round(seconds / 60);
  return `${minutes} 分钟前 · ${minutes} min ago`;
}

function formatExpiry(seconds: number | null): string {
  if (seconds === null) return "尚未获取 · not yet issued";
  if (seconds <= 0) return "已过期 · expired";
  const minutes = Math.floor(seconds / 60);
  return `${minutes} 分钟后过期 · expires in ${minutes} min`;
}

export default async function HomePage() {
  await connection();
  const [health, user, { lang, t }] = await Promise.all([loadHealth(), loadUser(), getI18n()]);
  const link = "inline-flex min-h-9 items-center rounded-lg px-3 text-sm font-medium";
  const rows: Array<{ label: string; value: string; warn: boolean }> = [
    { label: "数据库 · Database", value: health.database.ok ? "正常 · OK" : "不可用 · unavailable", warn: !health.database.ok },
    { label: "验证票据 · Verify ticket", value: formatAge(health.ticket.ageSeconds), warn: health.ticket.warning !== null },
    {
      label: "平台令牌 · Component token",
      value: formatExpiry(health.componentToken.expiresInSeconds),
      warn: health.componentToken.lastError !== null,
    },
  ];

  return (
    <main className="mx-auto flex max-w-2xl flex-col gap-6 px-4 py-6 sm:py-10">
      <nav aria-label={t.header.home} className="flex flex-wrap items-center justify-end gap-2">
        <LanguageSwitch lang={lang} label={t.languageSwitch} />
        {user?.role === "merchant" ? (
          <Link href="/accounts" className={`${link} bg-emerald-600 text-white hover:bg-emerald-700`}>
            {t.header.myAccounts}
          </Link>
        ) : user ? null : (
          <>
            <Link href="/login" className={`${link} text-slate-700 hover:bg-slate-100`}>
              {t.header.signIn}
            </Link>
            <Link href="/signup" className={`${link} bg-emerald-600 text-white hover:bg-emerald-700`}>
              {t.header.signUp}
            </Link>
          </>
        )}
      </nav>
      <header className="flex flex-col gap-2">
        <p className="text-sm font-medium text-emerald-700">微信开放平台 · 第三方平台</p>
        <h1 className="text-2xl font-semibold sm:text-3xl">微信授权接入门户</h1>
        <p className="text-slate-600">
          商家可在此将公众号和小程序授权给我们的平台。
          <span className="block text-sm text-slate-500">Merchants hand their Official Accounts and Mini Programs over to our platform here.</span>
        </p>
      </header>

      <section aria-labelledby="status-heading" className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
        <h2 id="status-heading" className="mb-3 text-base font-semibold">
          平台状态 <span className="font-normal text-slate-500">· Platform status</span>
        </h2>
        <dl className="divide-y divide-slate-100">
          {rows.map((row) => (
            <div key={row.label} className="flex flex-col gap-1 py-2 sm:flex-row sm:justify-between">
              <dt className="text-sm text-slate-600">{row.label}</dt>
              <dd className={`text-sm font-medium ${row.warn ? "text-amber-700" : "text-slate-900"}`} data-testid={row.label}>
                {row.value}
              </dd>
            </div>
          ))}
        </dl>
        {health.ticket.warning && (
          <p className="mt-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800">{health.ticket.warning}</p>
        )}
      </section>

      {health.sandbox && (
        <p className="rounded-md border border-dashed border-emerald-300 bg-emerald-50 px-4 py-3 text-sm text-emerald-900">
          沙箱模式：微信接口由内置的微信沙箱模拟。
          <span className="block text-emerald-800">Sandbox mode: WeChat is simulated by the built-in sandbox.</span>
        </p>
      )}
    </main>
  );
}
