import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { currentUser } from "@/lib/auth/guards";
import { getI18n } from "@/lib/i18n";
import { SignUpForm } from "./signup-form";

export const metadata: Metadata = { title: "注册 · Sign up" };

export default async function SignUpPage() {
  await connection();
  const user = await currentUser();
  if (user?.role === "merchant" && user.merchantId) redirect("/accounts");
  const { lang, t } = await getI18n();
  return (
    <div className="rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
      <h1 className="text-xl font-semibold text-slate-900">{t.signup.title}</h1>
      <p className="mt-1 mb-6 text-sm text-slate-600">{t.signup.subtitle}</p>
      <SignUpForm lang={lang} t={t.signup} />
    </div>
  );
}
