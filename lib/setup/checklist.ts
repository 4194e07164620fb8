import {
  SERVER_DOMAIN_TYPES,
  type ServerDomains,
  type SetupSnapshot,
  type StoredChecklistItem,
} from "@/db/schema/setup";

/**
 * The readiness checklist for a mini program's first audit (docs/setup.md): each item's live state from the last read
 * of WeChat and the events since, whether it blocks submitting for audit, and what to do next. Pure: computed from
 * the stored snapshot, the profile applied and the merchant's privacy contacts.
 */

export const CHECKLIST_ITEMS = [
  "name",
  "avatar",
  "intro",
  "category",
  "verification",
  "filing",
  "privacy",
  "domains",
] as const;
export type ChecklistItemId = (typeof CHECKLIST_ITEMS)[number];

const DAY = 86_400;
/** WeChat reminds 60 days, 30 days and on the day (notify_3rd_wxa_wxverify). */
const EXPIRY_WARNING_DAYS = 60;

export interface ChecklistInput {
  snapshot: SetupSnapshot;
  intended: { serverDomains: ServerDomains; webviewDomains: string[] } | null;
  hasContacts: boolean;
  nowSeconds: number;
}

type Item = StoredChecklistItem;
const k = (key: string, values?: Record<string, string | number>) =>
  values ? { key: `setup.${key}`, values } : { key: `setup.${key}` };

function unknownItem(id: ChecklistItemId, errcode: number | undefined): Item {
  return {
    id,
    state: "warning",
    blocking: false,
    detail: errcode === undefined ? k("item.notRead") : k("item.readFailed", { errcode }),
    next: k("next.refresh"),
  };
}

export function computeChecklist({ snapshot, intended, hasContacts, nowSeconds }: ChecklistInput): Item[] {
  const errors = snapshot.readErrors ?? {};
  const items: Item[] = [];
  const basic = snapshot.basic;

  // Name, avatar, introduction (getaccountbasicinfo; the name may be under review: wxa_nickname_audit).
  const nicknameEvent = snapshot.events?.nickname;
  if (!basic) items.push(unknownItem("name", errors.basic));
  else if (basic.nickname)
    items.push({
      id: "name",
      state: "done",
      blocking: false,
      detail: k("detail.name", { name: basic.nickname }),
      next: null,
    });
  else if (nicknameEvent && Number(nicknameEvent.ret) === 2)
    items.push({
      id: "name",
      state: "open",
      blocking: true,
      detail: k("detail.nameRejected", { reason: String(nicknameEvent.reason ?? "") }),
      next: k("next.name"),
    });
  else items.push({ id: "name", state: "open", blocking: true, detail: k("detail.noName"), next: k("next.name") });

  if (!basic) items.push(unknownItem("avatar", errors.basic));
  else
    items.push(
      basic.headImageUrl
        ? { id: "avatar", state: "done", blocking: false, detail: k("detail.avatar"), next: null }
        : { id: "avatar", state: "open", blocking: false, detail: k("detail.noAvatar"), next: k("next.avatar") },
    );

  if (!basic) items.push(unknownItem("intro", errors.basic));
  else
    items.push(
      basic.signature
        ? {
            id: "intro",
            state: "done",
            blocking: false,
            detail: k("detail.intro", { intro: basic.signature.slice(0, 40) }),
            next: null,
          }
        : { id: "intro", state: "open", blocking: false, detail: k("detail.noIntro"), next: k("next.intro") },
    );

  // Category (getcategory): at least one approved; one under review is pending.
  const categories = snapshot.categories;
  if (!categories) items.push(unknownItem("category", errors.categories));
  else {
    const approved = categories.filter((c) => c.auditStatus === 3);
    const reviewing = categories.filter((c) => c.auditStatus === 1);
    const rejected = categories.filter((c) => c.auditStatus === 2);
    if (approved.length > 0)
      items.push({
        id: "category",
        state: "done",
        blocking: false,
        detail: k("detail.category", { names: approved.map((c) => `${c.firstName}/${c.secondName}`).join("，") }),
        next: null,
      });
    else if (reviewing.length > 0)
      items.push({
        id: "category",
        state: "pending",
        blocking: true,
        detail: k("detail.categoryReviewing"),
        next: k("next.waitReview"),
      });
    else if (rejected.length > 0)
      items.push({
        id: "category",
        state: "open",
        blocking: true,
        detail: k("detail.categoryRejected", { reason: rejected[0]!.reason ?? "" }),
        next: k("next.category"),
      });
    else
      items.push({
        id: "category",
        state: "open",
        blocking: true,
        detail: k("detail.noCategory"),
        next: k("next.category"),
      });
  }

  // Verification and its expiry (wx_verify_info; notify_3rd_wxa_wxverify warns 60/30/0 days ahead).
  const verify = snapshot.verify;
  if (!verify) items.push(unknownItem("verification", errors.basic));
  else if (!verify.qualification)
    items.push({
      id: "verification",
      state: "open",
      blocking: false,
      detail: k("detail.notVerified"),
      next: k("next.verify"),
    });
  else if (verify.endTime && verify.endTime <= nowSeconds)
    items.push({
      id: "verification",
      state: "open",
      blocking: true,
      detail: k("detail.verifyExpired", { date: isoDate(verify.endTime) }),
      next: k("next.annualReview"),
    });
  else if (verify.endTime && verify.endTime - nowSeconds <= EXPIRY_WARNING_DAYS * DAY)
    items.push({
      id: "verification",
      state: "warning",
      blocking: false,
      detail: k("detail.verifyExpiring", {
        date: isoDate(verify.endTime),
        days: Math.ceil((verify.endTime - nowSeconds) / DAY),
      }),
      next: k("next.annualReview"),
    });
  else
    items.push({
      id: "verification",
      state: "done",
      blocking: false,
      detail: verify.endTime ? k("detail.verifiedUntil", { date: isoDate(verify.endTime) }) : k("detail.verified"),
      next: null,
    });

  // ICP filing (get_icp_entrance_info; notify_apply_icpfiling_result).
  const icp = snapshot.icp;
  if (!icp) items.push(unknownItem("filing", errors.icp));
  else if (icp.status === 6)
    items.push({ id: "filing", state: "done", blocking: false, detail: k("detail.filed"), next: null });
  else if (icp.status === 2 || icp.status === 4)
    items.push({
      id: "filing",
      state: "pending",
      blocking: true,
      detail: k(`icp.s${icp.status}`),
      next: k("next.waitReview"),
    });
  else if (icp.status === 3 || icp.status === 5)
    items.push({
      id: "filing",
      state: "open",
      blocking: true,
      detail: k(icp.status === 3 ? "detail.filingRejectedPlatform" : "detail.filingRejectedAuthority", {
        reason: (icp.reasons ?? []).join("；") || "-",
      }),
      next: k("next.filing"),
    });
  else
    items.push({
      id: "filing",
      state: "open",
      blocking: true,
      detail: k(`icp.s${icp.status >= 1024 && icp.status <= 1031 ? icp.status : 1024}`),
      next: k("next.filing"),
    });

  // Privacy (getprivacysetting): every key the code uses has a purpose, and a contact is given.
  const privacy = snapshot.privacy;
  if (!hasContacts)
    items.push({
      id: "privacy",
      state: "open",
      blocking: true,
      detail: k("detail.noContacts"),
      next: k("next.contacts"),
    });
  else if (!privacy) items.push(unknownItem("privacy", errors.privacy));
  else if (privacy.missingKeys.length > 0)
    items.push({
      id: "privacy",
      state: "open",
      blocking: true,
      detail: k("detail.privacyMissing", { keys: privacy.missingKeys.join(", ") }),
      next: k("next.privacyProfile"),
    });
  else if (!privacy.configured)
    items.push({
      id: "privacy",
      state: "open",
      blocking: true,
      detail: k("detail.privacyNotSet"),
      next: k("next.applyProfile"),
    });
  else
    items.push({
      id: "privacy",
      state: "done",
      blocking: false,
      detail: k("detail.privacy", { count: privacy.keys.length }),
      next: null,
    });

  // Domains: what the profile asks for against what WeChat reports (effective after the next release).
  const domains = snapshot.domains;
  if (!intended)
    items.push({
      id: "domains",
      state: "open",
      blocking: false,
      detail: k("detail.notApplied"),
      next: k("next.applyProfile"),
    });
  else if (!domains) items.push(unknownItem("domains", errors.domains));
  else {
    const diff = diffDomains(intended, domains);
    if (diff.missing.length > 0)
      items.push({
        id: "domains",
        state: "open",
        blocking: false,
        detail: k("detail.domainsMissing", { count: diff.missing.length }),
        next: k("next.applyProfile"),
      });
    else if (diff.awaitingRelease.length > 0)
      items.push({
        id: "domains",
        state: "pending",
        blocking: false,
        detail: k("detail.domainsAwaiting", { count: diff.awaitingRelease.length }),
        next: k("next.release"),
      });
    else
      items.push({
        id: "domains",
        state: "done",
        blocking: false,
        detail: k("detail.domains", { count: diff.effective.length }),
        next: null,
      });
  }
  return items;
}

