import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { rowsOf, type Database } from "@/db";
import { createMerchantWithUser } from "@/db/queries/users";
import { hashPassword } from "@/lib/auth/password";
import { preselectedFuncIds } from "@/lib/sandbox/authorization-request";
import { SANDBOX_COMPONENT } from "@/lib/sandbox/credentials";
import { createSecretBox, sealedAt } from "@/lib/secrets";
import { createMessageCrypto } from "@/lib/wechat/crypto";
import { sealPush } from "@/lib/wechat/push";
import { TEST_SECRETS } from "../support/app-server";
import { sealTicketPush } from "../support/seal-ticket-push";
import type { SandboxLedgerEntry } from "../support/portal";
import { signInOverHttp } from "../support/sign-in";

// What the cluster and fault benchmarks do to the portal over HTTP, as its real clients would: WeChat's pushes
// (sealed with the sandbox's credentials), merchants signing in and authorizing through the sandbox's pages
// (no browser: the server actions are called the way React calls them), backend services reading tokens.

const ROOT = path.resolve(import.meta.dirname, "../..");
export const SERVICE_KEY = "bench-service-key-0123456789abcdef";
export const MERCHANT_PASSWORD = "bench-password-0123";

const crypto = createMessageCrypto({ ...SANDBOX_COMPONENT });
/** Opens what the instances sealed (they run with TEST_SECRETS). */
export const secretBox = createSecretBox([Buffer.from(TEST_SECRETS.SECRETS_KEY, "base64")]);

// --- latency and outcome per kind of request ---------------------------------------------------------

export class Recorder {
  private samples = new Map<string, number[]>();
  private failures = new Map<string, Map<string, number>>();

  /** One request (or one end-to-end flow) that succeeded, and how long it took. */
  ok(kind: string, ms: number): void {
    let list = this.samples.get(kind);
    if (!list) this.samples.set(kind, (list = []));
    list.push(ms);
  }

  /** One that did not, by reason (`503`, `timeout`, `wechat_error`…). */
  fail(kind: string, reason: string): void {
    let reasons = this.failures.get(kind);
    if (!reasons) this.failures.set(kind, (reasons = new Map()));
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }

  /** Times `fn`; a thrown error counts as a failure with its message's first words. */
  async time<T>(kind: string, fn: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const result = await fn();
      this.ok(kind, performance.now() - started);
      return result;
    } catch (error) {
      this.fail(kind, reasonOf(error));
      throw error;
    }
  }

  kinds(): string[] {
    return [...new Set([...this.samples.keys(), ...this.failures.keys()])];
  }

  summary(kind: string, seconds: number) {
    const list = [...(this.samples.get(kind) ?? [])].sort((a, b) => a - b);
    const at = (q: number) => (list.length ? list[Math.min(list.length - 1, Math.floor(q * list.length))]! : 0);
    const failures = Object.fromEntries(this.failures.get(kind) ?? []);
    return {
      kind,
      ok: list.length,
      failed: Object.values(failures).reduce((a, b) => a + b, 0),
      failures,
      perSecond: list.length / seconds,
      p50: at(0.5),
      p95: at(0.95),
      p99: at(0.99),
      max: list.at(-1) ?? 0,
    };
  }
}

export function reasonOf(error: unknown): string {
  const e = error as Error & { cause?: { code?: string } };
  if (e?.name === "TimeoutError") return "timeout";
  if (e?.cause?.code) return e.cause.code;
  return (e?.message ?? String(error)).split(/[:\n]/)[0]!.slice(0, 60);
}

/** Prints rows as a fixed-width table: the first and a `details` column left-aligned, the rest (numbers) right. */
function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const left = (i: number) => i === 0 || header[i] === "details";
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (left(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of rows) console.log(line(row));
}

/** Count, rate over `seconds` and latency (ms) of each of `kinds` (default: all, in the order first recorded). */
export function printLatencyTable(recorder: Recorder, seconds: number, kinds = recorder.kinds()): void {
  printTable(
    ["kind", "ok", "failed", "per s", "p50", "p95", "p99", "max"],
    kinds.map((k) => {
      const s = recorder.summary(k, seconds);
      return [
        k,
        String(s.ok),
        String(s.failed),
        s.perSecond.toFixed(1),
        s.p50.toFixed(0),
        s.p95.toFixed(0),
        s.p99.toFixed(0),
        s.max.toFixed(0),
      ];
    }),
  );
}

/** What a run checks afterwards: passed or not, with the counts behind it. */
export type Check = [name: string, ok: boolean, details: string];

