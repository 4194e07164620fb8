import type { useFormatter } from "next-intl";
import { getFormatter, getTranslations } from "next-intl/server";
import { getDb } from "@/db";
import { listStaffTimeline, TIMELINE_PAGE_SIZE, type TimelineEntry } from "@/lib/staff/authorizer-detail";
import { formatDurationPrecise } from "@/lib/i18n/duration";
import { Skeleton, SkeletonText } from "@/app/_components/skeleton";
import { describeTimelineEntry, type CatalogTranslator } from "@/lib/staff/timeline-labels";
import { ChangeList } from "../../../_components/change-list";
import { KeysetLinks } from "../../../_components/keyset-links";
import { getPairLanguage, type PairLanguage } from "../../../_components/language";
import { GrantChanges, getGrantLabels } from "./permissions";

/** What an entry needs to be put in words (read once per page). */
interface Words {
  t: CatalogTranslator;
  format: ReturnType<typeof useFormatter>;
  duration: (seconds: number) => string;
  grantLabels: Awaited<ReturnType<typeof getGrantLabels>>;
  lang: PairLanguage;
}

const SOURCE_TONES: Record<TimelineEntry["source"], { chip: string; dot: string }> = {
  wechat_event: { chip: "bg-emerald-50 text-emerald-800 ring-emerald-200", dot: "bg-emerald-500" },
  grant: { chip: "bg-sky-50 text-sky-800 ring-sky-200", dot: "bg-sky-500" },
  activity: { chip: "bg-slate-100 text-slate-700 ring-slate-300", dot: "bg-slate-400" },
  audit: { chip: "bg-violet-50 text-violet-800 ring-violet-200", dot: "bg-violet-500" },
};

function Entry({ entry, words }: { entry: TimelineEntry; words: Words }) {
  const { t, format } = words;
  const { label, facts } = describeTimelineEntry(entry, t, words.duration);
  const tone = SOURCE_TONES[entry.source];
  const failed =
    entry.kind === "token_refresh_failed" ||
    entry.kind === "needs_reauthorization" ||
    entry.kind === "revoked_by_wechat";
  return (
    <li
      data-testid="timeline-entry"
      data-source={entry.source}
      data-kind={entry.kind}
      className="relative flex gap-3 pb-4 pl-1 last:pb-0"
    >
      <span
        aria-hidden="true"
        className={`relative z-10 mt-1.5 h-2.5 w-2.5 shrink-0 rounded-full ring-4 ring-white ${failed ? "bg-red-500" : tone.dot}`}
      />
      <div className="min-w-0 flex-1">
        <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
          <span
            className={`rounded-full px-1.5 py-0.5 text-[11px] font-medium whitespace-nowrap ring-1 ring-inset ${tone.chip}`}
          >
            {t(`staffDetail.timeline.sources.${entry.source}`)}
          </span>
          <time dateTime={entry.at.toISOString()} className="text-xs text-slate-500 tabular-nums">
            {format.dateTime(entry.at, "dateTimeSeconds")}
          </time>
        </div>
        <p className={`mt-1 text-sm font-medium break-words ${failed ? "text-red-800" : "text-slate-900"}`}>{label}</p>
        {facts.length > 0 ? (
          <p className="mt-0.5 text-xs break-words text-slate-600">
            {facts.join(t("staffDetail.timeline.factSeparator"))}
          </p>
        ) : null}
        {entry.source === "grant" ? (
          <div className="mt-1.5">
            <GrantChanges added={entry.added} removed={entry.removed} labels={words.grantLabels} lang={words.lang} />
          </div>
        ) : null}
        {entry.source === "audit" ? (
          <div className="mt-1.5 flex flex-col gap-1.5">
            {entry.note ? (
              <p className="rounded-md bg-slate-50 px-2.5 py-1.5 text-sm break-words whitespace-pre-line text-slate-800">
                {entry.note}
              </p>
            ) : null}
            <ChangeList changes={entry.changes} note={entry.note} empty={null} />
          </div>
        ) : null}
        {entry.source === "wechat_event" ? (
          <details data-testid="raw-payload" className="group mt-1.5 rounded-md border border-slate-200 bg-slate-50">
            <summary className="cursor-pointer px-2.5 py-1.5 text-xs font-medium text-slate-700 select-none">
              {t("staffDetail.timeline.rawPayload")}
            </summary>
            <pre className="max-h-80 overflow-auto border-t border-slate-200 px-2.5 py-2 font-mono text-xs leading-relaxed break-all whitespace-pre-wrap text-slate-800">
              {JSON.stringify(entry.payload, null, 2)}
            </pre>
          </details>
        ) : null}
      </div>
    </li>
  );
}

/** The account's timeline, one keyset page at a time (`before` = the cursor of the last entry shown). */
export async function Timeline({ appId, before }: { appId: string; before: string | undefined }) {
  const [{ entries, nextCursor }, t, tDuration, format, grantLabels, lang] = await Promise.all([
    getDb().then((db) => listStaffTimeline(db, appId, { before })),
    getTranslations(),
    getTranslations("common.duration"),
    getFormatter(),
    getGrantLabels(),
    getPairLanguage(),
  ]);
  const words: Words = { t, format, duration: (s) => formatDurationPrecise(tDuration, s), grantLabels, lang };
  const base = `/staff/authorizations/${encodeURIComponent(appId)}`;
  return (
    <>
      {entries.length === 0 ? (
        <p className="mt-3 text-sm text-slate-600">{t("staffDetail.timeline.empty")}</p>
      ) : (
        <ol
          data-testid="timeline"
          className="relative mt-4 flex flex-col before:absolute before:top-2 before:bottom-2 before:left-[9px] before:w-px before:bg-slate-200"
        >
          {entries.map((entry) => (
            <Entry key={`${entry.source}-${entry.id}`} entry={entry} words={words} />
          ))}
        </ol>
      )}
      <div className="mt-4 flex flex-wrap items-center gap-3 border-t border-slate-100 pt-3 text-sm">
        <KeysetLinks
          newest={
            before
              ? { href: `${base}#timeline-title`, label: t("staffDetail.timeline.newest"), testId: "timeline-newest" }
              : null
          }
          older={
            nextCursor
              ? {
                  href: `${base}?before=${encodeURIComponent(nextCursor)}#timeline-title`,
                  label: t("staffDetail.timeline.more"),
                  testId: "timeline-more",
                }
              : null
          }
          hint={t("staffDetail.timeline.showing", { n: TIMELINE_PAGE_SIZE })}
        />
      </div>
    </>
  );
}

export function TimelineSkeleton({ label }: { label: string }) {
  return (
    <Skeleton label={label} className="mt-4 gap-4">
      {[0, 1, 2, 3].map((i) => (
        <div key={i} className="flex gap-3">
          <div className="mt-1 h-2.5 w-2.5 rounded-full bg-slate-200" />
          <SkeletonText title="h-3 w-40" line="h-4 w-2/3" />
        </div>
      ))}
    </Skeleton>
  );
}
