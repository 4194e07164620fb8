"use client";

import { LoadErrorPanel } from "@/app/_components/error-details";

/** The staff page could not be read (usually the database): say so in both languages and offer a retry. */
export default function UsersError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <LoadErrorPanel
      testId="users-error"
      zh="员工管理暂时无法加载"
      en="We couldn't load the staff list right now"
      error={error}
      retry={retry}
    />
  );
}
