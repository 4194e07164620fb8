import { eq, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { createMerchantWithUser } from "@/db/queries/users";
import { authorizerGrants, authorizers } from "@/db/schema";
import { parseEnv } from "@/lib/env";
import { createPlatform, type Platform } from "@/lib/platform";
import { SANDBOX_COMPONENT } from "@/lib/sandbox/credentials";
import { sealedAt } from "@/lib/secrets";
import { sealPush } from "@/lib/wechat/push";
import type { WechatXmlFields } from "@/lib/wechat/xml";
import { TEST_SECRETS, type AppServer } from "./app-server";
import { controlFetch } from "./http";

/**
 * A portal in the test process: its own database, WeChat = the sandbox of a running app server over HTTP.
 * Pushes are delivered to it by the test (in the order the test wants), sealed exactly as WeChat seals them.
 */
export function createTestPortal(app: AppServer, database: Database, extraEnv: Record<string, string> = {}): Platform {
  const env = parseEnv({ ...TEST_SECRETS, APP_URL: app.url, WECHAT_SANDBOX: "1", NODE_ENV: "test", ...extraEnv });
  return { ...createPlatform(env, database), sandbox: undefined };
}

/** The sandbox's control plane, on any server that serves it (an app server, or the proxy in front of several). */
type SandboxHost = Pick<AppServer, "url">;

export async function sandboxControl<T = Record<string, unknown>>(
  app: SandboxHost,
  action: string,
  body: unknown = {},
): Promise<T> {
  const response = await controlFetch(`${app.url}/sandbox/api/${action}`, {
    method: "POST",
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`sandbox ${action}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export async function sandboxCalls(app: SandboxHost): Promise<Record<string, number>> {
  return ((await (await controlFetch(`${app.url}/sandbox/api/state`)).json()) as { calls: Record<string, number> })
    .calls;
}

/** Delivers one push to the test portal's receiver, as WeChat would; returns its answer. */
export async function deliver(portal: Platform, fields: WechatXmlFields) {
  const push = sealPush(
    portal.crypto,
    { AppId: SANDBOX_COMPONENT.appId, ...fields },
    { AppId: SANDBOX_COMPONENT.appId },
  );
  return portal.componentPushes.receive(push.query, push.body);
}

/** A ticket the sandbox issued, delivered to the test portal, so it can get component tokens. */
export async function giveTicket(app: AppServer, portal: Platform): Promise<void> {
  const { ticket } = await sandboxControl<{ ticket: string }>(app, "push-ticket");
  const answer = await deliver(portal, {
    CreateTime: Math.floor(Date.now() / 1000),
    InfoType: "component_verify_ticket",
    ComponentVerifyTicket: ticket,
  });
  if (answer.body !== "success") throw new Error(`ticket not accepted: ${answer.body}`);
}

export async function createMerchant(database: Database, name: string) {
  const created = await createMerchantWithUser(database.db, {
    businessName: name,
    email: `${name.toLowerCase().replace(/\W+/g, "")}-${Math.random().toString(36).slice(2)}@example.com`,
    passwordHash: "scrypt$unused",
  });
  if (!created) throw new Error("merchant not created");
  return created;
}

/** Everything the portal holds about an account that the convergence tests compare. */
export async function accountSnapshot(database: Database, appId: string) {
  const [row] = await database.db.select().from(authorizers).where(eq(authorizers.appId, appId));
  if (!row) return undefined;
  const grants = await database.db
    .select({ n: sql<number>`count(*)::int` })
    .from(authorizerGrants)
    .where(eq(authorizerGrants.appId, appId));
  return {
    merchantId: row.merchantId,
    contestedByMerchantId: row.contestedByMerchantId,
    status: row.status,
    reviewStatus: row.reviewStatus,
    funcIds: [...row.funcIds].sort((a, b) => a - b),
    kind: row.kind,
    nickName: row.nickName,
    hasRefreshToken: row.refreshTokenSealed !== null,
    grants: grants[0]?.n ?? 0,
  };
}

export type SandboxLedgerEntry = {
  appId: string;
  authorized: boolean;
  refreshToken: string | null;
  tokenRefreshes: number;
};

/** WeChat's side of every sandbox account: authorized or not, current refresh token, refreshes so far. */
export async function sandboxLedger(app: SandboxHost): Promise<Map<string, SandboxLedgerEntry>> {
  const response = await controlFetch(`${app.url}/sandbox/api/accounts`);
  if (!response.ok) throw new Error(`sandbox ledger: ${response.status}`);
  const entries = (await response.json()) as SandboxLedgerEntry[];
  return new Map(entries.map((e) => [e.appId, e]));
}

/**
 * `count` accounts authorized in the sandbox and known to the portal with their refresh tokens, as if each had
 * gone through the authorization flow; their access tokens expire in `expiresInSeconds` and are due now.
 */
export async function seedAuthorizedAccounts(
  app: AppServer,
  portal: Platform,
  count: number,
  opts: { expiresInSeconds?: number } = {},
): Promise<string[]> {
  const seeded = await sandboxControl<{ appId: string; refreshToken: string }[]>(app, "seed-accounts", { count });
  const expiresAt = new Date(Date.now() + (opts.expiresInSeconds ?? 60) * 1000);
  const version = Math.floor(Date.now() / 1000) - 60;
  const rows = seeded.map((a) => ({
    appId: a.appId,
    kind: "official_account" as const,
    funcIds: [1, 15, 4],
    status: "authorized" as const,
    stateVersion: version,
    refreshTokenSealed: portal.secretBox.seal(a.refreshToken, sealedAt.authorizerRefreshToken(a.appId)),
    accessTokenSealed: portal.secretBox.seal(`seeded-expiring-${a.appId}`, sealedAt.authorizerAccessToken(a.appId)),
    accessTokenExpiresAt: expiresAt,
    refreshDueAt: new Date(),
    authorizedAt: new Date(version * 1000),
  }));
  for (let i = 0; i < rows.length; i += 500)
    await portal.database.db.insert(authorizers).values(rows.slice(i, i + 500));
  return seeded.map((a) => a.appId);
}

/**
 * `count` mini programs authorized in the sandbox with `funcIds` (set 18 by default: the release center's
 * eligibility) and known to the portal of `database` for `merchantId`, as after the authorization flow; their
 * access tokens are fetched on first use.
 */
export async function seedMiniPrograms(
  app: SandboxHost,
  database: Pick<Database, "db">,
  secretBox: Platform["secretBox"],
  merchantId: string,
  count: number,
  funcIds: number[] = [17, 18, 19],
): Promise<string[]> {
  const seeded = await sandboxControl<{ appId: string; refreshToken: string }[]>(app, "seed-accounts", {
    count,
    kind: "mini_program",
    funcIds,
  });
  const version = Math.floor(Date.now() / 1000) - 60;
  const rows = seeded.map((a) => ({
    appId: a.appId,
    merchantId,
    kind: "mini_program" as const,
    nickName: `店铺 ${a.appId.slice(-4)}`,
    userName: `gh_${a.appId.slice(2, 14)}`,
    funcIds,
    status: "authorized" as const,
    stateVersion: version,
    refreshTokenSealed: secretBox.seal(a.refreshToken, sealedAt.authorizerRefreshToken(a.appId)),
    refreshDueAt: new Date(Date.now() + 3600_000),
    authorizedAt: new Date(version * 1000),
  }));
  for (let i = 0; i < rows.length; i += 500) await database.db.insert(authorizers).values(rows.slice(i, i + 500));
  return seeded.map((a) => a.appId);
}

/**
 * A portal on `database` as the release center's tests want it: holding a ticket, with a new merchant `merchantName`
 * whose mini programs `miniPrograms(count, funcIds?)` seeds (authorized in the sandbox, known to this portal).
 */
export async function createReleasePortal(
  app: AppServer,
  database: Database,
  merchantName: string,
  extraEnv: Record<string, string> = {},
) {
  const portal = createTestPortal(app, database, extraEnv);
  await giveTicket(app, portal);
  const { merchantId } = await createMerchant(database, merchantName);
  const miniPrograms = (count: number, funcIds?: number[]) =>
    seedMiniPrograms(app, database, portal.secretBox, merchantId, count, funcIds);
  return { portal, merchantId, miniPrograms };
}

/** One audit WeChat created (the sandbox's submission ledger, `GET /sandbox/api/code-audits`). */
export type SandboxAudit = { auditId: number; appId: string; status: number };

/** The sandbox's submission ledger, newest first: every audit, or one account's. */
export async function sandboxAudits(app: SandboxHost, appId?: string): Promise<SandboxAudit[]> {
  const query = appId ? `?appId=${encodeURIComponent(appId)}` : "";
  const response = await controlFetch(`${app.url}/sandbox/api/code-audits${query}`);
  if (!response.ok) throw new Error(`sandbox code-audits: ${response.status}`);
  return (await response.json()) as SandboxAudit[];
}
