import { connection } from "next/server";
import { getTranslations } from "next-intl/server";
import { BackLink } from "@/app/_components/back-link";
import { getDb } from "@/db";
import { listTemplates, unsafeListMiniPrograms } from "@/db/queries/releases";
import { requireStaff } from "@/lib/auth/guards";
import { NewBatchForm } from "./new-batch-form";
import { staffMetadata } from "../../_components/metadata";

export const generateMetadata = () => staffMetadata("newRelease");

// GET /staff/releases/new: template, targets (every eligible mini program or a selection), ext_json, version, on approval.
export default async function NewReleasePage() {
  await connection();
  await requireStaff("/staff/releases/new");
  const db = await getDb();
  const [t, templates, programs] = await Promise.all([
    getTranslations("releases"),
    listTemplates(db),
    unsafeListMiniPrograms(db),
  ]);
  return (
    <main className="mx-auto w-full max-w-3xl space-y-6 px-4 py-6 sm:py-8">
      <BackLink href="/staff/releases">{t("list.title")}</BackLink>
      <h1 className="text-xl font-semibold text-slate-900">{t("new.title")}</h1>
      <NewBatchForm
        templates={templates.map((x) => ({ id: x.templateId, version: x.userVersion, desc: x.userDesc }))}
        programs={programs.map((p) => ({
          appId: p.appId,
          name: p.nickName ?? p.appId,
          merchant: p.merchantName ?? "",
          eligible: p.hasSet18,
        }))}
      />
    </main>
  );
}
