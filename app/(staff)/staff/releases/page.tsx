import Link from "next/link";
import { connection } from "next/server";
import { getFormatter, getTranslations } from "next-intl/server";
import { AutoRefresh } from "@/app/_components/auto-refresh";
import { LinkButton } from "@/app/_components/link-button";
import { PageHeader } from "@/app/_components/page-header";
import { Panel } from "@/app/_components/panel";
import { Translated } from "@/app/_components/translated";
import { getDb } from "@/db";
import { countTargetsByStatus, listBatches } from "@/db/queries/batches";
import { requireStaff } from "@/lib/auth/guards";
import { RELEASE_KIND, releaseParamsSchema } from "@/lib/releases/release-kind";
import { BatchProgress } from "./_components/progress-bar";
import { staffMetadata } from "../_components/metadata";

export const generateMetadata = () => staffMetadata("releases");

// GET /staff/releases: release batches with their progress, refreshed while any of them runs.
export default async function ReleasesPage() {
  await connection();
  await requireStaff("/staff/releases");
  const db = await getDb();
  const [t, tj, format] = await Promise.all([getTranslations("releases"), getTranslations("jobs"), getFormatter()]);
  const batches = await listBatches(db, { kind: RELEASE_KIND, limit: 50 });
  const counts = await countTargetsByStatus(
    db,
    batches.map((b) => b.id),
  );
  const running = batches.some((b) => b.status === "running");
  return (
    <main className="mx-auto w-full max-w-6xl space-y-6 px-4 py-6 sm:py-8">
      <AutoRefresh active={running} intervalMs={2000} />
      <div className="flex flex-wrap items-end justify-between gap-3">
        <PageHeader title={t("list.title")} subtitle={t("list.intro")} className="max-w-2xl" />
        <div className="flex gap-2">
          <LinkButton href="/staff/releases/templates" variant="secondary">
            {t("list.templates")}
          </LinkButton>
          <LinkButton href="/staff/releases/new" data-testid="new-release-batch">
            {t("list.new")}
          </LinkButton>
        </div>
      </div>
      <Panel titleId="batches-title" title={t("list.batch")}>
        {batches.length === 0 ? (
          <p className="text-sm text-slate-600">{t("list.empty")}</p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {batches.map((b) => {
              const params = releaseParamsSchema.safeParse(b.params);
              const c = counts.get(b.id) ?? {};
              const total = Object.values(c).reduce((a, n) => a + (n ?? 0), 0);
              return (
                <li key={b.id} data-testid="release-batch" data-batch-id={b.id} className="py-4">
                  <div className="flex flex-wrap items-baseline justify-between gap-2">
                    <Link href={`/staff/releases/${b.id}`} className="font-medium text-emerald-800 hover:underline">
                      #{b.id} · {b.title}
                    </Link>
                    <span className="text-xs text-slate-500">
                      {tj(`batchStatus.${b.status}`)} · {t("list.targets", { count: total })} ·{" "}
                      {t("list.created", {
                        time: format.dateTime(b.createdAt, { dateStyle: "medium", timeStyle: "short" }),
                      })}
                    </span>
                  </div>
                  {params.success ? (
                    <p className="mt-0.5 text-xs text-slate-500">
                      {t("detail.params", { templateId: params.data.templateId, version: params.data.version })}
                    </p>
                  ) : null}
                  {b.pauseReason ? (
                    <p className="mt-1 text-xs text-amber-800">
                      {t("detail.paused")}
                      <Translated message={b.pauseReason} />
                    </p>
                  ) : null}
                  <div className="mt-2">
                    <BatchProgress counts={c} />
                  </div>
                </li>
              );
            })}
          </ul>
        )}
      </Panel>
    </main>
  );
}
