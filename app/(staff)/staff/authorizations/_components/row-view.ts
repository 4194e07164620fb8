import "server-only";
import type { useFormatter, useTranslations } from "next-intl";
import type { StaffAuthorizationRow } from "@/db/queries/staff-authorizations";
import { describePermission } from "@/lib/wechat/permissions";
import { getAccountLabels } from "../../_components/account-labels";
import type { PairLanguage } from "../../_components/language";
import type { AuthorizationRowView, ListLabels } from "./authorization-list";

const SHOWN_PERMISSIONS = 3;

const KNOWN_EVENTS = ["authorized", "updateauthorized", "unauthorized"] as const;
const isKnownEvent = (infoType: string): infoType is (typeof KNOWN_EVENTS)[number] =>
  (KNOWN_EVENTS as readonly string[]).includes(infoType);

/** What a row needs to be put in words: the list's translator, the formatter, the reader's language. */
export interface ListWords {
  t: ReturnType<typeof useTranslations<"staffList">>;
  format: ReturnType<typeof useFormatter>;
  lang: PairLanguage;
}

/** The labels the list needs, once per page. */
export async function listLabels(t: ListWords["t"]): Promise<ListLabels> {
  const { kind, status, review } = await getAccountLabels();
  return {
    columns: {
      account: t("columns.account"),
      principal: t("columns.principal"),
      state: t("columns.state"),
      permissions: t("columns.permissions"),
      times: t("columns.times"),
    },
    kind,
    status,
    review,
    tokenHealth: {
      ok: t("tokenHealth.ok"),
      failing: t("tokenHealth.failing"),
      expired: t("tokenHealth.expired"),
      none: t("tokenHealth.none"),
    },
    tokenHealthHint: t("tokenHealthHint"),
    merchant: t("merchant"),
    unassigned: t("unassigned"),
    filterByMerchant: t("filterByMerchant"),
    noPermissions: t("noPermissions"),
    authorizedAt: t("authorizedAt"),
    updatedAt: t("updatedAt"),
    lastEvent: t("lastEvent"),
    noEvent: t("noEvent"),
  };
}

/** A row as the list shows it: every text already in the reader's language and time zone. */
export function toRowView(
  row: StaffAuthorizationRow,
  { t, format, lang }: ListWords,
  merchantHref: (id: string) => string,
): AuthorizationRowView {
  const permissions = [...new Set(row.funcIds)].sort((a, b) => a - b).map((id) => describePermission(id)[lang]);
  const more = permissions.length - SHOWN_PERMISSIONS;
  const event = row.lastEvent;
  const time = (value: Date | null) => (value ? format.dateTime(value, "dateTime") : "—");
  return {
    appId: row.appId,
    name: row.nickName ?? (row.kind ? row.appId : t("kind.unknown")),
    headImg: row.headImg,
    kind: row.kind,
    principal: row.principalName ?? "—",
    merchant: row.merchant ? { name: row.merchant.name || row.merchant.id, href: merchantHref(row.merchant.id) } : null,
    status: row.status,
    review: row.reviewStatus,
    tokenHealth: row.tokenHealth,
    permissions: permissions.slice(0, SHOWN_PERMISSIONS),
    morePermissions: more > 0 ? t("morePermissions", { n: more }) : null,
    allPermissions: more > 0 ? permissions.join(t("csv.listSeparator")) : null,
    authorizedAt: time(row.authorizedAt),
    updatedAt: time(row.updatedAt),
    lastEvent: event
      ? t("lastEventAt", {
          event: isKnownEvent(event.infoType) ? t(`events.${event.infoType}`) : event.infoType,
          time: format.dateTime(event.receivedAt, "dateTime"),
        })
      : null,
  };
}
