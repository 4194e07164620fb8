import Link from "next/link";
import { connection } from "next/server";
import type { useFormatter, useTranslations } from "next-intl";
import { getFormatter, getTranslations } from "next-intl/server";
import { PageHeader } from "@/app/_components/page-header";
import { getDb } from "@/db";
import { listAuditActions } from "@/db/queries/audit";
import { requireStaff } from "@/lib/auth/guards";
import {
  AUDIT_PAGE_SIZE,
  auditFiltersSchema,
  listAuditEntries,
  type AuditEntryView,
  type AuditFilters,
} from "@/lib/staff/audit-log";
import { auditActionLabel, type CatalogTranslator } from "@/lib/staff/timeline-labels";
import { appIdSchema } from "@/lib/wechat/app-id";
import { ChangeList } from "../_components/change-list";
import { KeysetLinks } from "../_components/keyset-links";
import { staffMetadata } from "../_components/metadata";

export const generateMetadata = () => staffMetadata("audit");

/** What the page's parts need to put entries in words. */
interface Words {
  a: ReturnType<typeof useTranslations<"audit">>;
  t: CatalogTranslator;
  format: ReturnType<typeof useFormatter>;
}

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

function hrefWith(filters: AuditFilters, before?: number): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
  if (before) params.set("before", String(before));
  const query = params.toString();
  return query ? `/staff/audit?${query}` : "/staff/audit";
}

const INPUT =
  "w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-base text-slate-900 shadow-xs outline-none focus:border-emerald-600 focus:ring-2 focus:ring-emerald-100 sm:text-sm";

function Filters({ filters, actions, words }: { filters: AuditFilters; actions: string[]; words: Words }) {
  const { a, t } = words;
  const field = (name: keyof AuditFilters, label: string, input: React.ReactNode) => (
    <div className="flex min-w-0 flex-col gap-1">
      <label htmlFor={`audit-${name}`} className="text-xs font-medium text-slate-600">
        {label}
      </label>
      {input}
    </div>
  );
  // A text or date filter: its id, name and current value follow from the filter's name.
  const filterInput = (name: keyof AuditFilters, props: React.InputHTMLAttributes<HTMLInputElement>) => (
    <input id={`audit-${name}`} name={name} defaultValue={filters[name] ?? ""} className={INPUT} {...props} />
  );
  return (
    <form
      method="get"
      action="/staff/audit"
      data-testid="audit-filters"
      className="rounded-2xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5"
    >
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-[minmax(0,1.2fr)_minmax(0,1fr)_minmax(0,1fr)_9.5rem_9.5rem]">
        {field("actor", a("actor"), filterInput("actor", { type: "search", placeholder: a("actorPlaceholder") }))}
        {field(
          "action",
          a("action"),
          <select id="audit-action" name="action" defaultValue={filters.action ?? ""} className={INPUT}>
            <option value="">{a("anyAction")}</option>
            {actions.map((action) => (
              <option key={action} value={action}>
                {auditActionLabel(t, action) === action
                  ? action
                  : a("actionOption", { label: auditActionLabel(t, action), action })}
              </option>
            ))}
          </select>,
        )}
        {field(
          "target",
          a("target"),
          filterInput("target", {
            type: "search",
            placeholder: a("targetPlaceholder"),
            className: `${INPUT} font-mono`,
          }),
        )}
        {field("from", a("from"), filterInput("from", { type: "date" }))}
        {field("to", a("to"), filterInput("to", { type: "date" }))}
      </div>
      <div className="mt-3 flex flex-wrap items-center gap-3">
        <button
          type="submit"
          data-testid="audit-apply"
          className="inline-flex min-h-10 items-center rounded-lg bg-emerald-600 px-4 text-sm font-semibold text-white shadow-sm hover:bg-emerald-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-600"
        >
          {a("apply")}
        </button>
        {Object.values(filters).some(Boolean) ? (
          <Link
            href="/staff/audit"
            data-testid="audit-reset"
            className="text-sm font-medium text-slate-600 hover:text-slate-900"
          >
            {a("reset")}
          </Link>
        ) : null}
      </div>
    </form>
  );
}

function Target({ entry, a }: { entry: AuditEntryView; a: Words["a"] }) {
  const type = a(`targetTypes.${entry.targetType}`);
  if (entry.targetType === "authorizer" && appIdSchema.safeParse(entry.targetId).success) {
    return (
      <span className="flex min-w-0 flex-wrap items-baseline gap-1 text-xs">
        <span className="text-slate-500">{type}</span>
        <Link
          href={`/staff/authorizations/${entry.targetId}`}
          data-testid="audit-target-link"
          className="font-mono break-all text-emerald-700 hover:underline"
        >
          {entry.targetId}
        </Link>
      </span>
    );
  }
  return (
    <span className="flex min-w-0 flex-wrap items-baseline gap-1 text-xs">
      <span className="text-slate-500">{type}</span>
      <span className="font-mono break-all text-slate-700">{entry.targetId}</span>
    </span>
  );
}

