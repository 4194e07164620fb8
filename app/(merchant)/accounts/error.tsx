"use client";

import { LoadErrorPanel } from "@/app/_components/error-details";

/** Something failed while reading accounts (usually the database): say so and offer a retry. */
export default function AccountsError({ error, retry }: { error: unknown; retry: () => void }) {
  return <LoadErrorPanel testId="accounts-error" title={{ key: "accounts.loadError" }} error={error} retry={retry} />;
}
