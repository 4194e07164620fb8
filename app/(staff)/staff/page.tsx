import { getTranslations } from "next-intl/server";
import { Suspense } from "react";
import { requireStaff } from "@/lib/auth/guards";
import { StaffCharts } from "./_components/charts/staff-charts";
import { staffMetadata } from "./_components/metadata";
import { PlatformStatus, PlatformStatusSkeleton } from "./_components/platform-status";

export const generateMetadata = () => staffMetadata("overview");

// GET /staff: the console's home: the platform status panel (the data of /api/health) and the review queue.
export default async function StaffHome() {
  await requireStaff("/staff");
  const t = await getTranslations("staffOps.overview");
  return (
    <div className="flex flex-col gap-6">
      <div>
        <h1 className="text-2xl font-semibold text-slate-900">{t("title")}</h1>
        <p className="mt-1 text-sm text-slate-600">{t("subtitle")}</p>
      </div>
      <Suspense fallback={<PlatformStatusSkeleton label={t("loading")} />}>
        <PlatformStatus />
      </Suspense>
      <StaffCharts />
    </div>
  );
}
