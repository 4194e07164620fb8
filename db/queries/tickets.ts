import { desc, eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { wechatEvents } from "@/db/schema";

/**
 * The current component_verify_ticket: the newest one WeChat pushed, by its CreateTime (a late delivery of an
 * older push never wins). Every ticket push is stored as an event, so this is the ticket's only home.
 */
export async function findLatestTicket(
  db: Db,
): Promise<{ value: string; createTime: number; receivedAt: Date } | undefined> {
  const [ticket] = await db
    .select({
      value: sql<string>`${wechatEvents.payload}->>'ticket'`,
      createTime: wechatEvents.createTime,
      receivedAt: wechatEvents.receivedAt,
    })
    .from(wechatEvents)
    .where(eq(wechatEvents.infoType, "component_verify_ticket"))
    .orderBy(desc(wechatEvents.createTime), desc(wechatEvents.id))
    .limit(1);
  return ticket;
}
