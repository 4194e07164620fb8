import "server-only";
import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/db";

// Staff-wide counts for the console overview; callers run requireStaff() first.

/** Accounts waiting for a staff decision, for the overview's links into the review queue. */
export async function getReviewCounts(db: Db): Promise<{ pending: number; conflict: number }> {
  const [row] = rowsOf<{ pending: number | string; conflict: number | string }>(
    await db.execute(sql`
      select count(*) filter (where review_status = 'pending') as pending,
             count(*) filter (where review_status = 'conflict') as conflict
      from authorizers where review_status in ('pending', 'conflict')`),
  );
  return { pending: Number(row?.pending ?? 0), conflict: Number(row?.conflict ?? 0) };
}
