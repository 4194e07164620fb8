import type { TimelineEntry } from "@/lib/staff/authorizer-detail";
import { format } from "@/lib/i18n";
import { actionLabel, formatDuration, type StaffDetailDictionary } from "@/lib/i18n-staff-detail";

const pick = (table: Record<string, string>, key: string): string | undefined => (Object.hasOwn(table, key) ? table[key] : undefined);

/**
 * A timeline entry in words, in the dictionary's language: its label, and short facts worth a second line
 * (trigger, error code, who acted…). Pure, so both languages are tested without rendering.
 */
export function describeTimelineEntry(entry: TimelineEntry, d: StaffDetailDictionary): { label: string; facts: string[] } {
  const t = d.timeline;
  switch (entry.source) {
    case "wechat_event":
      return {
        label: pick(t.events, entry.kind) ?? format(t.events.other!, { type: entry.kind }),
        facts: entry.processError ? [format(t.processError, { error: entry.processError })] : [],
      };
    case "grant":
      return { label: pick(d.grants.source, entry.kind) ?? entry.kind, facts: [] };
    case "activity": {
      const detail = entry.detail;
      const action = typeof detail.action === "string" ? detail.action : "";
      const label =
        entry.kind === "reconcile_repair"
          ? format(t.activity.reconcile_repair!, { action: pick(t.reconcile, action) ?? action })
          : (pick(t.activity, entry.kind) ?? format(t.activity.other!, { kind: entry.kind }));
      const facts: string[] = [];
      if (typeof detail.trigger === "string") facts.push(pick(t.triggers, detail.trigger) ?? detail.trigger);
      if (typeof detail.expiresIn === "number") facts.push(format(t.expiresIn, { time: formatDuration(d, detail.expiresIn) }));
      if (detail.refreshTokenChanged === true) facts.push(t.refreshTokenChanged);
      if (typeof detail.errcode === "number") facts.push(format(t.errcode, { code: detail.errcode }));
      if (typeof detail.error === "string") facts.push(detail.error);
      return { label, facts };
    }
    case "audit":
      return { label: actionLabel(d, entry.kind), facts: [format(t.by, { email: entry.actorEmail })] };
  }
}
