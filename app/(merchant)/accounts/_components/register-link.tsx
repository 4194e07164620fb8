import Link from "next/link";
import { getTranslations } from "next-intl/server";

/** The way into fast registration from /accounts (注册新小程序). */
export async function RegisterLink() {
  const t = await getTranslations("registration.page");
  return (
    <Link
      href="/accounts/register"
      data-testid="register-link"
      className="inline-flex min-h-10 w-fit items-center gap-2 rounded-lg border border-emerald-700 px-3 text-sm font-semibold text-emerald-800 hover:bg-emerald-50"
    >
      <span aria-hidden="true">＋</span>
      {t("entry")}
      <span className="font-normal text-slate-600">· {t("entryHint")}</span>
    </Link>
  );
}
