import type { Metadata } from "next";
import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { connection } from "next/server";
import { BackLink } from "@/app/_components/back-link";
import { EmptyNote } from "@/app/_components/empty-note";
import { PageHeader } from "@/app/_components/page-header";
import { Panel } from "@/app/_components/panel";
import { getDb } from "@/db";
import { listFastRegisterOfficialAccounts, listMerchantRegistrations } from "@/db/queries/registration";
import { requireMerchant } from "@/lib/auth/guards";
import { RegisterForm } from "./register-form";
import { RegistrationStatusBadge } from "./status-badge";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("registration.page"))("metaTitle") };
}

// GET /accounts/register: a merchant starts a fast registration (enterprise, personal, reuse of an official account's
// entity) and sees their registrations.
export default async function RegisterPage() {
  await connection();
  const merchant = await requireMerchant("/accounts/register");
  const db = await getDb();
  const [t, format, tasks, officialAccounts] = await Promise.all([
    getTranslations("registration"),
    getFormatter(),
    listMerchantRegistrations(db, merchant.merchantId),
    listFastRegisterOfficialAccounts(db, merchant.merchantId),
  ]);
  return (
    <div className="flex flex-col gap-6">
      <BackLink href="/accounts">{t("page.back")}</BackLink>
      <PageHeader title={t("page.title")} subtitle={t("page.subtitle")} />
      <section className="rounded-2xl border border-slate-200 bg-white p-5 shadow-sm sm:p-6">
        <RegisterForm officialAccounts={officialAccounts} />
      </section>
      <Panel titleId="registrations-title" title={t("list.title")}>
        {tasks.length === 0 ? (
          <EmptyNote testId="registrations-empty">{t("list.empty")}</EmptyNote>
        ) : (
          <ul data-testid="registration-list" className="mt-3 divide-y divide-slate-100">
            {tasks.map((task) => (
              <li key={task.id}>
                <Link
                  href={`/accounts/register/${task.id}`}
                  className="flex flex-wrap items-center justify-between gap-2 py-3 hover:bg-slate-50"
                >
                  <span className="min-w-0">
                    <span className="block truncate font-medium text-slate-900">
                      {task.fields.name ?? task.fields.wxuser ?? task.fields.officialAccountAppId}
                    </span>
                    <span className="text-xs text-slate-500">
                      {t(`kind.${task.kind}`)} ·{" "}
                      {format.dateTime(task.createdAt, { dateStyle: "medium", timeStyle: "short" })}
                    </span>
                  </span>
                  <RegistrationStatusBadge status={task.status} />
                </Link>
              </li>
            ))}
          </ul>
        )}
      </Panel>
    </div>
  );
}
