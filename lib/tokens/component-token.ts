import { eq, sql } from "drizzle-orm";
import { COMPONENT_TOKEN_LOCK_KEY, rowsOf, type Database } from "@/db";
import { findLatestTicket } from "@/db/queries/tickets";
import { wechatComponent } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { wechatErrorText } from "@/lib/i18n/wechat-errors";
import { describeError, log } from "@/lib/log";
import { recordTokenRefresh } from "@/lib/metrics/record";
import { sealedAt, type SecretBox } from "@/lib/secrets";
import { WechatApiError } from "@/lib/wechat/errors";

/** Refresh this long before expiry (docs/wechat-protocol.md §8.3: ≥ 5 min; WeChat suggests ~1 h 50 min of 2 h). */
export const COMPONENT_TOKEN_REFRESH_MARGIN_SECONDS = 600;
/** A ticket not renewed for this long means pushes stopped (they come every 10 minutes). */
export const TICKET_STALE_SECONDS = 30 * 60;
/** `api_start_push_ticket` at most this often, across all instances. */
export const START_PUSH_INTERVAL_SECONDS = 10 * 60;
const TICKET_ERRCODES = new Set([61005, 61006]);

export interface ComponentTokenUpstream {
  getComponentAccessToken(ticket: string): Promise<{ accessToken: string; expiresIn: number }>;
  startPushTicket(): Promise<{ message: string }>;
}

export interface ComponentTokenServiceOptions {
  database: Pick<Database, "db" | "withAdvisoryLock">;
  upstream: ComponentTokenUpstream;
  secretBox: SecretBox;
  componentAppId: string;
  now?: () => number;
  refreshMarginSeconds?: number;
}

export interface ComponentTokenStatus {
  ticketReceivedAt: Date | null;
  ticketAgeSeconds: number | null;
  ticketStale: boolean;
  tokenExpiresAt: Date | null;
  tokenExpiresInSeconds: number | null;
  lastRefreshError: string | null;
}

type Cached = { token: string; expiresAtMs: number };

/**
 * The component_access_token, shared by every instance through the database.
 *
 * Exactly one upstream `api_component_token` call per refresh across the deployment: concurrent callers in a
 * process share one in-flight refresh, and processes serialize on a PostgreSQL advisory lock and re-check the
 * stored token after taking it. Each refresh invalidates the previous token 5 minutes later, so refreshing
 * per request or per instance would break the others.
 */