export function printChecks(checks: Check[]): void {
  printTable(
    ["check", "result", "details"],
    checks.map(([name, ok, details]) => [name, ok ? "PASS" : "FAIL", details]),
  );
}

// --- WeChat's pushes -------------------------------------------------------------------------------

export interface Push {
  /** What identifies it in wechat_events: the ticket, or `kind:appid:createTime`. */
  key: string;
  query: string;
  body: string;
}

/** A component_verify_ticket push, sealed as WeChat seals it. */
export function ticketPush(ticket: string): Push {
  const { query, body } = sealTicketPush(ticket);
  return { key: ticket, query: query.toString(), body };
}

/** An authorization-change push (`updateauthorized` with its code, or `unauthorized`). */
export function authorizationPush(fields: {
  infoType: "updateauthorized" | "unauthorized";
  appId: string;
  createTime: number;
  authCode?: string;
}): Push {
  const { query, body } = sealPush(
    crypto,
    {
      AppId: SANDBOX_COMPONENT.appId,
      CreateTime: fields.createTime,
      InfoType: fields.infoType,
      AuthorizerAppid: fields.appId,
      ...(fields.authCode
        ? { AuthorizationCode: fields.authCode, AuthorizationCodeExpiredTime: fields.createTime + 600 }
        : {}),
    },
    { AppId: SANDBOX_COMPONENT.appId },
  );
  return { key: `${fields.infoType}:${fields.appId}:${fields.createTime}`, query: query.toString(), body };
}

