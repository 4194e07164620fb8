"use client";

import Link from "next/link";
import { useEffect } from "react";

/** Unexpected failure outside a more specific boundary. Client-side, so both languages are shown. */
export default function AppError({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const digest = error instanceof Error && "digest" in error && typeof error.digest === "string" ? error.digest : null;
  return (
    <main className="mx-auto flex min-h-screen max-w-lg flex-col items-center justify-center px-4 py-16 text-center">
      <p className="font-mono text-sm font-semibold text-red-700">500</p>
      <h1 data-testid="error-title" className="mt-2 text-2xl font-semibold text-slate-900">
        页面出错了
        <span lang="en" className="mt-1 block text-base font-normal text-slate-500">
          Something went wrong
        </span>
      </h1>
      <p className="mt-3 text-sm leading-relaxed text-slate-600">
        请稍后重试；如果问题持续，请联系我们。
        <span lang="en" className="block text-slate-500">
          Please try again; if it keeps happening, contact us.
        </span>
      </p>
      {digest ? <p className="mt-3 font-mono text-xs text-slate-400">ref: {digest}</p> : null}
      <div className="mt-8 flex flex-wrap justify-center gap-3">
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
    </main>
  );
}
