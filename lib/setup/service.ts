import {
  findSetupAccount,
  findSetupProfile,
  mergeSetupSnapshot,
  recordApplied,
  saveChecklist,
  unsafeFindPrivacyContacts,
  type PrivacyContacts,
} from "@/db/queries/setup";
import type { SetupSnapshot, StoredChecklistItem } from "@/db/schema";
import { message, type Message } from "@/lib/i18n/message";
import { describeError, log } from "@/lib/log";
import type { Platform } from "@/lib/platform";
import { WechatApiError } from "@/lib/wechat/errors";
import { createSetupApi, type SetupApi } from "@/lib/wechat/setup";
import { computeChecklist, firstBlocking } from "./checklist";
import { checkProfileDomains, emptyServerDomains, SETUP_LIMITS } from "./profile";

/**
 * Applying the platform's setup profile to one mini program, and reading its live setup state back from WeChat
 * (docs/setup.md). Domains go by 方式二 (`*_directly`: no per-account registration, effective after the next
 * submit or release), then the effective lists are read back and compared with what was intended.
 */

export const setupApiOf = (platform: Platform): SetupApi => createSetupApi(platform.client.core);

/** WeChat's errcodes the setup pages explain (catalog `setup.errors.e<code>`); others get the generic text. */
export const EXPLAINED_ERRCODES = [
  -1, 40001, 44002, 45082, 45104, 48001, 53300, 53301, 53302, 53303, 53304, 53305, 53311, 61003, 61007, 85001, 85002,
  85003, 85004, 85015, 85016, 85017, 85018, 85301, 85302, 85303, 86069, 86070, 86072, 86073, 86074, 86075, 86100, 86101,
  86102, 86103, 89019, 89020, 89021, 89022, 89029, 89231,
] as const;

/** A WeChat error as people read it (zh/en in the `setup` catalog); anything else as a generic failure. */
export function explainSetupError(error: unknown): Message {
  if (error instanceof WechatApiError) {
    return (EXPLAINED_ERRCODES as readonly number[]).includes(error.errcode)
      ? message(`setup.errors.e${error.errcode === -1 ? "System" : error.errcode}`)
      : message("setup.errors.other", { errcode: error.errcode });
  }
  return message("setup.errors.unavailable");
}

const month = () => new Date().toISOString().slice(0, 7);

export type ApplyResult = { ok: true; privacyApplied: boolean } | { ok: false; problems: Message[] };

/**
 * Applies the profile to one account: limits checked first (nothing is sent when one fails), then server domains,
 * business domains and (when the merchant gave contacts) the privacy guideline, then a read-back.
 */
export async function applySetupProfile(platform: Platform, appId: string): Promise<ApplyResult> {
  const { db } = platform.database;
  const profile = await findSetupProfile(db);
  if (!profile) return { ok: false, problems: [message("setup.limits.noProfile")] };
  const intended = { serverDomains: profile.serverDomains, webviewDomains: profile.webviewDomains };
  const problems = checkProfileDomains(intended);
  const stored = await findSetupAccount(db, appId);
  const applies = stored?.snapshot.applies;
  const used = applies?.month === month() ? applies.count : 0;
  if (used >= SETUP_LIMITS.changesPerMonth)
    problems.push(message("setup.limits.monthly", { max: SETUP_LIMITS.changesPerMonth }));
  if (problems.length > 0) return { ok: false, problems };

  const api = setupApiOf(platform);
  const contacts = await unsafeFindPrivacyContacts(db, appId);
  let privacyApplied = false;
  await platform.authorizerTokens.withToken(appId, async (token) => {
    await api.setServerDomainsDirectly(token, { ...emptyServerDomains(), ...intended.serverDomains });
    if (intended.webviewDomains.length > 0) await api.setWebviewDomainsDirectly(token, intended.webviewDomains);
  });
  await mergeSetupSnapshot(db, appId, { applies: { month: month(), count: used + 1 } });
  await recordApplied(db, appId, intended);
  if (contacts && hasContact(contacts)) privacyApplied = await applyPrivacy(platform, appId, contacts);
  await refreshSetupState(platform, appId);
  return { ok: true, privacyApplied };
}

export const hasContact = (c: PrivacyContacts | undefined) =>
  Boolean(c && (c.contactEmail || c.contactPhone || c.contactQq || c.contactWeixin));