/** Delivers one push; true when the answer was exactly 200 `success` (anything else WeChat retries). */
export async function deliverPush(
  baseUrl: string,
  push: Push,
  timeoutMs = 5000,
): Promise<{ ok: boolean; status: string }> {
  const response = await fetch(`${baseUrl}/api/wechat/component/events?${push.query}`, {
    method: "POST",
    headers: { "content-type": "text/xml" },
    body: push.body,
    // WeChat gives up on a push after 5 s (docs/wechat-protocol.md §1.2).
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  return { ok: response.status === 200 && text === "success", status: String(response.status) };
}

/**
 * Tickets WeChat "issued": recorded in the sandbox's ledger (the shared database) so that the portal, which
 * uses the newest ticket it stored, can still get component tokens with them.
 */
export async function issueTickets(database: Database, count: number): Promise<string[]> {
  const run = randomBytes(4).toString("hex");
  const tickets = Array.from({ length: count }, (_, i) => `ticket@@@bench-${run}-${i}`);
  for (let i = 0; i < tickets.length; i += 5000) {
    const chunk = tickets.slice(i, i + 5000);
    await database.db.execute(sql`
      insert into sandbox_tickets (ticket, component_app_id)
      select t, ${SANDBOX_COMPONENT.appId} from jsonb_array_elements_text(${JSON.stringify(chunk)}::jsonb) t`);
  }
  return tickets;
}

// --- merchants -------------------------------------------------------------------------------------

export interface Merchant {
  email: string;
  merchantId: string;
}

/** Merchant accounts with one password (hashed once: scrypt costs about a second of CPU per hash). */
export async function createMerchants(database: Database, count: number): Promise<Merchant[]> {
  const passwordHash = await hashPassword(MERCHANT_PASSWORD);
  const run = randomBytes(3).toString("hex");
  const merchants: Merchant[] = [];
  for (let i = 0; i < count; i++) {
    const email = `bench-${run}-${i}@example.com`;
    const created = await createMerchantWithUser(database.db, { businessName: `压测商户 ${i}`, email, passwordHash });
    if (!created) throw new Error(`merchant ${email} not created`);
    merchants.push({ email, merchantId: created.merchantId });
  }
  return merchants;
}

export function signIn(baseUrl: string, merchant: Merchant): Promise<string> {
  return signInOverHttp(baseUrl, merchant.email, MERCHANT_PASSWORD);
}

// --- the authorization flow, end to end ---------------------------------------------------------------

interface ActionIds {
  startAuthorization: string;
  confirmSandboxAuthorization: string;
}

/** Server action ids of the build being run (they change with every build). */
export function readActionIds(): ActionIds {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, ".next/server/server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { exportedName?: string }>;
  };
  const find = (name: string) => {
    const id = Object.entries(manifest.node).find(([, v]) => v.exportedName === name)?.[0];
    if (!id) throw new Error(`server action ${name} not in the build's manifest: rebuild`);
    return id;
  };
  return {
    startAuthorization: find("startAuthorizationAction"),
    confirmSandboxAuthorization: find("confirmSandboxAuthorizationAction"),
  };
}

/**
 * Calls a server action as React's client does: `Next-Action: <id>` and the arguments in React's reply
 * encoding, where a FormData argument travels as `$K1` with its fields prefixed `_1_`. `bound` says which
 * argument list the action takes: `(prevState, formData)` for a useActionState action, `(formData)` otherwise.
 */
async function callAction(
  url: string,
  actionId: string,
  fields: [string, string][],
  options: { cookie?: string; referer?: string; withPrevState: boolean },
): Promise<Response> {
  const body = new FormData();
  for (const [name, value] of fields) body.append(`_1_${name}`, value);
  body.append("0", options.withPrevState ? '["$undefined","$K1"]' : '["$K1"]');
  return fetch(url, {
    method: "POST",
    redirect: "manual",
    headers: {
      accept: "text/x-component",
      "next-action": actionId,
      ...(options.cookie ? { cookie: options.cookie } : {}),
      ...(options.referer ? { referer: options.referer } : {}),
    },
    body,
    signal: AbortSignal.timeout(30_000),
  });
}

export type AuthorizationOutcome = { ok: true; appId: string } | { ok: false; step: string; reason: string };

/**
 * One merchant authorizes a new official account, the way the browser does it: 授权公众号 on /accounts (the
 * server action answers with a redirect to WeChat's page), the sandbox's authorization page, 确认授权 there
 * (its server action spends the pre_auth_code, grants, pushes `authorized` and hands back the redirect), and
 * the callback, which exchanges the code and redirects to the account. Each step is timed in `recorder`.
 */
export async function authorizeOnce(
  baseUrl: string,
  cookie: string,
  ids: ActionIds,
  recorder: Recorder,
): Promise<AuthorizationOutcome> {
  // 1. Start: pre_auth_code, state, redirect to WeChat's PC page.
  const started = await recorder
    .time("auth: start action", async () => {
      const response = await callAction(
        `${baseUrl}/accounts`,
        ids.startAuthorization,
        [
          ["authType", "1"],
          ["device", "pc"],
          ["bizAppId", ""],
        ],
        {
          cookie,
          withPrevState: true,
        },
      );
      const text = await response.text();
      const location = response.headers.get("x-action-redirect");
      if (!location)
        throw new Error(
          `no redirect (${response.status}): ${/"message":"([^"]*)"/.exec(text)?.[1] ?? text.slice(0, 80)}`,
        );
      return location.split(";")[0]!;
    })
    .catch((error: unknown) => ({ failed: reasonOf(error) }));
  if (typeof started !== "string") return { ok: false, step: "start", reason: started.failed };
  const pageUrl = new URL(started, baseUrl);

  // 2. WeChat's page, as the merchant's browser loads it.
  const page = await recorder
    .time("auth: WeChat page", async () => {
      const response = await fetch(pageUrl, {
        headers: { referer: `${baseUrl}/accounts` },
        signal: AbortSignal.timeout(30_000),
      });
      await response.text();
      if (response.status !== 200) throw new Error(`status ${response.status}`);
    })
    .catch((error: unknown) => ({ failed: reasonOf(error) }));
  if (page) return { ok: false, step: "page", reason: page.failed };

  // 3. 确认授权 on a new account with the preselected permission sets.
  const query = pageUrl.searchParams;
  const fields: [string, string][] = ["component_appid", "pre_auth_code", "redirect_uri", "auth_type"].map((n) => [
    n,
    query.get(n) ?? "",
  ]);
  fields.push(["page", "pc"], ["account", "new:official_account"], ["intent", "confirm"]);
  for (const id of preselectedFuncIds("official_account", undefined))
    fields.push(["funcIds.official_account", String(id)]);
  const confirmed = await recorder
    .time("auth: confirm action", async () => {
      const response = await callAction(pageUrl.toString(), ids.confirmSandboxAuthorization, fields, {
        referer: pageUrl.toString(),
        withPrevState: false,
      });
      const text = await response.text();
      const redirectTo = /"redirectTo":"([^"]+)"/.exec(text)?.[1];
      if (!redirectTo)
        throw new Error(
          `no redirectTo (${response.status}): ${/"code":"([^"]*)"/.exec(text)?.[1] ?? text.slice(0, 80)}`,
        );
      return redirectTo;
    })
    .catch((error: unknown) => ({ failed: reasonOf(error) }));
  if (typeof confirmed !== "string") return { ok: false, step: "confirm", reason: confirmed.failed };

  // 4. Back at the portal with auth_code: exchanged, stored, redirected to the account (or to the result page).
  const landed = await recorder
    .time("auth: callback", async () => {
      const response = await fetch(confirmed, {
        redirect: "manual",
        headers: { cookie },
        signal: AbortSignal.timeout(30_000),
      });
      await response.text();
      const location = response.headers.get("location") ?? "";
      const appId = /\/accounts\/(wx[0-9a-f]{16})\?authorized=1/.exec(location)?.[1];
      if (appId) return { appId };
      return { reason: /reason=([a-z_]+)/.exec(location)?.[1] ?? `status ${response.status}` };
    })
    .catch((error: unknown) => ({ reason: reasonOf(error) }));
  if ("appId" in landed && landed.appId) return { ok: true, appId: landed.appId };
  return { ok: false, step: "callback", reason: (landed as { reason: string }).reason };
}

