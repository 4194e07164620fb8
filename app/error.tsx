"use client";

import { useTranslations } from "next-intl";
import { ErrorDetails } from "@/app/_components/error-details";

/** Unexpected failure outside a more specific boundary. */
export default function AppError({ error, retry }: { error: unknown; retry: () => void }) {
  const t = useTranslations("site.error");
  return (
    <main className="mx-auto flex min-h-screen max-w-lg flex-col items-center justify-center px-4 py-16 text-center">
      <p className="font-mono text-sm font-semibold text-red-700">500</p>
      <h1 data-testid="error-title" className="mt-2 text-2xl font-semibold text-slate-900">
        {t("title")}
      </h1>
      <ErrorDetails error={error} retry={retry} centered />
    </main>
  );
}