export function createComponentTokenService(options: ComponentTokenServiceOptions) {
  const { db, withAdvisoryLock } = options.database;
  const now = options.now ?? (() => Date.now());
  const marginMs = (options.refreshMarginSeconds ?? COMPONENT_TOKEN_REFRESH_MARGIN_SECONDS) * 1000;
  let cached: Cached | undefined;
  let inflight: { promise: Promise<Cached>; staleToken?: string } | undefined;

  const isFresh = (c: Cached | undefined, staleToken?: string): c is Cached =>
    !!c && c.token !== staleToken && now() < c.expiresAtMs - marginMs;

  /**
   * A valid token. With `staleToken` (WeChat just answered 40001/42001 to it), refresh unless the stored token
   * is already a different, fresh one (compare-and-swap).
   */
  async function getToken(opts: { staleToken?: string } = {}): Promise<string> {
    if (isFresh(cached, opts.staleToken)) return cached.token;
    if (!inflight || (opts.staleToken && inflight.staleToken !== opts.staleToken)) {
      const promise = refresh(opts.staleToken).finally(() => {
        if (inflight?.promise === promise) inflight = undefined;
      });
      inflight = { promise, staleToken: opts.staleToken };
    }
    const result = await inflight.promise;
    cached = result;
    return result.token;
  }

  async function readStored() {
    const [row] = await db.select().from(wechatComponent).where(eq(wechatComponent.appId, options.componentAppId));
    return row;
  }

  const latestTicket = () => findLatestTicket(db);

  function storedToken(row: Awaited<ReturnType<typeof readStored>>): Cached | undefined {
    if (!row?.accessTokenSealed || !row.accessTokenExpiresAt) return undefined;
    return {
      token: options.secretBox.open(row.accessTokenSealed, sealedAt.componentAccessToken(options.componentAppId)),
      expiresAtMs: row.accessTokenExpiresAt.getTime(),
    };
  }

  async function refresh(staleToken?: string): Promise<Cached> {
    const before = storedToken(await readStored());
    if (isFresh(before, staleToken)) return before;

    return withAdvisoryLock(COMPONENT_TOKEN_LOCK_KEY, async () => {
      // Another instance may have refreshed while we waited for the lock.
      const current = storedToken(await readStored());
      if (isFresh(current, staleToken)) return current;
      const ticket = await latestTicket();
      if (!ticket?.value) {
        throw new AppError(
          "waiting_for_ticket",
          "Waiting for component_verify_ticket: WeChat pushes it every 10 minutes to the authorization event URL (授权事件接收URL).",
        );
      }

      let issued: { accessToken: string; expiresIn: number };
      try {
        issued = await options.upstream.getComponentAccessToken(ticket.value);
      } catch (error) {
        await recordRefreshError(error);
        if (error instanceof WechatApiError && TICKET_ERRCODES.has(error.errcode)) {
          void requestTicketPush({ force: true }).catch(() => {});
        }
        throw error;
      }
      const next: Cached = { token: issued.accessToken, expiresAtMs: now() + issued.expiresIn * 1000 };
      const values = {
        accessTokenSealed: options.secretBox.seal(next.token, sealedAt.componentAccessToken(options.componentAppId)),
        accessTokenExpiresAt: new Date(next.expiresAtMs),
        accessTokenRefreshedAt: new Date(now()),
        lastRefreshError: null,
        updatedAt: new Date(now()),
      };
      await db
        .insert(wechatComponent)
        .values({ appId: options.componentAppId, ...values })
        .onConflictDoUpdate({ target: wechatComponent.appId, set: values });
      log.info("component_access_token refreshed", { expiresIn: issued.expiresIn });
      recordTokenRefresh("component", "ok");
      return next;
    });
  }

  async function recordRefreshError(error: unknown): Promise<void> {
    const description =
      error instanceof WechatApiError
        ? `${error.errcode} ${wechatErrorText(error.errcode, "en")}`
        : describeError(error);
    log.error("component_access_token refresh failed", { error: description });
    recordTokenRefresh("component", "failed");
    const values = { lastRefreshError: description.slice(0, 500), updatedAt: new Date(now()) };
    await db
      .insert(wechatComponent)
      .values({ appId: options.componentAppId, ...values })
      .onConflictDoUpdate({ target: wechatComponent.appId, set: values })
      .catch(() => {});
  }

  /** Background: refresh ahead of expiry, so requests never wait on WeChat. No ticket yet → nothing to do. */
  async function refreshIfDue(): Promise<"fresh" | "refreshed" | "no_ticket"> {
    if (isFresh(cached)) return "fresh";
    if (!(await latestTicket())) return "no_ticket";
    const current = storedToken(await readStored());
    if (isFresh(current)) {
      cached = current;
      return "fresh";
    }
    await getToken();
    return "refreshed";
  }

  /**
   * When tickets stopped arriving (older than 30 min, or WeChat called ours expired/invalid), ask WeChat to
   * resume pushing. At most once per 10 minutes across all instances: the conditional UPDATE elects one caller.
   */
  async function requestTicketPush(opts: { force?: boolean } = {}): Promise<boolean> {
    await db.insert(wechatComponent).values({ appId: options.componentAppId }).onConflictDoNothing();
    const staleCondition = opts.force
      ? sql`true`
      : sql`not exists (select 1 from wechat_events where info_type = 'component_verify_ticket'
              and received_at > now() - make_interval(secs => ${TICKET_STALE_SECONDS}))`;
    const elected = rowsOf(
      await db.execute(sql`
        update wechat_component set push_requested_at = now()
        where app_id = ${options.componentAppId} and ${staleCondition}
          and (push_requested_at is null or push_requested_at < now() - make_interval(secs => ${START_PUSH_INTERVAL_SECONDS}))
        returning app_id`),
    );
    if (elected.length === 0) return false;
    try {
      const { message } = await options.upstream.startPushTicket();
      log.warn("asked WeChat to resume component_verify_ticket pushes", { answer: message });
      return true;
    } catch (error) {
      log.error("api_start_push_ticket failed", { error: describeError(error) });
      return false;
    }
  }

  async function getStatus(): Promise<ComponentTokenStatus> {
    const [row, ticket] = await Promise.all([readStored(), latestTicket()]);
    const nowMs = now();
    const ticketAgeSeconds = ticket ? Math.max(0, Math.round((nowMs - ticket.receivedAt.getTime()) / 1000)) : null;
    return {
      ticketReceivedAt: ticket?.receivedAt ?? null,
      ticketAgeSeconds,
      ticketStale: ticketAgeSeconds === null || ticketAgeSeconds > TICKET_STALE_SECONDS,
      tokenExpiresAt: row?.accessTokenExpiresAt ?? null,
      tokenExpiresInSeconds: row?.accessTokenExpiresAt
        ? Math.round((row.accessTokenExpiresAt.getTime() - nowMs) / 1000)
        : null,
      lastRefreshError: row?.lastRefreshError ?? null,
    };
  }

  /** Drops the in-process cache (tests, and after an operator edits the database). */
  function forget(): void {
    cached = undefined;
  }

  return { getToken, refreshIfDue, requestTicketPush, getStatus, forget };
}

export type ComponentTokenService = ReturnType<typeof createComponentTokenService>;
