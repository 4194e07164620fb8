"use client";

import { LoadErrorPanel } from "@/app/_components/error-details";

/** The list failed to load (usually the database): say so in both languages and offer a retry. */
export default function StaffAuthorizationsError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <LoadErrorPanel
      testId="staff-authorizations-error"
      zh="授权列表暂时无法加载"
      en="The authorization list couldn't be loaded"
      error={error}
      retry={retry}
    />
  );
}
