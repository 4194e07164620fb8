"use client";

import { LoadErrorPanel } from "@/app/_components/error-details";

/** The staff page could not be read (usually the database): say so in the reader's language and offer a retry. */
export default function UsersError({ error, retry }: { error: unknown; retry: () => void }) {
  return <LoadErrorPanel testId="users-error" title={{ key: "staff.errors.users" }} error={error} retry={retry} />;
}
