"use client";

import { ErrorDetails } from "@/app/_components/error-details";

/** The staff page could not be read (usually the database): say so in both languages and offer a retry. */
export default function UsersError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <section data-testid="users-error" className="rounded-2xl border border-red-200 bg-white p-6 shadow-sm sm:p-8">
      <h1 className="text-lg font-semibold text-slate-900">
        员工管理暂时无法加载
        <span lang="en" className="mt-0.5 block text-sm font-normal text-slate-500">
          We couldn&apos;t load the staff list right now
        </span>
      </h1>
      <ErrorDetails error={error} retry={retry} />
    </section>
  );
}
