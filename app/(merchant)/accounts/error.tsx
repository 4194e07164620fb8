"use client";

import { ErrorDetails } from "@/app/_components/error-details";

/** Something failed while reading accounts (usually the database): say so in both languages and offer a retry. */
export default function AccountsError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <section data-testid="accounts-error" className="rounded-2xl border border-red-200 bg-white p-6 shadow-sm sm:p-8">
      <h1 className="text-lg font-semibold text-slate-900">
        账号信息暂时无法加载
        <span lang="en" className="mt-0.5 block text-sm font-normal text-slate-500">
          We couldn&apos;t load your accounts right now
        </span>
      </h1>
      <ErrorDetails error={error} retry={retry} />
    </section>
  );
}
