import { getTranslations } from "next-intl/server";
import { Suspense } from "react";
import { PageHeader } from "@/app/_components/page-header";
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
      <PageHeader title={t("title")} subtitle={t("subtitle")} />
      <Suspense fallback={<PlatformStatusSkeleton label={t("loading")} />}>
        <PlatformStatus />
      </Suspense>
      <StaffCharts />
    </div>
  );
}
