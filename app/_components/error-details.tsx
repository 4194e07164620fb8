"use client";

import Link from "next/link";
import { useEffect } from "react";

/** The shared body of the error boundaries: what to do, the error's reference, Retry and Home. Both languages. */
export function ErrorDetails({ error, retry, centered = false }: { error: unknown; retry: () => void; centered?: boolean }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const digest = error instanceof Error && "digest" in error && typeof error.digest === "string" ? error.digest : null;
  return (
    <>
      <p className="mt-3 text-sm leading-relaxed text-slate-600">
        请稍后重试；如果问题持续，请联系我们。
        <span lang="en" className="block text-slate-500">
          Please try again; if it keeps happening, contact us.
        </span>
      </p>
      {digest ? <p className="mt-3 font-mono text-xs text-slate-400">ref: {digest}</p> : null}
      <div className={`flex flex-wrap gap-3 ${centered ? "mt-8 justify-center" : "mt-5"}`}>
        <button
          type="button"
          onClick={() => retry()}
          className="inline-flex min-h-11 items-center rounded-lg bg-emerald-600 px-5 text-sm font-semibold text-white shadow-sm hover:bg-emerald-700"
        >
          重试 · Retry
        </button>
        <Link href="/" className="inline-flex min-h-11 items-center rounded-lg px-5 text-sm font-medium text-slate-700 hover:bg-slate-100">
          返回首页 · Home
        </Link>
      </div>
    </>
  );
}

/**
 * A section-level error boundary's panel: what could not be loaded, in both languages, then ErrorDetails.
 * Each `error.tsx` under a page only names what failed.
 */
export function LoadErrorPanel({
  testId,
  zh,
  en,
  error,
  retry,
}: {
  testId: string;
  zh: string;
  en: string;
  error: unknown;
  retry: () => void;
}) {
  return (
    <section data-testid={testId} className="rounded-2xl border border-red-200 bg-white p-6 shadow-sm sm:p-8">
      <h1 className="text-lg font-semibold text-slate-900">
        {zh}
        <span lang="en" className="mt-0.5 block text-sm font-normal text-slate-500">
          {en}
        </span>
      </h1>
      <ErrorDetails error={error} retry={retry} />
    </section>
  );
}