function Row({ entry, words }: { entry: AuditEntryView; words: Words }) {
  const { a, t, format } = words;
  return (
    <li
      data-testid="audit-entry"
      data-action={entry.action}
      className="grid grid-cols-1 gap-2 border-t border-slate-100 px-4 py-3 first:border-t-0 sm:px-5 lg:grid-cols-[10rem_minmax(0,14rem)_minmax(0,1fr)_minmax(0,1.3fr)] lg:gap-4"
    >
      <div className="flex flex-wrap items-baseline gap-x-2 text-xs text-slate-500 lg:flex-col lg:gap-0.5">
        <time dateTime={entry.createdAt.toISOString()} className="tabular-nums">
          {format.dateTime(entry.createdAt, "dateTimeSeconds")}
        </time>
        <span className="font-mono text-[11px] text-slate-500">#{entry.id}</span>
      </div>
      <div className="min-w-0 text-sm break-all text-slate-800" data-testid="audit-actor">
        {entry.actorEmail}
      </div>
      <div className="flex min-w-0 flex-col gap-1">
        <span className="text-sm font-medium text-slate-900">{auditActionLabel(t, entry.action)}</span>
        <code className="text-[11px] text-slate-500">{entry.action}</code>
        <Target entry={entry} a={a} />
      </div>
      <div className="flex min-w-0 flex-col gap-1.5">
        {entry.note ? (
          <p data-testid="audit-note" className="text-sm break-words whitespace-pre-line text-slate-800">
            {entry.note}
          </p>
        ) : null}
        <ChangeList
          changes={entry.changes}
          note={entry.note}
          empty={entry.note ? null : <span className="text-sm text-slate-500">{a("noChanges")}</span>}
        />
      </div>
    </li>
  );
}

// GET /staff/audit: every staff action, newest first, filtered, 50 per page (keyset on id).
export default async function AuditPage({ searchParams }: PageProps<"/staff/audit">) {
  await connection();
  await requireStaff("/staff/audit");
  const query = await searchParams;
  const { before, ...filters } = auditFiltersSchema.parse({
    actor: first(query.actor),
    action: first(query.action),
    target: first(query.target),
    from: first(query.from),
    to: first(query.to),
    before: first(query.before),
  });
  const db = await getDb();
  const [{ entries, nextBefore }, actions, a, t, format] = await Promise.all([
    listAuditEntries(db, filters, { before }),
    listAuditActions(db),
    getTranslations("audit"),
    getTranslations(),
    getFormatter(),
  ]);
  const words: Words = { a, t, format };
  const filtered = Object.values(filters).some(Boolean);
  return (
    <div className="flex flex-col gap-5">
      <PageHeader title={a("title")} subtitle={a("subtitle")} />
      <Filters
        filters={filters}
        actions={filters.action && !actions.includes(filters.action) ? [...actions, filters.action] : actions}
        words={words}
      />

      {entries.length === 0 ? (
        <section
          data-testid="audit-empty"
          className="flex flex-col items-center rounded-2xl border border-dashed border-slate-300 bg-white px-6 py-12 text-center"
        >
          <svg
            aria-hidden="true"
            viewBox="0 0 24 24"
            className="h-10 w-10 text-slate-300"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.5"
          >
            <path
              strokeLinecap="round"
              strokeLinejoin="round"
              d="M9 12h6m-6 4h6M9 8h2m-5-5h9l5 5v13a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1Z"
            />
          </svg>
          <p className="mt-3 text-sm font-medium text-slate-700">{filtered || before ? a("empty") : a("emptyAll")}</p>
          {filtered || before ? (
            <Link href="/staff/audit" className="mt-3 text-sm font-medium text-emerald-700 hover:underline">
              {before && !filtered ? a("newest") : a("reset")}
            </Link>
          ) : null}
        </section>
      ) : (
        <section
          aria-label={a("title")}
          className="overflow-hidden rounded-2xl border border-slate-200 bg-white shadow-sm"
        >
          <div
            aria-hidden="true"
            className="hidden grid-cols-[10rem_minmax(0,14rem)_minmax(0,1fr)_minmax(0,1.3fr)] gap-4 border-b border-slate-200 bg-slate-50 px-5 py-2 text-xs font-medium text-slate-500 lg:grid"
          >
            <span>{a("time")}</span>
            <span>{a("actor")}</span>
            <span>{a("action")}</span>
            <span>{a("noteAndChanges")}</span>
          </div>
          <ol data-testid="audit-list">
            {entries.map((entry) => (
              <Row key={entry.id} entry={entry} words={words} />
            ))}
          </ol>
        </section>
      )}

      <nav aria-label={a("title")} className="flex flex-wrap items-center gap-3 text-sm">
        <KeysetLinks
          newest={before ? { href: hrefWith(filters), label: a("newest"), testId: "audit-newest" } : null}
          older={nextBefore ? { href: hrefWith(filters, nextBefore), label: a("older"), testId: "audit-older" } : null}
          hint={a("pageHint", { n: AUDIT_PAGE_SIZE })}
        />
      </nav>
    </div>
  );
}
