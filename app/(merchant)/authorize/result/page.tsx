import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { requireMerchant } from "@/lib/auth/guards";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("authorize.result"))("metaTitle") };
}

const querySchema = z.object({
  reason: z
    .enum([
      "invalid_state",
      "expired_state",
      "used_state",
      "cancelled",
      "code_invalid",
      "code_expired",
      "code_mismatch",
      "wrong_account",
      "wechat_error",
      "unavailable",
      "unknown",
    ])
    .catch("unknown"),
  errcode: z
    .string()
    .regex(/^-?\d{1,9}$/)
    .optional()
    .catch(undefined),
});

/** Where the authorization callback sends the merchant when it did not end with an authorized account. */
export default async function AuthorizeResultPage({ searchParams }: PageProps<"/authorize/result">) {
  await connection();
  const raw = await searchParams;
  const returnTo = `/authorize/result?${new URLSearchParams(Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === "string")).toString()}`;
  await requireMerchant(returnTo);
  const t = await getTranslations("authorize.result");
  const query = querySchema.parse(raw);
  const reason = query.reason;
  const cancelled = reason === "cancelled";

  return (
    <section
      data-testid="authorize-result"
      data-reason={reason}
      className="mx-auto flex max-w-lg flex-col items-center rounded-2xl border border-slate-200 bg-white px-6 py-10 text-center shadow-sm sm:px-10"
    >
      <div
        aria-hidden="true"
        className={`flex h-14 w-14 items-center justify-center rounded-full ${cancelled ? "bg-slate-100 text-slate-500" : "bg-amber-100 text-amber-700"}`}
      >
        <svg
          viewBox="0 0 24 24"
          className="h-7 w-7"
          fill="none"
          stroke="currentColor"
          strokeWidth="2"
          strokeLinecap="round"
        >
          <path d={cancelled ? "M7 7l10 10M17 7 7 17" : "M12 7v6M12 16.5v.5"} />
        </svg>
      </div>
      <h1 data-testid="result-title" className="mt-5 text-xl font-semibold text-slate-900">
        {t(`title.${reason}`)}
      </h1>
      <p data-testid="result-message" className="mt-3 text-sm leading-relaxed text-slate-600">
        {t(`body.${reason}`)}
      </p>
      {reason === "wechat_error" && query.errcode !== undefined ? (
        <p className="mt-3 rounded-md bg-slate-100 px-3 py-1.5 font-mono text-sm text-slate-700">
          {t("errcode")}: <span data-testid="result-errcode">{query.errcode}</span>
        </p>
      ) : null}
      <div className="mt-8 flex w-full flex-col gap-2 sm:w-auto sm:flex-row">
        <Link
          href="/accounts"
          className="inline-flex min-h-11 items-center justify-center rounded-lg bg-emerald-600 px-5 text-sm font-semibold text-white shadow-sm hover:bg-emerald-700"
        >
          {t("tryAgain")}
        </Link>
      </div>
    </section>
  );
}
