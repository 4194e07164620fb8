import { createHash } from "node:crypto";
import { and, desc, eq, ne } from "drizzle-orm";
import { registrationPushes, registrationTasks } from "@/db/schema";
import type { ComponentEventHandler } from "@/lib/events/handlers/types";
import { log } from "@/lib/log";
import type { Platform } from "@/lib/platform";
import { parseFastRegisterPush, pushPhase, type FastRegisterPush } from "@/lib/wechat/fastregister";
import { attachRegisteredApp, finishRegistration } from "./tasks";

/**
 * notify_third_fasteregister on the component URL (docs/registration.md): stored (as every push) before `success`,
 * then applied here. Bound to the task that started it: by `info/taskid` when the push has one, else by the
 * entity's key fields (credit code; WeChat ID). A push that matches no task of ours is kept for staff and attached
 * to nobody. Idempotent: WeChat sends it twice, and `authorized` may come before or after it.
 */
export const fastRegisterPushHandler: ComponentEventHandler = {
  infoTypes: ["notify_third_fasteregister"],
  async apply(platform, { createTime, fields }) {
    const push = parseFastRegisterPush(fields);
    await applyFastRegisterPush(platform, push, fields, createTime);
  },
};

async function findTask(platform: Platform, push: FastRegisterPush) {
  const { db } = platform.database;
  // taskid is authoritative when present: an unknown one matches nothing (no fallback to the entity).
  if (push.taskId) {
    const [task] = await db.select().from(registrationTasks).where(eq(registrationTasks.taskId, push.taskId));
    return task;
  }
  const key = push.kind === "enterprise" ? push.code : push.kind === "personal" ? push.wxuser : null;
  if (!key || push.kind === "unknown") return undefined;
  // The serial-task rule (89249) makes the entity's newest task the one this result belongs to.
  const [task] = await db
    .select()
    .from(registrationTasks)
    .where(
      and(
        eq(registrationTasks.kind, push.kind),
        eq(registrationTasks.entityKey, key),
        ne(registrationTasks.status, "cancelled"),
      ),
    )
    .orderBy(desc(registrationTasks.createdAt))
    .limit(1);
  return task;
}

export async function applyFastRegisterPush(
  platform: Platform,
  push: FastRegisterPush,
  fields: Record<string, unknown>,
  createTime: number | undefined,
): Promise<void> {
  const { db } = platform.database;
  const task = await findTask(platform, push);
  const usable = task && task.status !== "cancelled" ? task : undefined;
  // Never the auth_code in what we keep for staff.
  const pushKey = createHash("sha256").update(JSON.stringify(fields)).digest("hex");
  await db
    .insert(registrationPushes)
    .values({
      pushKey,
      registrationId: usable?.id ?? null,
      appId: push.appId,
      status: push.status,
      msg: push.msg.slice(0, 200),
      info: push.info,
      createTime: createTime ?? null,
    })
    .onConflictDoNothing();
  if (!usable) {
    log.warn("fast registration push matches no task: kept for staff", {
      status: push.status,
      appId: push.appId,
      kind: push.kind,
    });
    return;
  }
  await db.update(registrationTasks).set({ pushStatus: push.status }).where(eq(registrationTasks.id, usable.id));
  const phase = pushPhase(push.status);
  if (phase === "succeeded") {
    await attachRegisteredApp(platform, usable, {
      appId: push.appId,
      authCode: push.authCode,
      version: createTime ?? Math.floor(Date.now() / 1000),
    });
    return;
  }
  await finishRegistration(platform, usable.id, phase);
}
