import "server-only";
import type { StaffAuthorizationRow } from "@/db/queries/staff-authorizations";
import { format, formatDateTime, type Language } from "@/lib/i18n";
import type { StaffListDictionary } from "@/lib/i18n-staff-list";
import { describePermission } from "@/lib/wechat/permissions";
import type { AuthorizationRowView, ListLabels } from "./authorization-list";

const SHOWN_PERMISSIONS = 3;

/** The labels the list needs, once per page. */
export function listLabels(l: StaffListDictionary): ListLabels {
  const { columns, kind, status, review, tokenHealth, tokenHealthHint, merchant, unassigned, filterByMerchant, noPermissions, authorizedAt, updatedAt, lastEvent, noEvent } = l;
  return { columns, kind, status, review, tokenHealth, tokenHealthHint, merchant, unassigned, filterByMerchant, noPermissions, authorizedAt, updatedAt, lastEvent, noEvent };
}

/** A row as the list shows it: every text already in the reader's language and time zone. */
export function toRowView(row: StaffAuthorizationRow, lang: Language, l: StaffListDictionary, merchantHref: (id: string) => string): AuthorizationRowView {
  const permissions = [...new Set(row.funcIds)].sort((a, b) => a - b).map((id) => describePermission(id)[lang]);
  const more = permissions.length - SHOWN_PERMISSIONS;
  const event = row.lastEvent;
  return {
    appId: row.appId,
    name: row.nickName ?? (row.kind ? row.appId : l.kind.unknown),
    headImg: row.headImg,
    kind: row.kind,
    principal: row.principalName ?? "—",
    merchant: row.merchant ? { name: row.merchant.name || row.merchant.id, href: merchantHref(row.merchant.id) } : null,
    status: row.status,
    review: row.reviewStatus,
    tokenHealth: row.tokenHealth,
    permissions: permissions.slice(0, SHOWN_PERMISSIONS),
    morePermissions: more > 0 ? format(l.morePermissions, { n: more }) : null,
    allPermissions: more > 0 ? permissions.join(lang === "en" ? ", " : "、") : null,
    authorizedAt: formatDateTime(row.authorizedAt, lang) ?? "—",
    updatedAt: formatDateTime(row.updatedAt, lang) ?? "—",
    lastEvent: event ? `${l.events[event.infoType] ?? event.infoType} · ${formatDateTime(event.receivedAt, lang)}` : null,
  };
}
