import { connection } from "next/server";
import { getFormatter, getTranslations } from "next-intl/server";
import { BackLink } from "@/app/_components/back-link";
import { Panel } from "@/app/_components/panel";
import { Translated } from "@/app/_components/translated";
import { getDb } from "@/db";
import { listTemplates } from "@/db/queries/releases";
import { requireStaff } from "@/lib/auth/guards";
import { getPlatform } from "@/lib/platform";
import { codeClientOf } from "@/lib/releases/release-kind";
import { explainErrcode } from "@/lib/releases/wechat-answers";
import type { Draft } from "@/lib/wechat/code";
import { WechatApiError } from "@/lib/wechat/errors";
import { changeTemplatesAction, syncTemplatesAction } from "../actions";
import { ActionForm } from "../_components/action-form";
import { staffMetadata } from "../../_components/metadata";

export const generateMetadata = () => staffMetadata("templates");

// GET /staff/releases/templates: WeChat's template library (cached, synced on demand) and the draft box; admins change it.
export default async function TemplatesPage() {
  await connection();
  const staff = await requireStaff("/staff/releases/templates");
  const isAdmin = staff.role === "admin";
  const [t, format, templates] = await Promise.all([
    getTranslations("releases"),
    getFormatter(),
    listTemplates(await getDb()),
  ]);
  let drafts: Draft[] = [];
  let draftsError: React.ReactNode = null;
  try {
    drafts = await codeClientOf(await getPlatform()).getTemplateDraftList();
  } catch (error) {
    draftsError =
      error instanceof WechatApiError ? (
        <Translated message={explainErrcode(error.errcode)} />
      ) : (
        t("templates.draftsError", { detail: String(error) })
      );
  }
  const time = (s: number) => format.dateTime(new Date(s * 1000), { dateStyle: "medium", timeStyle: "short" });
  // A template's or a draft's button, for admins only (the action checks the role again).
  const adminAction = (fields: Record<string, string | number>, label: string, tone?: "danger") =>
    isAdmin ? <ActionForm action={changeTemplatesAction} fields={fields} label={label} tone={tone} /> : null;
  return (
    <main className="mx-auto w-full max-w-4xl space-y-6 px-4 py-6 sm:py-8">
      <BackLink href="/staff/releases">{t("list.title")}</BackLink>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-xl font-semibold text-slate-900">{t("templates.title")}</h1>
        <ActionForm
          action={syncTemplatesAction}
          fields={{}}
          label={t("templates.sync")}
          tone="primary"
          testId="sync-templates"
        />
      </div>
      {!isAdmin ? <p className="text-sm text-slate-600">{t("templates.adminOnly")}</p> : null}
      <Panel titleId="templates-title" title={t("templates.templates")}>
        {templates.length === 0 ? (
          <p className="text-sm text-slate-600">{t("templates.empty")}</p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {templates.map((x) => (
              <CodeItem
                key={x.templateId}
                testId="template"
                title={x.userDesc || x.userVersion}
                meta={t("templates.meta", { id: x.templateId, version: x.userVersion, time: time(x.createTime) })}
                action={adminAction({ action: "delete", templateId: x.templateId }, t("templates.delete"), "danger")}
              />
            ))}
          </ul>
        )}
      </Panel>
      <Panel titleId="drafts-title" title={t("templates.drafts")}>
        {draftsError ? <p className="text-sm text-red-700">{draftsError}</p> : null}
        {!draftsError && drafts.length === 0 ? (
          <p className="text-sm text-slate-600">{t("templates.noDrafts")}</p>
        ) : null}
        <ul className="divide-y divide-slate-100">
          {drafts.map((d) => (
            <CodeItem
              key={d.draftId}
              testId="draft"
              title={d.userDesc || d.userVersion}
              meta={`${t("templates.meta", { id: d.draftId, version: d.userVersion, time: time(d.createTime) })} · ${d.developer}`}
              action={adminAction({ action: "add", draftId: d.draftId }, t("templates.add"))}
            />
          ))}
        </ul>
      </Panel>
    </main>
  );
}

/** A template or a draft in its list: its description, its id, version and time, and the admin's button. */
function CodeItem({
  testId,
  title,
  meta,
  action,
}: {
  testId: string;
  title: string;
  meta: string;
  action: React.ReactNode;
}) {
  return (
    <li data-testid={testId} className="flex flex-wrap items-center justify-between gap-2 py-3">
      <div className="min-w-0">
        <p className="font-medium text-slate-900">{title}</p>
        <p className="text-xs text-slate-500">{meta}</p>
      </div>
      {action}
    </li>
  );
}