/** setprivacysetting (privacy_ver 2) with the profile's purposes and the merchant's contacts. */
export async function applyPrivacy(platform: Platform, appId: string, contacts: PrivacyContacts): Promise<boolean> {
  const profile = await findSetupProfile(platform.database.db);
  if (!profile) return false;
  await platform.authorizerTokens.withToken(appId, (token) =>
    setupApiOf(platform).setPrivacySetting(token, {
      owner: {
        contact_email: contacts.contactEmail ?? undefined,
        contact_phone: contacts.contactPhone ?? undefined,
        contact_qq: contacts.contactQq ?? undefined,
        contact_weixin: contacts.contactWeixin ?? undefined,
        notice_method: profile.privacyNoticeMethod,
        store_expire_timestamp: profile.privacyStoreExpire ?? undefined,
      },
      settings: profile.privacySettings.map((s) => ({ privacy_key: s.privacyKey, privacy_text: s.privacyText })),
    }),
  );
  return true;
}

/**
 * Reads the account's live state from WeChat (basic info with verification, categories, ICP filing, privacy,
 * effective domains), each part on its own: one failing part is recorded with its errcode, the others still count.
 * Then the checklist is recomputed and stored.
 */
export async function refreshSetupState(platform: Platform, appId: string): Promise<StoredChecklistItem[]> {
  const api = setupApiOf(platform);
  const part: SetupSnapshot = {};
  const readErrors: Record<string, number> = {};
  await platform.authorizerTokens.withToken(appId, async (token) => {
    const read = async (name: string, run: () => Promise<void>) => {
      try {
        await run();
      } catch (error) {
        if (!(error instanceof WechatApiError)) throw error;
        if (error.errcode === 40001 || error.errcode === 42001) throw error; // the token: withToken renews it
        readErrors[name] = error.errcode;
        log.info("setup read failed", { appId, part: name, errcode: error.errcode });
      }
    };
    await read("basic", async () => {
      const b = await api.getBasicInfo(token);
      part.basic = {
        nickname: b.nickname,
        headImageUrl: b.headImageUrl,
        signature: b.signature,
        principalType: b.principalType,
        realnameStatus: b.realnameStatus,
      };
      part.verify = b.verify;
    });
    await read("categories", async () => {
      const c = await api.getCategories(token);
      part.categories = c.categories.map((x) => ({
        first: x.first,
        firstName: x.first_name,
        second: x.second,
        secondName: x.second_name,
        auditStatus: x.audit_status,
        reason: x.audit_reason || undefined,
      }));
    });
    await read("icp", async () => {
      const i = await api.getIcpStatus(token);
      part.icp = {
        status: i.status,
        available: i.available,
        reasons: i.audit_data.map((a) => [a.key_name, a.error].filter(Boolean).join(": ")),
      };
    });
    await read("privacy", async () => {
      const p = await api.getPrivacySetting(token);
      const configuredKeys = p.setting_list.filter((s) => s.privacy_text).map((s) => s.privacy_key);
      const contact = ["contact_email", "contact_phone", "contact_qq", "contact_weixin"].some((f) =>
        Boolean(p.owner_setting[f]),
      );
      part.privacy = {
        configured: contact && Boolean(p.owner_setting.notice_method),
        keys: configuredKeys,
        missingKeys: p.privacy_list.filter((k) => !configuredKeys.includes(k)),
        codeExist: p.code_exist === 1,
      };
    });
    await read("domains", async () => {
      const d = await api.getEffectiveDomains(token);
      const w = await api.getEffectiveWebviewDomains(token);
      part.domains = {
        effective: d.effective,
        direct: d.direct,
        webviewEffective: w.effective,
        webviewDirect: w.direct,
      };
    });
  });
  part.readErrors = readErrors;
  const row = await mergeSetupSnapshot(platform.database.db, appId, part, { readAt: new Date() });
  return recomputeChecklist(platform, appId, row.snapshot, row.applied ?? null);
}

/** The checklist from what is stored (after an event changed the snapshot, or a read). */
export async function recomputeChecklist(
  platform: Platform,
  appId: string,
  snapshot?: SetupSnapshot,
  applied?: { serverDomains: ReturnType<typeof emptyServerDomains>; webviewDomains: string[] } | null,
): Promise<StoredChecklistItem[]> {
  const { db } = platform.database;
  if (snapshot === undefined) {
    const row = await findSetupAccount(db, appId);
    snapshot = row?.snapshot ?? {};
    applied = row?.applied ?? null;
  }
  const contacts = await unsafeFindPrivacyContacts(db, appId);
  const items = computeChecklist({
    snapshot,
    intended: applied ?? null,
    hasContacts: hasContact(contacts),
    nowSeconds: Math.floor(Date.now() / 1000),
  });
  await saveChecklist(db, appId, items, firstBlocking(items)?.id ?? null);
  return items;
}

/** Best-effort read (events, pages): failures are logged, the stored state stays. */
export async function tryRefreshSetupState(platform: Platform, appId: string): Promise<boolean> {
  try {
    await refreshSetupState(platform, appId);
    return true;
  } catch (error) {
    log.warn("setup state not read", { appId, error: describeError(error) });
    return false;
  }
}
