import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { currentUser } from "@/lib/auth/guards";
import { getI18n } from "@/lib/i18n";
import { safeCallbackUrl } from "../safe-callback";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "登录 · Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await connection();
  const { callbackUrl: raw } = await searchParams;
  const callbackUrl = safeCallbackUrl(typeof raw === "string" ? raw : undefined);
  const user = await currentUser();
  if (user?.role === "merchant" && user.merchantId) redirect(callbackUrl);
  const { lang, t } = await getI18n();
  return (
    <div className="rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
      <h1 className="text-xl font-semibold text-slate-900">{t.login.title}</h1>
      <p className="mt-1 mb-6 text-sm text-slate-600">{t.login.subtitle}</p>
      <LoginForm lang={lang} t={t.login} callbackUrl={callbackUrl} />
    </div>
  );
}