// --- backend services reading tokens ----------------------------------------------------------------------

export async function readToken(
  baseUrl: string,
  appId: string,
  staleToken?: string,
): Promise<{ status: number; token?: string }> {
  const response = await fetch(`${baseUrl}/api/internal/authorizers/${appId}/token`, {
    headers: { authorization: `Bearer ${SERVICE_KEY}`, ...(staleToken ? { "x-stale-token": staleToken } : {}) },
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await response.json().catch(() => ({}))) as { authorizer_access_token?: string };
  return { status: response.status, token: body.authorizer_access_token };
}

// --- checks against the database and WeChat's ledger ---------------------------------------------------------

export interface RefreshTokenCheck {
  checked: number;
  /** No authorizers row, or no refresh token in it. */
  missing: string[];
  /** The portal's refresh token is not the one WeChat holds. */
  mismatched: string[];
  /** WeChat does not consider the account authorized. */
  notAuthorizedAtWechat: string[];
}

/** Every given account: the portal holds a sealed refresh token, it opens, and it is the one WeChat has. */
export async function checkRefreshTokens(
  database: Database,
  ledger: Map<string, SandboxLedgerEntry>,
  appIds: Iterable<string>,
): Promise<RefreshTokenCheck> {
  const wanted = [...new Set(appIds)];
  const rows = wanted.length
    ? rowsOf<{ app_id: string; refresh_token_sealed: string | null }>(
        await database.db.execute(
          sql`select app_id, refresh_token_sealed from authorizers
              where app_id in (select jsonb_array_elements_text(${JSON.stringify(wanted)}::jsonb))`,
        ),
      )
    : [];
  const byApp = new Map(rows.map((r) => [r.app_id, r.refresh_token_sealed]));
  const result: RefreshTokenCheck = { checked: wanted.length, missing: [], mismatched: [], notAuthorizedAtWechat: [] };
  for (const appId of wanted) {
    const sealed = byApp.get(appId);
    const wechat = ledger.get(appId);
    if (!wechat?.authorized) result.notAuthorizedAtWechat.push(appId);
    if (!sealed) {
      result.missing.push(appId);
      continue;
    }
    let token: string | undefined;
    try {
      token = secretBox.open(sealed, sealedAt.authorizerRefreshToken(appId));
    } catch {
      token = undefined;
    }
    if (!token || token !== wechat?.refreshToken) result.mismatched.push(appId);
  }
  return result;
}

/** Distinct pushes stored more than once (the same decrypted payload in two rows). */
export async function countDuplicatedEvents(database: Database): Promise<{ events: number; duplicated: number }> {
  const [row] = rowsOf<{ events: number; duplicated: number }>(
    await database.db.execute(sql`
      select (select count(*)::int from wechat_events where source = 'component') as events,
             (select count(*)::int from (
                select payload from wechat_events where source = 'component' group by payload having count(*) > 1) d) as duplicated`),
  );
  return row ?? { events: 0, duplicated: 0 };
}

/** The keys (see Push) of every stored component push. */
export async function storedPushKeys(database: Database): Promise<Set<string>> {
  const rows = rowsOf<{ key: string }>(
    await database.db.execute(sql`
      select case when info_type = 'component_verify_ticket' then payload->>'ticket' else dedupe_key end as key
      from wechat_events where source = 'component'`),
  );
  return new Set(rows.map((r) => r.key));
}

/** Stored component events not applied yet. */
export async function pendingEvents(database: Database): Promise<number> {
  const [row] = rowsOf<{ n: number }>(
    await database.db.execute(
      sql`select count(*)::int as n from wechat_events where source = 'component' and processed_at is null`,
    ),
  );
  return row?.n ?? 0;
}

/**
 * Waits until every stored component event is applied, or `timeoutMs` passed; resolves with how many are still not.
 * A query that fails (on a connection a database restart cut) counts as not yet.
 */
export async function waitForEventsApplied(database: Database, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pending = await pendingEvents(database).catch(() => Number.NaN);
    if (pending === 0 || Date.now() > deadline) return pending;
    await sleep(500);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
