import { getTranslations } from "next-intl/server";
import { Skeleton, SkeletonPageHeader, SkeletonText } from "@/app/_components/skeleton";

/** Skeleton of the staff authorization list: the filter bar and a few rows. */
export default async function StaffAuthorizationsLoading() {
  const t = await getTranslations("staff");
  return (
    <Skeleton label={t("loading")} className="gap-5" testId="staff-authorizations-loading">
      <div className="flex items-end justify-between gap-4">
        <SkeletonPageHeader subtitleWidth="w-72" />
        <div className="h-10 w-24 rounded-lg bg-slate-200" />
      </div>
      <div className="rounded-2xl border border-slate-200 bg-white p-5">
        <div className="h-10 w-full rounded-lg bg-slate-100" />
        <div className="mt-4 grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-4">
          {[0, 1, 2, 3, 4, 5, 6, 7].map((i) => (
            <div key={i} className="h-14 rounded-lg bg-slate-100" />
          ))}
        </div>
      </div>
      <div className="h-4 w-40 rounded bg-slate-200" />
      <div className="flex flex-col divide-y divide-slate-100 rounded-2xl border border-slate-200 bg-white">
        {[0, 1, 2, 3, 4, 5].map((i) => (
          <div key={i} className="flex items-center gap-4 p-4">
            <div className="h-12 w-12 shrink-0 rounded-full bg-slate-200" />
            <SkeletonText title="h-4 w-1/3" line="h-3 w-1/4" />
            <div className="hidden h-4 w-1/5 rounded bg-slate-100 sm:block" />
          </div>
        ))}
      </div>
    </Skeleton>
  );
}
