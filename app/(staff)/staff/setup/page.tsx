import { getFormatter, getTranslations } from "next-intl/server";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { PageHeader } from "@/app/_components/page-header";
import { Panel } from "@/app/_components/panel";
import { Translated } from "@/app/_components/translated";
import { getDb } from "@/db";
import { countTargetsByStatus, listBatches, listBatchTargets } from "@/db/queries/batches";
import { findSetupProfile, listSetupCandidates } from "@/db/queries/setup";
import { SERVER_DOMAIN_TYPES } from "@/db/schema";
import { requireStaff } from "@/lib/auth/guards";
import { getPlatform } from "@/lib/platform";
import { SETUP_APPLY_KIND } from "@/lib/setup/batch";
import { coveredBy, hostOf } from "@/lib/setup/profile";
import { explainSetupError } from "@/lib/setup/service";
import { getConfirmFile, getPlatformDomains } from "@/lib/setup/staff";
import { BatchApplyForm, PlatformDomainsForm, ProfileForm } from "./forms";
import { staffMetadata } from "../_components/metadata";

// GET /staff/setup: platform domains beside WeChat's values, the setup profile, and applying it in batch.
export const generateMetadata = () => staffMetadata("setup");

export default async function StaffSetupPage() {
  await connection();
  const staff = await requireStaff("/staff/setup");
  const t = await getTranslations("setup.ui");
  const format = await getFormatter();
  const db = await getDb();
  const platform = await getPlatform();
  const [profile, candidates, batches] = await Promise.all([
    findSetupProfile(db),
    listSetupCandidates(db),
    listBatches(db, { kind: SETUP_APPLY_KIND, limit: 5 }),
  ]);
  const [wechat, confirmFile] = await Promise.all([
    getPlatformDomains(platform).then(
      (d) => ({ ok: true as const, ...d }),
      (error: unknown) => ({ ok: false as const, message: explainSetupError(error) }),
    ),
    getConfirmFile(platform).catch(() => null),
  ]);
  const counts = await countTargetsByStatus(
    db,
    batches.map((b) => b.id),
  );
  const latest = batches[0];
  const latestTargets = latest ? await listBatchTargets(db, { batchId: latest.id, limit: 200 }) : [];

  // The profile's hosts, and whether the platform's own registry covers them (WeChat requires it for 方式一 and keeps
  // only the platform's domains at release).
  const profileHosts = profile
    ? {
        server: [...new Set(SERVER_DOMAIN_TYPES.flatMap((type) => profile.serverDomains[type] ?? []).map(hostOf))],
        jump: [...new Set(profile.webviewDomains.map(hostOf))],
      }
    : { server: [], jump: [] };

  const th = "px-3 py-2 text-left text-xs font-medium uppercase tracking-wide text-slate-500";
  const td =
    "block px-3 py-1.5 align-top font-mono text-xs [overflow-wrap:anywhere] text-slate-800 sm:table-cell sm:py-2";
  const cellLabel = "mb-0.5 block font-sans text-xs font-medium text-slate-500 sm:hidden";

  return (
    <div className="flex flex-col gap-5">
      <PageHeader title={t("staffTitle")} subtitle={t("staffIntro")} />

      <Panel titleId="platform-domains-title" title={t("platform.title")} data-testid="platform-domains">
        {!wechat.ok ? (
          <p role="alert" className="mt-3 rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
            <Translated message={wechat.message} />
          </p>
        ) : (
          <div className="mt-3">
            {/* A table from sm up; on a phone each registry is a card, each cell labelled (no sideways scrolling). */}
            <table className="block w-full border-collapse text-sm sm:table">
              <thead className="hidden sm:table-header-group">
                <tr className="border-b border-slate-200">
                  <th className={th}>{t("platform.registry")}</th>
                  <th className={th}>{t("platform.testing")}</th>
                  <th className={th}>{t("platform.published")}</th>
                  <th className={th}>{t("platform.profileUses")}</th>
                </tr>
              </thead>
              <tbody className="flex flex-col gap-3 sm:table-row-group">
                {(["server", "jump"] as const).map((registry) => {
                  const current = wechat[registry];
                  const cell = (label: string, hosts: ReactNode) => (
                    <td className={td}>
                      <span className={cellLabel}>{label}</span>
                      {hosts}
                    </td>
                  );
                  return (
                    <tr
                      key={registry}
                      className="block rounded-xl border border-slate-200 py-1 sm:table-row sm:rounded-none sm:border-0 sm:border-b sm:border-slate-100 sm:py-0"
                      data-testid={`platform-${registry}`}
                    >
                      <td className="block px-3 py-2 align-top text-sm font-medium whitespace-nowrap text-slate-900 sm:table-cell">
                        {t(`platform.${registry}`)}
                      </td>
                      {cell(t("platform.testing"), <HostList hosts={current.testing} />)}
                      {cell(t("platform.published"), <HostList hosts={current.published} />)}
                      {cell(
                        t("platform.profileUses"),
                        profileHosts[registry].length === 0
                          ? "—"
                          : profileHosts[registry].map((h) => {
                              const ok =
                                registry === "server" ? current.testing.includes(h) : coveredBy(current.testing, h);
                              return (
                                <span key={h} className={`block ${ok ? "" : "text-red-700"}`}>
                                  {h}
                                  {ok ? "" : ` (${t("platform.notRegistered")})`}
                                </span>
                              );
                            }),
                      )}
                    </tr>
                  );
                })}
              </tbody>
            </table>
            {confirmFile ? (
              <p className="mt-2 text-xs text-slate-600">{t("platform.confirmFile", { name: confirmFile.fileName })}</p>
            ) : null}
          </div>
        )}
        {staff.role === "admin" ? (
          <PlatformDomainsForm />
        ) : (
          <p className="mt-3 text-xs text-slate-500">{t("platform.adminOnly")}</p>
        )}
      </Panel>

      <Panel titleId="profile-title" title={t("profile.title")} data-testid="profile-panel">
        <p className="mt-1 text-sm text-slate-600">
          {profile
            ? t("profile.updated", {
                time: format.dateTime(profile.updatedAt, { dateStyle: "medium", timeStyle: "short" }),
              })
            : t("profile.empty")}
        </p>
        <ProfileForm
          defaults={{
            domains: Object.fromEntries(
              SERVER_DOMAIN_TYPES.map((type) => [type, (profile?.serverDomains[type] ?? []).join("\n")]),
            ),
            webviewdomain: (profile?.webviewDomains ?? []).join("\n"),
            noticeMethod: profile?.privacyNoticeMethod ?? "弹窗",
            storeExpire: profile?.privacyStoreExpire ?? "",
            privacy: (profile?.privacySettings ?? []).map((s) => `${s.privacyKey}: ${s.privacyText}`).join("\n"),
          }}
        />
      </Panel>

      <Panel titleId="batch-title" title={t("batch.title")} data-testid="batch-panel">
        <p className="mt-1 text-sm text-slate-600">{t("batch.intro")}</p>
        <BatchApplyForm
          candidates={candidates.map((c) => ({
            appId: c.appId,
            nickName: c.nickName,
            blocked: c.blockingItem !== null,
            applied: c.appliedAt !== null,
            hasDevelopmentSet: c.funcIds.includes(18),
          }))}
        />
        {latest ? (
          <div className="mt-5 border-t border-slate-100 pt-4" data-testid="latest-batch">
            <h3 className="text-sm font-semibold text-slate-900">{t("batch.latest", { id: latest.id })}</h3>
            <ul className="mt-2 flex flex-wrap gap-2 text-xs">
              {Object.entries(counts.get(latest.id) ?? {}).map(([status, n]) => (
                <li key={status} className="rounded-full bg-slate-100 px-2 py-0.5 text-slate-700">
                  {t(`batch.status.${status as "pending"}`)}: {n}
                </li>
              ))}
            </ul>
            <ul className="mt-3 flex flex-col divide-y divide-slate-100 rounded-xl border border-slate-200">
              {latestTargets.map((target) => (
                <li
                  key={target.id}
                  data-testid="batch-target"
                  data-status={target.status}
                  className="flex flex-wrap items-center justify-between gap-2 px-3 py-2 text-sm"
                >
                  <a
                    href={`/staff/authorizations/${target.appId}`}
                    className="font-mono text-xs text-emerald-800 hover:underline"
                  >
                    {target.appId}
                  </a>
                  <span className="text-xs text-slate-700">
                    {t(`batch.status.${target.status}`)}
                    {target.outcome ? (
                      <>
                        {" · "}
                        <Translated message={target.outcome} />
                      </>
                    ) : null}
                  </span>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </Panel>
    </div>
  );
}

/** Hosts one to a line (WeChat's lists can be long: each host wraps only where it must). */
function HostList({ hosts }: { hosts: string[] }) {
  if (hosts.length === 0) return "—";
  return hosts.map((h) => (
    <span key={h} className="block">
      {h}
    </span>
  ));
}
