import type { Metadata } from "next";
import { Suspense } from "react";
import { requireStaff } from "@/lib/auth/guards";
import { getLanguage } from "@/lib/i18n";
import { getStaffOpsDictionary } from "@/lib/i18n-staff-ops";
import { PlatformStatus, PlatformStatusSkeleton } from "./platform-status";

export const metadata: Metadata = { title: "概览 · Overview" };

// GET /staff: the console's home: the platform status panel (the data of /api/health) and the review queue.
export default async function StaffHome() {
  await requireStaff("/staff");
  const lang = await getLanguage();
  const t = getStaffOpsDictionary(lang).overview;
  return (
    <div className="flex flex-col gap-6">
      <div>
        <h1 className="text-2xl font-semibold text-slate-900">{t.title}</h1>
        <p className="mt-1 text-sm text-slate-600">{t.subtitle}</p>
      </div>
      <Suspense fallback={<PlatformStatusSkeleton label={t.loading} />}>
        <PlatformStatus lang={lang} />
      </Suspense>
    </div>
  );
}
