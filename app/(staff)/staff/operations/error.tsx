"use client";

import { LoadErrorPanel } from "@/app/_components/error-details";

/** The operations page could not be read (usually the database): say so in both languages and offer a retry. */
export default function OperationsError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <LoadErrorPanel
      testId="operations-error"
      zh="运维页面暂时无法加载"
      en="We couldn't load the operations page right now"
      error={error}
      retry={retry}
    />
  );
}
