import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { getTranslations } from "next-intl/server";
import { currentUser } from "@/lib/auth/guards";
import { safeCallbackUrl } from "../safe-callback";
import { LoginForm } from "./login-form";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("auth.login"))("metaTitle") };
}

export default async function LoginPage({ searchParams }: PageProps<"/login">) {
  await connection();
  const { callbackUrl: raw } = await searchParams;
  const callbackUrl = safeCallbackUrl(typeof raw === "string" ? raw : undefined);
  const user = await currentUser();
  if (user?.role === "merchant" && user.merchantId) redirect(callbackUrl);
  const t = await getTranslations("auth.login");
  return (
    <div className="rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
      <h1 className="text-xl font-semibold text-slate-900">{t("title")}</h1>
      <p className="mt-1 mb-6 text-sm text-slate-600">{t("subtitle")}</p>
      <LoginForm callbackUrl={callbackUrl} />
    </div>
  );
}
