import "server-only";
import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import { rateLimits } from "@/db/schema";

/**
 * Counts one hit for `key` in one statement (insert or increment, with the window check inside it), so parallel
 * hits each get their own number. A window starts at the first hit after the previous one ended and lasts
 * `windowSeconds`. The count stops growing at `cap` (anything past the limit is refused alike). Returns the count,
 * this hit included, and when the window ends.
 */
export async function countRateLimitHit(
  db: Db,
  input: { key: string; windowSeconds: number; cap: number },
): Promise<{ hits: number; windowEndsAt: Date }> {
  const current = sql`${rateLimits.windowStartedAt} > now() - make_interval(secs => ${input.windowSeconds})`;
  const [row] = await db
    .insert(rateLimits)
    .values({ key: input.key, hits: 1 })
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        hits: sql`case when ${current} then least(${rateLimits.hits} + 1, ${input.cap}) else 1 end`,
        windowStartedAt: sql`case when ${current} then ${rateLimits.windowStartedAt} else now() end`,
      },
    })
    .returning({ hits: rateLimits.hits, windowStartedAt: rateLimits.windowStartedAt });
  return { hits: row!.hits, windowEndsAt: new Date(row!.windowStartedAt.getTime() + input.windowSeconds * 1000) };
}
