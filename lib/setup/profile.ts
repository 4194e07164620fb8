import { z } from "zod";
import { SERVER_DOMAIN_TYPES, type ServerDomains, type ServerDomainType } from "@/db/schema/setup";
import { message, type Message } from "@/lib/i18n/message";

/**
 * The platform's setup profile and WeChat's limits on it (docs/wechat-protocol.md §12.2, §12.3; docs/setup.md):
 * checked here before any call, so WeChat is asked only for what it can accept.
 */

export const SETUP_LIMITS = {
  domainsPerType: 200,
  webviewDomains: 300,
  changesPerMonth: 50,
  componentServerDomains: 1000,
  componentJumpDomains: 300,
} as const;

const SCHEMES: Record<ServerDomainType, string> = {
  requestdomain: "https:",
  wsrequestdomain: "wss:",
  uploaddomain: "https:",
  downloaddomain: "https:",
  udpdomain: "udp:",
  tcpdomain: "tcp:",
};

const HOST = /^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/;

export const emptyServerDomains = (): ServerDomains =>
  Object.fromEntries(SERVER_DOMAIN_TYPES.map((t) => [t, []])) as unknown as ServerDomains;

/** One domain of a type: the type's scheme, a host name (no IP, not api.weixin.qq.com), nothing after it. */
export function checkServerDomain(type: ServerDomainType, url: string): Message | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return message("setup.limits.badUrl", { domain: url });
  }
  if (parsed.protocol !== SCHEMES[type])
    return message("setup.limits.badScheme", { domain: url, scheme: SCHEMES[type].slice(0, -1) });
  if (parsed.pathname.replace(/\/$/, "") !== "" || parsed.search || !HOST.test(parsed.hostname))
    return message("setup.limits.badUrl", { domain: url });
  if (/^\d+(\.\d+){3}$/.test(parsed.hostname)) return message("setup.limits.ip", { domain: url });
  if (parsed.hostname === "api.weixin.qq.com") return message("setup.limits.forbidden", { domain: url });
  return null;
}

export function checkWebviewDomain(url: string): Message | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return message("setup.limits.badUrl", { domain: url });
  }
  if (parsed.protocol !== "https:" || parsed.port !== "" || !HOST.test(parsed.hostname))
    return message("setup.limits.badWebview", { domain: url });
  return null;
}

export const hostOf = (url: string) => {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return "";
  }
};

/** Business domains may be a sub-domain of a registered one (docs/wechat-protocol.md §12.2.1). */
export const coveredBy = (registry: string[], host: string) =>
  registry.some((r) => host === r || host.endsWith(`.${r}`));

export interface ProfileDomains {
  serverDomains: ServerDomains;
  webviewDomains: string[];
}

/**
 * Everything WeChat would refuse in these domains, before calling: format, counts per type, and (with the
 * platform's registries) domains the platform itself has not registered.
 */
export function checkProfileDomains(
  profile: ProfileDomains,
  registry?: { server: string[]; jump: string[] },
): Message[] {
  const problems: Message[] = [];
  for (const type of SERVER_DOMAIN_TYPES) {
    const list = profile.serverDomains[type] ?? [];
    if (list.length > SETUP_LIMITS.domainsPerType)
      problems.push(message("setup.limits.tooMany", { type, count: list.length, max: SETUP_LIMITS.domainsPerType }));
    for (const url of list) {
      const problem = checkServerDomain(type, url);
      if (problem) problems.push(problem);
      else if (registry && !registry.server.includes(hostOf(url)))
        problems.push(message("setup.limits.notRegistered", { domain: hostOf(url) }));
    }
  }
  if (profile.webviewDomains.length > SETUP_LIMITS.webviewDomains) {
    problems.push(
      message("setup.limits.tooMany", {
        type: "webviewdomain",
        count: profile.webviewDomains.length,
        max: SETUP_LIMITS.webviewDomains,
      }),
    );
  }
  for (const url of profile.webviewDomains) {
    const problem = checkWebviewDomain(url);
    if (problem) problems.push(problem);
    else if (registry && !coveredBy(registry.jump, hostOf(url)))
      problems.push(message("setup.limits.notRegistered", { domain: hostOf(url) }));
  }
  return problems;
}

const lines = (s: string | undefined) =>
  (s ?? "")
    .split(/[\s,;]+/)
    .map((x) => x.trim().replace(/\/+$/, ""))
    .filter(Boolean);

/** The staff editor's form: one textarea per domain type, privacy purposes as `Key: text` lines. */
export const profileFormSchema = z.object({
  ...(Object.fromEntries(SERVER_DOMAIN_TYPES.map((t) => [t, z.string().max(50_000).optional()])) as Record<
    ServerDomainType,
    z.ZodOptional<z.ZodString>
  >),
  webviewdomain: z.string().max(50_000).optional(),
  noticeMethod: z.string().trim().min(1).max(50),
  storeExpire: z
    .string()
    .trim()
    .max(20)
    .optional()
    .refine((s) => !s || /^\d+天$/.test(s), { message: "setup.limits.storeExpire" }),
  privacy: z.string().max(20_000).optional(),
});

export function parseProfileForm(input: z.infer<typeof profileFormSchema>) {
  const serverDomains = emptyServerDomains();
  for (const t of SERVER_DOMAIN_TYPES) serverDomains[t] = [...new Set(lines(input[t]).map((d) => d.toLowerCase()))];
  const webviewDomains = [...new Set(lines(input.webviewdomain).map((d) => d.toLowerCase()))];
  const privacySettings = (input.privacy ?? "")
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const at = l.search(/[:：]/);
      return at < 0
        ? { privacyKey: l, privacyText: "" }
        : { privacyKey: l.slice(0, at).trim(), privacyText: l.slice(at + 1).trim() };
    });
  return {
    serverDomains,
    webviewDomains,
    privacyNoticeMethod: input.noticeMethod,
    privacyStoreExpire: input.storeExpire || null,
    privacySettings,
  };
}
