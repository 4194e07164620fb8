"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { useEffect } from "react";
import type { Message } from "@/lib/i18n/message";
import { Translated } from "./translated";

/** The shared body of the error boundaries: what to do, the error's reference, Retry and Home. */
export function ErrorDetails({
  error,
  retry,
  centered = false,
}: {
  error: unknown;
  retry: () => void;
  centered?: boolean;
}) {
  const t = useTranslations("site.error");
  useEffect(() => {
    console.error(error);
  }, [error]);
  const digest = error instanceof Error && "digest" in error && typeof error.digest === "string" ? error.digest : null;
  return (
    <>
      <p className="mt-3 text-sm leading-relaxed text-slate-600">{t("body")}</p>
      {digest ? <p className="mt-3 font-mono text-xs text-slate-500">ref: {digest}</p> : null}
      <div className={`flex flex-wrap gap-3 ${centered ? "mt-8 justify-center" : "mt-5"}`}>
        <button
          type="button"
          onClick={() => retry()}
          className="inline-flex min-h-11 items-center rounded-lg bg-emerald-600 px-5 text-sm font-semibold text-white shadow-sm hover:bg-emerald-700"
        >
          {t("retry")}
        </button>
        <Link
          href="/"
          className="inline-flex min-h-11 items-center rounded-lg px-5 text-sm font-medium text-slate-700 hover:bg-slate-100"
        >
          {t("home")}
        </Link>
      </div>
    </>
  );
}

/**
 * A section-level error boundary's panel: what could not be loaded (`title`), then ErrorDetails. Each `error.tsx`
 * under a page only names what failed.
 */
export function LoadErrorPanel({
  testId,
  title,
  error,
  retry,
}: {
  testId: string;
  title: Message;
  error: unknown;
  retry: () => void;
}) {
  return (
    <section data-testid={testId} className="rounded-2xl border border-red-200 bg-white p-6 shadow-sm sm:p-8">
      <h1 className="text-lg font-semibold text-slate-900">
        <Translated message={title} />
      </h1>
      <ErrorDetails error={error} retry={retry} />
    </section>
  );
}
