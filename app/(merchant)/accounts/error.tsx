"use client";

import { LoadErrorPanel } from "@/app/_components/error-details";

/** Something failed while reading accounts (usually the database): say so in both languages and offer a retry. */
export default function AccountsError({ error, retry }: { error: unknown; retry: () => void }) {
  return <LoadErrorPanel testId="accounts-error" zh="账号信息暂时无法加载" en="We couldn't load your accounts right now" error={error} retry={retry} />;
}
