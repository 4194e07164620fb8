import { findSetupProfile, listSetupCandidates, saveSetupProfile } from "@/db/queries/setup";
import { message, type Message } from "@/lib/i18n/message";
import type { Platform } from "@/lib/platform";
import { recordAudit, type AuditActor } from "@/lib/staff/audit";
import { SETUP_APPLY_KIND } from "./batch";
import { checkProfileDomains, hostOf, parseProfileForm, SETUP_LIMITS, type profileFormSchema } from "./profile";
import { applySetupProfile, explainSetupError, setupApiOf } from "./service";
import type { z } from "zod";

/** Staff operations on setup (callers check the role; each is recorded in the audit log). */

export type StaffResult = { ok: true; message?: Message } | { ok: false; message: Message; problems?: Message[] };

/** The platform's registries on WeChat's side, beside what the profile uses. */
export async function getPlatformDomains(platform: Platform) {
  const api = setupApiOf(platform);
  const [server, jump] = await Promise.all([api.getComponentServerDomains(), api.getComponentJumpDomains()]);
  return { server, jump };
}

export async function getConfirmFile(platform: Platform) {
  return setupApiOf(platform).getDomainConfirmFile();
}

/** Admin: add or remove platform domains (bare hosts) in WeChat's server or business-domain registry. */
export async function changePlatformDomains(
  platform: Platform,
  actor: AuditActor,
  input: { registry: "server" | "jump"; action: "add" | "delete"; hosts: string[] },
): Promise<StaffResult> {
  const hosts = [...new Set(input.hosts.map((h) => h.trim().toLowerCase()).filter(Boolean))];
  const bad = hosts.find((h) => !/^(?!-)[a-z0-9-]{1,63}(\.[a-z0-9-]{1,63})+$/.test(h));
  if (bad) return { ok: false, message: message("setup.platform.badHost", { host: bad }) };
  if (hosts.length === 0) return { ok: false, message: message("setup.platform.noHosts") };
  const api = setupApiOf(platform);
  try {
    const before =
      input.registry === "server" ? await api.getComponentServerDomains() : await api.getComponentJumpDomains();
    const max = input.registry === "server" ? SETUP_LIMITS.componentServerDomains : SETUP_LIMITS.componentJumpDomains;
    if (input.action === "add" && new Set([...before.testing, ...hosts]).size > max) {
      return {
        ok: false,
        message: message("setup.limits.tooMany", {
          type: input.registry,
          count: before.testing.length + hosts.length,
          max,
        }),
      };
    }
    const after =
      input.registry === "server"
        ? await api.modifyComponentServerDomains(input.action, hosts)
        : await api.modifyComponentJumpDomains(input.action, hosts);
    await recordAudit(platform.database.db, {
      actor,
      action: `setup.platform_domains.${input.action}`,
      targetType: "platform",
      targetId: input.registry,
      before: { domains: before.testing },
      after: { domains: after.testing, invalid: after.invalid },
    });
    if (after.invalid.length > 0)
      return { ok: false, message: message("setup.platform.invalid", { hosts: after.invalid.join(", ") }) };
    return { ok: true, message: message("setup.platform.saved") };
  } catch (error) {
    return { ok: false, message: explainSetupError(error) };
  }
}

/** Saves the profile after the format and count checks (and, when WeChat answers, the platform registries). */
export async function saveProfile(
  platform: Platform,
  actor: AuditActor,
  form: z.infer<typeof profileFormSchema>,
): Promise<StaffResult> {
  const profile = parseProfileForm(form);
  let registry: { server: string[]; jump: string[] } | undefined;
  try {
    const domains = await getPlatformDomains(platform);
    registry = { server: domains.server.testing, jump: domains.jump.testing };
  } catch {
    registry = undefined; // WeChat unreachable: the format checks still run; coverage is checked again at apply
  }
  const problems = checkProfileDomains(profile, registry);
  if (problems.length > 0) return { ok: false, message: message("setup.profile.invalid"), problems };
  const { db } = platform.database;
  const before = await findSetupProfile(db);
  await db.transaction(async (tx) => {
    await saveSetupProfile(tx, { ...profile, updatedByUserId: actor.userId });
    await recordAudit(tx, {
      actor,
      action: "setup.profile.save",
      targetType: "platform",
      targetId: "setup_profile",
      before: before
        ? {
            serverDomains: before.serverDomains,
            webviewDomains: before.webviewDomains,
            privacy: before.privacySettings,
          }
        : null,
      after: {
        serverDomains: profile.serverDomains,
        webviewDomains: profile.webviewDomains,
        privacy: profile.privacySettings,
      },
    });
  });
  return { ok: true, message: message("setup.profile.saved") };
}

/** Staff apply the profile to one account now (not through a batch): the result is shown at once. */
export async function applyToAccount(platform: Platform, actor: AuditActor, appId: string): Promise<StaffResult> {
  try {
    const result = await applySetupProfile(platform, appId);
    await recordAudit(platform.database.db, {
      actor,
      action: "setup.apply",
      targetType: "authorizer",
      targetId: appId,
      after: result.ok
        ? { ok: true, privacyApplied: result.privacyApplied }
        : { ok: false, problems: result.problems.map((p) => p.key) },
    });
    if (!result.ok) return { ok: false, message: result.problems[0]!, problems: result.problems };
    return { ok: true, message: message("setup.apply.done") };
  } catch (error) {
    return { ok: false, message: explainSetupError(error) };
  }
}

/** A `setup.apply` batch over these accounts (authorized mini programs only). */
export async function applyInBatch(
  platform: Platform,
  actor: AuditActor & { userId: string },
  appIds: string[],
): Promise<StaffResult & { batchId?: number }> {
  const { db } = platform.database;
  if (!(await findSetupProfile(db))) return { ok: false, message: message("setup.limits.noProfile") };
  const candidates = new Map((await listSetupCandidates(db)).map((c) => [c.appId, c]));
  const targets = [...new Set(appIds)]
    .filter((a) => candidates.has(a))
    .map((a) => ({ appId: a, merchantId: candidates.get(a)!.merchantId }));
  if (targets.length === 0) return { ok: false, message: message("setup.batch.none") };
  const batchId = await platform.batches.createBatch({
    kind: SETUP_APPLY_KIND,
    title: `setup profile → ${targets.length}`,
    params: {},
    targets,
    createdByUserId: actor.userId,
  });
  await recordAudit(db, {
    actor,
    action: "setup.apply_batch",
    targetType: "platform",
    targetId: String(batchId),
    after: { appIds: targets.map((t) => t.appId) },
  });
  return { ok: true, message: message("setup.batch.started", { count: targets.length }), batchId };
}

export { hostOf };
