import { and, count, eq, isNotNull, sql } from "drizzle-orm";
import { rowsOf } from "@/db";
import { authorizers } from "@/db/schema";
import { describeError } from "@/lib/log";
import type { Platform } from "@/lib/platform";

export interface Health {
  ok: boolean;
  database: { ok: boolean; error?: string };
  ticket: { receivedAt: string | null; ageSeconds: number | null; warning: string | null };
  componentToken: { expiresAt: string | null; expiresInSeconds: number | null; lastError: string | null };
  authorizers: {
    /** Authorized accounts whose last refresh failed (retrying with backoff). */
    refreshFailed: number | null;
    /** Accounts whose refresh token WeChat no longer accepts: the merchant must authorize again. */
    needsReauthorization: number | null;
    /** How far behind schedule the refresher is: age of the oldest refresh that is due (0 when none is). */
    refresherLagSeconds: number | null;
  };
  sandbox: boolean;
}

const DB_TIMEOUT_MS = 2000;
/** A refresher further behind than this is reported as not ok (accounts are due 10–30 minutes ahead of expiry). */
const REFRESHER_LAG_LIMIT_SECONDS = 600;

/** What `GET /api/health` tells anyone who asks: ok or not per part, no numbers, no error text. */
export interface PublicHealth {
  ok: boolean;
  database: { ok: boolean };
  ticket: { ok: boolean };
  componentToken: { ok: boolean };
  authorizers: { ok: boolean };
}

/**
 * Security: the health route is public (load balancers call it unauthenticated), so it says only which part is
 * ok. Error texts (a database host, a WeChat answer), ages and counts stay with staff (/staff) and the log.
 */
export function publicHealth(health: Health): PublicHealth {
  return {
    ok: health.ok,
    database: { ok: health.database.ok },
    ticket: { ok: health.ticket.ageSeconds !== null && health.ticket.warning === null },
    componentToken: {
      ok: (health.componentToken.expiresInSeconds ?? 0) > 0 && health.componentToken.lastError === null,
    },
    authorizers: {
      ok:
        health.authorizers.refreshFailed === 0 &&
        health.authorizers.needsReauthorization === 0 &&
        (health.authorizers.refresherLagSeconds ?? Infinity) <= REFRESHER_LAG_LIMIT_SECONDS,
    },
  };
}

/**
 * Liveness for load balancers and operators. Only an unreachable database makes it unhealthy (503): a stale
 * ticket or a missing token is a warning, because taking the instance out of rotation would also stop the
 * pushes that fix it.
 */
export async function getHealth(platform: Platform): Promise<Health> {
  const { db } = platform.database;
  try {
    const [tokenStatus, [failed], [broken], lag] = await withTimeout(
      Promise.all([
        platform.componentToken.getStatus(),
        db
          .select({ n: count() })
          .from(authorizers)
          .where(and(isNotNull(authorizers.refreshFailedAt), eq(authorizers.status, "authorized"))),
        db.select({ n: count() }).from(authorizers).where(eq(authorizers.status, "needs_reauthorization")),
        db.execute(sql`
          select coalesce(extract(epoch from now() - min(refresh_due_at)), 0)::int as lag from authorizers
          where status = 'authorized' and refresh_token_sealed is not null and refresh_due_at <= now()`),
      ]),
      DB_TIMEOUT_MS,
    );
    const [lagRow] = rowsOf<{ lag: number }>(lag);
    return {
      ok: true,
      database: { ok: true },
      ticket: {
        receivedAt: tokenStatus.ticketReceivedAt?.toISOString() ?? null,
        ageSeconds: tokenStatus.ticketAgeSeconds,
        warning:
          tokenStatus.ticketAgeSeconds === null
            ? "no component_verify_ticket received yet"
            : tokenStatus.ticketStale
              ? "component_verify_ticket is older than 30 minutes; asked WeChat to resume pushing"
              : null,
      },
      componentToken: {
        expiresAt: tokenStatus.tokenExpiresAt?.toISOString() ?? null,
        expiresInSeconds: tokenStatus.tokenExpiresInSeconds,
        lastError: tokenStatus.lastRefreshError,
      },
      authorizers: {
        refreshFailed: failed?.n ?? 0,
        needsReauthorization: broken?.n ?? 0,
        refresherLagSeconds: Number(lagRow?.lag ?? 0),
      },
      sandbox: platform.env.sandbox,
    };
  } catch (error) {
    return unhealthy(platform.env.sandbox, error);
  }
}

export function unhealthy(sandbox: boolean, error: unknown): Health {
  return {
    ok: false,
    database: { ok: false, error: describeError(error).slice(0, 200) },
    ticket: { receivedAt: null, ageSeconds: null, warning: null },
    componentToken: { expiresAt: null, expiresInSeconds: null, lastError: null },
    authorizers: { refreshFailed: null, needsReauthorization: null, refresherLagSeconds: null },
    sandbox,
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`database did not answer within ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