const isoDate = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);

export interface DomainDiffEntry {
  type: string;
  domain: string;
}

export interface DomainDiff {
  /** Intended and effective. */
  effective: DomainDiffEntry[];
  /** Set by 方式二, effective after the next submit or release. */
  awaitingRelease: DomainDiffEntry[];
  /** Intended but neither set nor effective (apply the profile again). */
  missing: DomainDiffEntry[];
  /** Effective on WeChat but not in the profile (set elsewhere, kept until a release removes them). */
  extra: DomainDiffEntry[];
}

const norm = (d: string) => d.replace(/\/+$/, "").toLowerCase();

/** Intended (the profile applied) against what WeChat reports: get_effective_domain / get_effective_webviewdomain. */
export function diffDomains(
  intended: { serverDomains: ServerDomains; webviewDomains: string[] },
  reported: NonNullable<SetupSnapshot["domains"]>,
): DomainDiff {
  const diff: DomainDiff = { effective: [], awaitingRelease: [], missing: [], extra: [] };
  const compare = (type: string, want: string[], effective: string[], direct: string[]) => {
    const eff = new Set(effective.map(norm));
    const dir = new Set(direct.map(norm));
    const wanted = new Set(want.map(norm));
    for (const domain of wanted) {
      if (eff.has(domain)) diff.effective.push({ type, domain });
      else if (dir.has(domain)) diff.awaitingRelease.push({ type, domain });
      else diff.missing.push({ type, domain });
    }
    for (const domain of eff) if (!wanted.has(domain)) diff.extra.push({ type, domain });
  };
  for (const type of SERVER_DOMAIN_TYPES) {
    compare(type, intended.serverDomains[type] ?? [], reported.effective[type] ?? [], reported.direct[type] ?? []);
  }
  compare("webviewdomain", intended.webviewDomains, reported.webviewEffective, reported.webviewDirect);
  return diff;
}

/** The first blocking item, or null when the account may be submitted for audit. */
export function firstBlocking(items: readonly Item[]): Item | null {
  return items.find((i) => i.blocking) ?? null;
}
