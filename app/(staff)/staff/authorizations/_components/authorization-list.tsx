"use client";

import Link from "next/link";
import { AccountAvatar } from "@/app/(merchant)/accounts/_components/account-avatar";
import { KindBadge, ReviewBadge, StatusBadge } from "@/app/(merchant)/accounts/_components/account-badges";
import type { AccountKind, TokenHealth } from "@/db/queries/staff-authorizations";
import type { AuthorizerStatus, ReviewStatus } from "@/db/schema";
import { TokenHealthBadge } from "./token-health-badge";

/** The list's words, translated once per page on the server (row-view.ts: listLabels). */
export interface ListLabels {
  columns: Record<"account" | "principal" | "state" | "permissions" | "times", string>;
  kind: Record<AccountKind | "unknown", string>;
  status: Record<AuthorizerStatus, string>;
  review: Record<ReviewStatus, string>;
  tokenHealth: Record<TokenHealth, string>;
  tokenHealthHint: string;
  unassigned: string;
  merchant: string;
  filterByMerchant: string;
  noPermissions: string;
  authorizedAt: string;
  updatedAt: string;
  lastEvent: string;
  noEvent: string;
}

/** One row, display-ready (texts localized, times formatted in China Standard Time on the server). */
export interface AuthorizationRowView {
  appId: string;
  name: string;
  headImg: string | null;
  kind: AccountKind | null;
  principal: string;
  merchant: { name: string; href: string } | null;
  status: AuthorizerStatus;
  review: ReviewStatus;
  tokenHealth: TokenHealth;
  permissions: string[];
  morePermissions: string | null;
  allPermissions: string | null;
  authorizedAt: string;
  updatedAt: string;
  lastEvent: string | null;
}

// A client component for the weight of it, not for interactivity: the page's RSC payload then carries these
// narrow row objects (~0.5 KB each) instead of every row's element tree (~5 KB each, plus the time to build and
// re-read it on the server). One markup serves both layouts: a table from `lg` up, stacked cards below it.
const CELL = "block lg:table-cell lg:py-3 lg:pr-3 lg:align-top";

function Row({ row, t }: { row: AuthorizationRowView; t: ListLabels }) {
  return (
    <tr
      data-testid={`staff-row-${row.appId}`}
      className="flex min-w-0 flex-col gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm lg:table-row lg:rounded-none lg:border-0 lg:p-0 lg:shadow-none lg:hover:bg-slate-50/60"
    >
      <td className={`${CELL} lg:pl-4`}>
        <div className="flex min-w-0 items-start gap-3">
          <AccountAvatar src={row.headImg} name={row.name} seed={row.appId} />
          <div className="min-w-0 flex-1">
            <Link
              href={`/staff/authorizations/${row.appId}`}
              prefetch={false}
              className="block truncate font-semibold text-slate-900 hover:text-emerald-700 hover:underline"
            >
              {row.name}
            </Link>
            <p className="truncate font-mono text-xs text-slate-500">{row.appId}</p>
            <p className="mt-1.5">
              <KindBadge kind={row.kind} t={t.kind} />
            </p>
          </div>
        </div>
      </td>
      <td className={`${CELL} min-w-0`}>
        <p className="truncate text-slate-800">{row.principal}</p>
        <p className="mt-1 flex min-w-0 items-baseline gap-1.5 text-xs">
          <span className="shrink-0 text-slate-500">{t.merchant}</span>
          {row.merchant ? (
            <Link
              href={row.merchant.href}
              prefetch={false}
              title={t.filterByMerchant}
              className="truncate text-sm text-emerald-700 hover:underline"
            >
              {row.merchant.name}
            </Link>
          ) : (
            <span className="rounded-full bg-amber-50 px-2 py-0.5 font-medium text-amber-800 ring-1 ring-amber-300 ring-inset">
              {t.unassigned}
            </span>
          )}
        </p>
      </td>
      <td className={CELL}>
        <div className="flex flex-wrap gap-1">
          <StatusBadge status={row.status} t={t.status} />
          <ReviewBadge review={row.review} t={t.review} showPending />
          <TokenHealthBadge health={row.tokenHealth} label={t.tokenHealth[row.tokenHealth]} hint={t.tokenHealthHint} />
        </div>
      </td>
      <td className={CELL}>
        {row.permissions.length === 0 ? (
          <span className="text-xs text-slate-500">{t.noPermissions}</span>
        ) : (
          <ul title={row.allPermissions ?? undefined} className="flex flex-wrap gap-1">
            {row.permissions.map((name, i) => (
              <li key={i} className="max-w-[10rem] truncate rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700">
                {name}
              </li>
            ))}
            {row.morePermissions ? (
              <li className="px-1 py-0.5 text-xs font-medium text-slate-500">{row.morePermissions}</li>
            ) : null}
          </ul>
        )}
      </td>
      <td
        className={`${CELL} border-t border-slate-100 pt-3 text-xs leading-5 text-slate-700 tabular-nums lg:border-0 lg:pr-4`}
      >
        <p>
          <span className="text-slate-500">{t.authorizedAt} </span>
          {row.authorizedAt}
        </p>
        <p>
          <span className="text-slate-500">{t.updatedAt} </span>
          {row.updatedAt}
        </p>
        <p>
          <span className="text-slate-500">{t.lastEvent} </span>
          {row.lastEvent ?? <span className="text-slate-500">{t.noEvent}</span>}
        </p>
      </td>
    </tr>
  );
}

/** The table's columns, in order, with their widths on wide screens. */
const COLUMNS: ReadonlyArray<readonly [keyof ListLabels["columns"], string]> = [
  ["account", "w-[23%] py-2.5 pr-3 pl-4"],
  ["principal", "w-[19%] py-2.5 pr-3"],
  ["state", "w-[16%] py-2.5 pr-3"],
  ["permissions", "w-[17%] py-2.5 pr-3"],
  ["times", "w-[25%] py-2.5 pr-4"],
];

/** The page of authorizations: a table on wide screens, stacked cards on a phone. */
export function AuthorizationList({ rows, t }: { rows: AuthorizationRowView[]; t: ListLabels }) {
  return (
    <div className="lg:overflow-hidden lg:rounded-2xl lg:border lg:border-slate-200 lg:bg-white lg:shadow-sm">
      <table
        data-testid="staff-authorizations-table"
        className="block w-full text-left text-sm lg:table lg:table-fixed"
      >
        <thead className="hidden border-b border-slate-200 bg-slate-50 text-xs font-medium text-slate-500 lg:table-header-group">
          <tr>
            {COLUMNS.map(([column, className]) => (
              <th key={column} scope="col" className={className}>
                {t.columns[column]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="grid grid-cols-1 gap-3 md:grid-cols-2 lg:table-row-group lg:divide-y lg:divide-slate-100">
          {rows.map((row) => (
            <Row key={row.appId} row={row} t={t} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
