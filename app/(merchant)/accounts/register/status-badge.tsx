import { getTranslations } from "next-intl/server";
import type { RegistrationStatus } from "@/db/schema";

const TONE: Record<RegistrationStatus, string> = {
  waiting: "bg-amber-50 text-amber-800 ring-amber-200",
  succeeded: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  failed: "bg-red-50 text-red-800 ring-red-200",
  expired: "bg-slate-100 text-slate-700 ring-slate-200",
  cancelled: "bg-slate-100 text-slate-700 ring-slate-200",
};

export async function RegistrationStatusBadge({ status }: { status: RegistrationStatus }) {
  const t = await getTranslations("registration.status");
  return (
    <span
      data-testid="registration-status"
      data-status={status}
      className={`inline-flex items-center rounded-full px-2.5 py-0.5 text-xs font-semibold ring-1 ${TONE[status]}`}
    >
      {t(status)}
    </span>
  );
}
