import Link from "next/link";
import { connection } from "next/server";
import { getFormatter, getTranslations } from "next-intl/server";
import { ChevronRightIcon, EmptyStateIcon } from "@/app/_components/icons";
import { PageHeader } from "@/app/_components/page-header";
import { getDb } from "@/db";
import {
  countStaffAuthorizations,
  listStaffAuthorizations,
  UNASSIGNED_MERCHANT,
  type StaffListFilters,
  type StaffListSort,
} from "@/db/queries/staff-authorizations";
import { getMerchantName } from "@/db/queries/users";
import { requireStaff } from "@/lib/auth/guards";
import { parseStaffListParams, staffListFilters, toStaffListSearchParams } from "@/lib/staff/authorization-list-params";
import { getPairLanguage } from "../../_components/language";
import { staffMetadata } from "../../_components/metadata";
import { AuthorizationList } from "../_components/authorization-list";
import { FilterBar } from "../_components/filter-bar";
import { listLabels, toRowView, type ListWords } from "../_components/row-view";

export const generateMetadata = () => staffMetadata("authorizations");

const LIST_PATH = "/staff/authorizations";

function href(path: string, query: URLSearchParams): string {
  const search = query.toString();
  return search ? `${path}?${search}` : path;
}

// GET /staff/authorizations: every merchant's authorizations for staff review, filtered, searched, keyset-paged.
export default async function StaffAuthorizationsPage({ searchParams }: PageProps<"/staff/authorizations">) {
  await connection();
  await requireStaff(LIST_PATH);
  const params = parseStaffListParams(await searchParams);
  const filters = staffListFilters(params);
  const db = await getDb();
  const [l, format, lang, page, count, merchantName] = await Promise.all([
    getTranslations("staffList"),
    getFormatter(),
    getPairLanguage(),
    listStaffAuthorizations(db, params),
    countStaffAuthorizations(db, filters),
    params.merchant && params.merchant !== UNASSIGNED_MERCHANT ? getMerchantName(db, params.merchant) : undefined,
  ]);

  const listHref = (changed: StaffListFilters & { sort?: StaffListSort }) =>
    href(LIST_PATH, toStaffListSearchParams(changed));
  const current = { ...filters, sort: params.sort };
  const filtered = Object.keys(filters).length > 0;
  const words: ListWords = { t: l, format, lang };
  const labels = await listLabels(l);
  const countText = l(count.capped ? "countCapped" : "count", { n: format.number(count.count) });
  const firstHref = listHref(current);
  const nextHref = page.next ? href(LIST_PATH, toStaffListSearchParams(current, page.next)) : null;
  // Back to page 1: in the empty state (a page past the end) and in the pagination.
  const firstPageLink =
    page.page > 1 ? (
      <Link
        href={firstHref}
        className="inline-flex min-h-10 items-center rounded-lg px-4 text-sm font-medium text-slate-700 ring-1 ring-slate-300 ring-inset hover:bg-slate-50"
      >
        {l("first")}
      </Link>
    ) : null;

  return (
    <div className="flex flex-col gap-5">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
        <PageHeader title={l("title")} subtitle={l("subtitle")} className="min-w-0" />
        {/* A plain link, not <Link>: the browser downloads the file, there is nothing to prefetch. */}
        <a
          href={href(`${LIST_PATH}/export`, toStaffListSearchParams(current))}
          title={l("exportHint")}
          data-testid="export-csv"
          className="inline-flex min-h-10 shrink-0 items-center justify-center gap-2 self-start rounded-lg bg-white px-4 text-sm font-medium text-slate-700 shadow-sm ring-1 ring-slate-300 transition-colors ring-inset hover:bg-slate-50 sm:self-auto"
        >
          <svg aria-hidden="true" viewBox="0 0 20 20" className="h-4 w-4 text-slate-500" fill="currentColor">
            <path d="M10.75 2.75a.75.75 0 0 0-1.5 0v8.614L6.295 8.235a.75.75 0 1 0-1.09 1.03l4.25 4.5a.75.75 0 0 0 1.09 0l4.25-4.5a.75.75 0 0 0-1.09-1.03l-2.955 3.129V2.75Z" />
            <path d="M3.5 12.75a.75.75 0 0 0-1.5 0v2.5A2.75 2.75 0 0 0 4.75 18h10.5A2.75 2.75 0 0 0 18 15.25v-2.5a.75.75 0 0 0-1.5 0v2.5c0 .69-.56 1.25-1.25 1.25H4.75c-.69 0-1.25-.56-1.25-1.25v-2.5Z" />
          </svg>
          {l("export")}
        </a>
      </div>

      <FilterBar
        params={params}
        words={words}
        labels={labels}
        merchantName={merchantName}
        clearHref={LIST_PATH}
        withoutMerchantHref={listHref({ ...current, merchant: undefined })}
      />

      <p className="text-sm text-slate-600" data-testid="staff-list-count" aria-live="polite">
        <span className="font-medium text-slate-900">{countText}</span>
        {page.page > 1 ? <span> · {l("page", { n: format.number(page.page) })}</span> : null}
      </p>

      {page.rows.length === 0 ? (
        <section
          data-testid="staff-list-empty"
          aria-labelledby="staff-empty-title"
          className="rounded-2xl border border-slate-200 bg-white p-8 text-center shadow-sm"
        >
          <EmptyStateIcon className="mx-auto mb-4 flex h-12 w-12 items-center justify-center rounded-full bg-slate-100 text-slate-500">
            <circle cx="11" cy="11" r="6.5" />
            <path d="m20 20-4.2-4.2" />
          </EmptyStateIcon>
          <h2 id="staff-empty-title" className="text-lg font-semibold text-slate-900">
            {l("empty.title")}
          </h2>
          {filtered ? <p className="mt-1 text-sm text-slate-600">{l("empty.body")}</p> : null}
          <div className="mt-5 flex flex-wrap justify-center gap-3">
            {filtered ? (
              <Link
                href={LIST_PATH}
                className="inline-flex min-h-10 items-center rounded-lg bg-emerald-600 px-4 text-sm font-semibold text-white shadow-sm hover:bg-emerald-700"
              >
                {l("empty.clear")}
              </Link>
            ) : null}
            {firstPageLink}
          </div>
        </section>
      ) : (
        <>
          <AuthorizationList
            rows={page.rows.map((row) =>
              toRowView(row, words, (merchantId) => listHref({ ...current, merchant: merchantId })),
            )}
            t={labels}
          />
          {page.page > 1 || nextHref ? (
            <nav
              aria-label={l("pagination")}
              className="flex items-center justify-between gap-3"
              data-testid="staff-list-pagination"
            >
              {firstPageLink ?? <span />}
              {nextHref ? (
                <Link
                  href={nextHref}
                  data-testid="next-page"
                  className="inline-flex min-h-10 items-center gap-1.5 rounded-lg bg-emerald-600 px-4 text-sm font-semibold text-white shadow-sm transition-colors hover:bg-emerald-700"
                >
                  {l("next")}
                  <ChevronRightIcon className="h-4 w-4" />
                </Link>
              ) : null}
            </nav>
          ) : null}
        </>
      )}
    </div>
  );
}
