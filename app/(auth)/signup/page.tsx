import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { getTranslations } from "next-intl/server";
import { currentUser } from "@/lib/auth/guards";
import { SignUpForm } from "./signup-form";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("auth.signup"))("metaTitle") };
}

export default async function SignUpPage() {
  await connection();
  const user = await currentUser();
  if (user?.role === "merchant" && user.merchantId) redirect("/accounts");
  const t = await getTranslations("auth.signup");
  return (
    <div className="rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
      <h1 className="text-xl font-semibold text-slate-900">{t("title")}</h1>
      <p className="mt-1 mb-6 text-sm text-slate-600">{t("subtitle")}</p>
      <SignUpForm />
    </div>
  );
}
