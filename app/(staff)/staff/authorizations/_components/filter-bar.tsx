import Link from "next/link";
import {
  ACCOUNT_KINDS,
  AUTHORIZER_STATUSES,
  REVIEW_STATUSES,
  STAFF_LIST_SORTS,
  UNASSIGNED_MERCHANT,
  type StaffListParams,
} from "@/db/queries/staff-authorizations";
import { Options } from "@/app/_components/options";
import { PERMISSION_SETS } from "@/lib/wechat/permissions";
import type { ListLabels } from "./authorization-list";
import type { ListWords } from "./row-view";
import { NotReadyFilter } from "../../setup/not-ready-filter";

const CONTROL =
  "w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-base text-slate-900 shadow-xs outline-none transition-colors placeholder:text-slate-400 focus:border-emerald-600 focus:ring-2 focus:ring-emerald-100 sm:text-sm";
const LABEL = "text-xs font-medium text-slate-600";

function Field({ id, label, children }: { id: string; label: string; children: React.ReactNode }) {
  return (
    <div className="flex min-w-0 flex-col gap-1">
      <label htmlFor={id} className={LABEL}>
        {label}
      </label>
      {children}
    </div>
  );
}

function Select({
  name,
  label,
  value,
  anyLabel,
  options,
}: {
  name: string;
  label: string;
  value: string | undefined;
  anyLabel: string;
  options: { value: string; label: string }[];
}) {
  const id = `filter-${name}`;
  return (
    <Field id={id} label={label}>
      <select id={id} name={name} defaultValue={value ?? ""} className={CONTROL}>
        <option value="">{anyLabel}</option>
        <Options choices={options} />
      </select>
    </Field>
  );
}

/** The options of a select: each value with its label. */
function choices<V extends string>(values: readonly V[], labels: Record<V, string>) {
  return values.map((value) => ({ value, label: labels[value] }));
}

/**
 * The list's filters as a plain GET form: the URL is the state (shareable, back button works, no client code).
 * Submitting starts again from the first page.
 */
