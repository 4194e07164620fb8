"use client";

import { LoadErrorPanel } from "@/app/_components/error-details";

/** The list failed to load (usually the database): say so in the reader's language and offer a retry. */
export default function StaffAuthorizationsError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <LoadErrorPanel
      testId="staff-authorizations-error"
      title={{ key: "staff.errors.list" }}
      error={error}
      retry={retry}
    />
  );
}
