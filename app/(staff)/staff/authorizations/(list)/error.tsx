"use client";

import { ErrorDetails } from "@/app/_components/error-details";

/** The list failed to load (usually the database): say so in both languages and offer a retry. */
export default function StaffAuthorizationsError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <section data-testid="staff-authorizations-error" className="rounded-2xl border border-red-200 bg-white p-6 shadow-sm sm:p-8">
      <h1 className="text-lg font-semibold text-slate-900">
        授权列表暂时无法加载
        <span lang="en" className="mt-0.5 block text-sm font-normal text-slate-500">
          The authorization list couldn&apos;t be loaded
        </span>
      </h1>
      <ErrorDetails error={error} retry={retry} />
    </section>
  );
}
