"use client";

import Link from "next/link";
import { useEffect } from "react";

/** Something failed while reading accounts (usually the database): say so in both languages and offer a retry. */
export default function AccountsError({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const digest = error instanceof Error && "digest" in error && typeof error.digest === "string" ? error.digest : null;
  return (
    <section data-testid="accounts-error" className="rounded-2xl border border-red-200 bg-white p-6 shadow-sm sm:p-8">
      <h1 className="text-lg font-semibold text-slate-900">
        账号信息暂时无法加载
        <span lang="en" className="mt-0.5 block text-sm font-normal text-slate-500">
          We couldn&apos;t load your accounts right now
        </span>
      </h1>
      <p className="mt-3 text-sm leading-relaxed text-slate-600">
        请稍后重试；如果问题持续，请联系我们。
        <span lang="en" className="block text-slate-500">
          Please try again; if it keeps happening, contact us.
        </span>
      </p>
      {digest ? <p className="mt-3 font-mono text-xs text-slate-400">ref: {digest}</p> : null}
      <div className="mt-5 flex flex-wrap gap-3">
        <button
          type="button"
          onClick={() => retry()}
          className="inline-flex min-h-11 items-center rounded-lg bg-emerald-600 px-4 text-sm font-semibold text-white hover:bg-emerald-700"
        >
          重试 · Retry
        </button>
        <Link href="/" className="inline-flex min-h-11 items-center rounded-lg px-4 text-sm font-medium text-slate-700 hover:bg-slate-100">
          返回首页 · Home
        </Link>
      </div>
    </section>
  );
}
