"use client";

import { LoadErrorPanel } from "@/app/_components/error-details";

/** The operations page could not be read (usually the database): say so in the reader's language and offer a retry. */
export default function OperationsError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <LoadErrorPanel testId="operations-error" title={{ key: "staff.errors.operations" }} error={error} retry={retry} />
  );
}