export function FilterBar({
  params,
  words,
  labels,
  merchantName,
  clearHref,
  withoutMerchantHref,
}: {
  params: StaffListParams;
  words: Pick<ListWords, "t" | "lang">;
  labels: Pick<ListLabels, "kind" | "status" | "review">;
  merchantName: string | undefined;
  clearHref: string;
  withoutMerchantHref: string;
}) {
  const { t: l, lang } = words;
  const setsFor = (kind: "official_account" | "mini_program") =>
    PERMISSION_SETS.filter((set) => set.accountKinds.includes(kind)).map((set) => (
      <option key={set.id} value={set.id}>
        {`${set[lang]} (#${set.id})`}
      </option>
    ));
  // The three plain choices: the state of the authorization, of its review, and the kind of account.
  const selects = [
    { name: "status", options: choices(AUTHORIZER_STATUSES, labels.status) },
    { name: "review", options: choices(REVIEW_STATUSES, labels.review) },
    { name: "kind", options: choices(ACCOUNT_KINDS, labels.kind) },
  ] as const;
  const merchantChip =
    params.merchant === UNASSIGNED_MERCHANT
      ? l("filters.unassignedChip")
      : params.merchant
        ? l("filters.merchantChip", { name: merchantName ?? l("filters.unknownMerchant") })
        : null;

  return (
    <form
      action="/staff/authorizations"
      method="get"
      role="search"
      aria-label={l("filters.legend")}
      data-testid="staff-list-filters"
      className="flex flex-col gap-4 rounded-2xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5"
    >
      <div className="flex flex-col gap-2 sm:flex-row sm:items-end">
        <div className="flex min-w-0 flex-1 flex-col gap-1">
          <label htmlFor="filter-q" className={LABEL}>
            {l("search.label")}
          </label>
          <input
            id="filter-q"
            type="search"
            name="q"
            defaultValue={params.q ?? ""}
            maxLength={100}
            placeholder={l("search.placeholder")}
            className={CONTROL}
          />
        </div>
        <div className="flex gap-2">
          <button
            type="submit"
            className="inline-flex min-h-10 flex-1 items-center justify-center rounded-lg bg-emerald-600 px-5 text-sm font-semibold text-white shadow-sm transition-colors hover:bg-emerald-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-600 sm:flex-none"
          >
            {l("search.submit")}
          </button>
          <Link
            href={clearHref}
            className="inline-flex min-h-10 flex-1 items-center justify-center rounded-lg px-4 text-sm font-medium whitespace-nowrap text-slate-600 ring-1 ring-slate-200 transition-colors ring-inset hover:bg-slate-50 hover:text-slate-900 sm:flex-none"
          >
            {l("search.clear")}
          </Link>
        </div>
      </div>

      <div className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-4">
        {selects.map(({ name, options }) => (
          <Select
            key={name}
            name={name}
            label={l(`filters.${name}`)}
            value={params[name]}
            anyLabel={l("filters.any")}
            options={options}
          />
        ))}
        <Field id="filter-perm" label={l("filters.permission")}>
          <select
            id="filter-perm"
            name="perm"
            defaultValue={params.permission === undefined ? "" : String(params.permission)}
            className={CONTROL}
          >
            <option value="">{l("filters.any")}</option>
            <optgroup label={l("filters.officialAccountSets")}>{setsFor("official_account")}</optgroup>
            <optgroup label={l("filters.miniProgramSets")}>{setsFor("mini_program")}</optgroup>
          </select>
        </Field>
        <Field id="filter-merchant" label={l("filters.merchant")}>
          <input
            id="filter-merchant"
            name="merchant"
            defaultValue={params.merchant ?? ""}
            placeholder={l("filters.merchantPlaceholder")}
            autoComplete="off"
            spellCheck={false}
            className={`${CONTROL} font-mono`}
          />
        </Field>
        <Field id="filter-from" label={l("filters.from")}>
          <input id="filter-from" type="date" name="from" defaultValue={params.from ?? ""} className={CONTROL} />
        </Field>
        <Field id="filter-to" label={l("filters.to")}>
          <input id="filter-to" type="date" name="to" defaultValue={params.to ?? ""} className={CONTROL} />
        </Field>
        <NotReadyFilter checked={params.notReady === true} />
        <Field id="filter-sort" label={l("filters.sort")}>
          <select id="filter-sort" name="sort" defaultValue={params.sort} className={CONTROL}>
            <Options choices={STAFF_LIST_SORTS.map((sort) => ({ value: sort, label: l(`sort.${sort}`) }))} />
          </select>
        </Field>
      </div>

      {merchantChip ? (
        <p className="flex flex-wrap items-center gap-2 text-sm">
          <span
            data-testid="merchant-filter"
            className="inline-flex max-w-full items-center gap-1.5 rounded-full bg-emerald-50 py-1 pr-1 pl-3 text-emerald-900 ring-1 ring-emerald-200 ring-inset"
          >
            <span className="truncate">{merchantChip}</span>
            <Link
              href={withoutMerchantHref}
              aria-label={l("filters.removeMerchant")}
              title={l("filters.removeMerchant")}
              className="flex h-6 w-6 shrink-0 items-center justify-center rounded-full text-emerald-700 hover:bg-emerald-100"
            >
              <svg aria-hidden="true" viewBox="0 0 20 20" className="h-3.5 w-3.5" fill="currentColor">
                <path d="M6.28 5.22a.75.75 0 0 0-1.06 1.06L8.94 10l-3.72 3.72a.75.75 0 1 0 1.06 1.06L10 11.06l3.72 3.72a.75.75 0 1 0 1.06-1.06L11.06 10l3.72-3.72a.75.75 0 0 0-1.06-1.06L10 8.94 6.28 5.22Z" />
              </svg>
            </Link>
          </span>
        </p>
      ) : null}
    </form>
  );
}
