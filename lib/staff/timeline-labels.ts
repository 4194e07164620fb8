import type { useTranslations } from "next-intl";
import type { TimelineEntry } from "@/lib/staff/authorizer-detail";

/** A translator over the whole catalog (`getTranslations()` on the server, `createTranslator` in tests). */
export type CatalogTranslator = ReturnType<typeof useTranslations<never>>;

/**
 * A timeline entry in words, in the translator's language: its label, and short facts worth a second line
 * (trigger, error code, who acted…). `duration` says a number of seconds in words. Pure, so both languages are
 * tested without rendering. Kinds and actions arrive as data: one without words shows as written.
 */
export function describeTimelineEntry(
  entry: TimelineEntry,
  t: CatalogTranslator,
  duration: (seconds: number) => string,
): { label: string; facts: string[] } {
  const pick = (key: string) => lookup(t, key);
  switch (entry.source) {
    case "wechat_event":
      return {
        label:
          pick(`staffDetail.timeline.events.${entry.kind}`) ??
          t("staffDetail.timeline.events.other", { type: entry.kind }),
        facts: entry.processError ? [t("staffDetail.timeline.processError", { error: entry.processError })] : [],
      };
    case "grant":
      return { label: pick(`staffDetail.grants.source.${entry.kind}`) ?? entry.kind, facts: [] };
    case "activity": {
      const detail = entry.detail;
      const action = typeof detail.action === "string" ? detail.action : "";
      const label =
        entry.kind === "reconcile_repair"
          ? t("staffDetail.timeline.activity.reconcile_repair", {
              action: pick(`staffDetail.timeline.reconcile.${action}`) ?? action,
            })
          : (pick(`staffDetail.timeline.activity.${entry.kind}`) ??
            t("staffDetail.timeline.activity.other", { kind: entry.kind }));
      const facts: string[] = [];
      if (typeof detail.trigger === "string")
        facts.push(pick(`staffDetail.timeline.triggers.${detail.trigger}`) ?? detail.trigger);
      if (typeof detail.expiresIn === "number")
        facts.push(t("staffDetail.timeline.expiresIn", { time: duration(detail.expiresIn) }));
      if (detail.refreshTokenChanged === true) facts.push(t("staffDetail.timeline.refreshTokenChanged"));
      if (typeof detail.errcode === "number") facts.push(t("staffDetail.timeline.errcode", { code: detail.errcode }));
      if (typeof detail.error === "string") facts.push(detail.error);
      return { label, facts };
    }
    case "audit":
      return {
        label: auditActionLabel(t, entry.kind),
        facts: [t("staffDetail.timeline.by", { email: entry.actorEmail })],
      };
  }
}

/**
 * The words of a catalog key built from data (`staffDetail.timeline.events.<kind>`), or undefined when the catalog
 * has none. Looked up as own properties, so a kind such as "constructor" is not found on Object's prototype;
 * `other` entries are templates for unknown kinds, never a kind's own words.
 */
export function lookup(t: CatalogTranslator, key: string): string | undefined {
  const parts = key.split(".");
  let node: unknown = t.raw(parts[0] as Parameters<CatalogTranslator>[0]);
  for (const part of parts.slice(1)) {
    if (typeof node !== "object" || node === null || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === "string" && parts.at(-1) !== "other" ? t(key as Parameters<CatalogTranslator>[0]) : undefined;
}

/** A label for an audit action ("review.approve"): the known ones in words, any other as written. */
export function auditActionLabel(t: CatalogTranslator, action: string): string {
  return lookup(t, `audit.actions.${action}`) ?? action;
}
