import { getFormatter, getTranslations } from "next-intl/server";
import { connection } from "next/server";
import { EmptyNote } from "@/app/_components/empty-note";
import { PageHeader } from "@/app/_components/page-header";
import { getDb } from "@/db";
import { unsafeListAllRegistrations, unsafeListUnmatchedPushes } from "@/db/queries/registration";
import { requireStaff } from "@/lib/auth/guards";
import { formatDuration } from "@/lib/i18n/duration";
import type { Message } from "@/lib/i18n/message";
import { pushStatusMessage, taskDetailMessage } from "@/lib/registration/messages";
import { RegistrationStatusBadge } from "../../../(merchant)/accounts/register/status-badge";
import { CancelRegistrationButton } from "./cancel-button";
import { staffMetadata } from "../_components/metadata";

export const generateMetadata = () => staffMetadata("registrations");

// GET /staff/registrations: every merchant's fast registration tasks (status, merchant, age; cancel) and the
// registration notices that matched no task (never attached to anyone).
export default async function StaffRegistrationsPage() {
  await connection();
  await requireStaff("/staff/registrations");
  const db = await getDb();
  // Staff see every merchant's tasks: the role was checked above.
  const [t, tAll, tDuration, format, tasks, unmatched] = await Promise.all([
    getTranslations("registration"),
    getTranslations(),
    getTranslations("common.duration"),
    getFormatter(),
    unsafeListAllRegistrations(db),
    unsafeListUnmatchedPushes(db),
  ]);
  const say = (m: Message) => tAll(m.key as Parameters<typeof tAll>[0], m.values);
  const now = readClock();
  return (
    <div className="flex flex-col gap-6">
      <PageHeader title={t("staff.title")} subtitle={t("staff.subtitle")} />
      <section className="rounded-2xl border border-slate-200 bg-white p-4 shadow-sm sm:p-6">
        {tasks.length === 0 ? (
          <p data-testid="staff-registrations-empty" className="text-sm text-slate-600">
            {t("staff.empty")}
          </p>
        ) : (
          <ul data-testid="staff-registrations" className="divide-y divide-slate-100">
            {tasks.map((task) => {
              const detail = taskDetailMessage(task);
              return (
                <li
                  key={task.id}
                  data-testid={`staff-registration-${task.id}`}
                  className="grid grid-cols-1 gap-2 py-3 sm:grid-cols-[1fr_auto] sm:items-center"
                >
                  <div className="min-w-0 text-sm">
                    <p className="flex flex-wrap items-center gap-2">
                      <span className="font-semibold text-slate-900">{task.merchantName}</span>
                      <RegistrationStatusBadge status={task.status} />
                    </p>
                    <p className="mt-1 break-all text-slate-700">
                      {t(`kind.${task.kind}`)} ·{" "}
                      {task.fields.name ?? task.fields.wxuser ?? task.fields.officialAccountAppId}
                      {task.fields.code ? (
                        <span className="font-mono text-xs text-slate-500"> {task.fields.code}</span>
                      ) : null}
                    </p>
                    <p className="mt-1 text-xs text-slate-500">
                      {t("staff.age")} {formatDuration(tDuration, (now - task.createdAt.getTime()) / 1000)}
                      {detail ? ` · ${say(detail)}` : ""}
                      {task.appId ? <span className="font-mono"> · {task.appId}</span> : null}
                    </p>
                  </div>
                  {task.status === "waiting" ? <CancelRegistrationButton id={task.id} /> : null}
                </li>
              );
            })}
          </ul>
        )}
      </section>
      <section
        aria-labelledby="unmatched-title"
        className="rounded-2xl border border-slate-200 bg-white p-4 shadow-sm sm:p-6"
      >
        <h2 id="unmatched-title" className="text-base font-semibold text-slate-900">
          {t("staff.unmatchedTitle")}
        </h2>
        <p className="mt-1 text-sm text-slate-600">{t("staff.unmatchedHint")}</p>
        {unmatched.length === 0 ? (
          <EmptyNote testId="unmatched-empty">{t("staff.unmatchedEmpty")}</EmptyNote>
        ) : (
          <ul data-testid="unmatched-pushes" className="mt-3 divide-y divide-slate-100 text-sm">
            {unmatched.map((p) => (
              <li key={p.id} className="py-2">
                <span className="font-mono text-xs break-all text-slate-800">{p.appId ?? "—"}</span>
                <span className="text-slate-600"> · {p.status === null ? "" : say(pushStatusMessage(p.status))}</span>
                <span className="block text-xs break-all text-slate-500">
                  {format.dateTime(p.createdAt, { dateStyle: "medium", timeStyle: "short" })} ·{" "}
                  {String(p.info.name ?? p.info.wxuser ?? "")} {String(p.info.code ?? "")}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

/** The server clock at render (a dynamic page: rendered per request). */
function readClock(): number {
  return Date.now();
}
