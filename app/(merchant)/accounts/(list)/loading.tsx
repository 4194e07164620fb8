import { useTranslations } from "next-intl";
import { Skeleton, SkeletonPageHeader, SkeletonText } from "@/app/_components/skeleton";

/**
 * Skeleton of the accounts list. It sits in the (list) group on purpose: a loading boundary above
 * /accounts/[appid] would start streaming before notFound() runs, and that page's 404 would go out as a 200.
 */
export default function AccountsLoading() {
  const t = useTranslations("site");
  return (
    <Skeleton label={t("loading")} className="gap-6" testId="accounts-loading">
      <SkeletonPageHeader subtitleWidth="w-64" />
      <div className="rounded-2xl border border-slate-200 bg-white p-5">
        <div className="h-5 w-40 rounded bg-slate-200" />
        <div className="mt-4 h-9 w-72 max-w-full rounded-lg bg-slate-100" />
        <div className="mt-4 flex flex-col gap-2 sm:flex-row">
          <div className="h-11 w-full rounded-lg bg-slate-200 sm:w-32" />
          <div className="h-11 w-full rounded-lg bg-slate-200 sm:w-32" />
        </div>
      </div>
      <div className="grid grid-cols-1 gap-3 md:grid-cols-2">
        {[0, 1, 2, 3].map((i) => (
          <div key={i} className="flex items-center gap-4 rounded-xl border border-slate-200 bg-white p-4">
            <div className="h-12 w-12 shrink-0 rounded-full bg-slate-200" />
            <SkeletonText title="h-4 w-1/2" line="h-3 w-1/3">
              <div className="mt-3 flex gap-2">
                <div className="h-4 w-12 rounded-full bg-slate-100" />
                <div className="h-4 w-14 rounded-full bg-slate-100" />
              </div>
            </SkeletonText>
          </div>
        ))}
      </div>
    </Skeleton>
  );
}
