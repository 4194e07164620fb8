import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { authorizers, merchants, registrationPushes, registrationTasks } from "@/db/schema";

/** What a merchant's pages show of a task (never another merchant's: the scope is required). */
const taskView = {
  id: registrationTasks.id,
  kind: registrationTasks.kind,
  fields: registrationTasks.fields,
  taskId: registrationTasks.taskId,
  authorizeUrl: registrationTasks.authorizeUrl,
  status: registrationTasks.status,
  wechatStatus: registrationTasks.wechatStatus,
  pushStatus: registrationTasks.pushStatus,
  appId: registrationTasks.appId,
  expiresAt: registrationTasks.expiresAt,
  createdAt: registrationTasks.createdAt,
  finishedAt: registrationTasks.finishedAt,
  lastError: registrationTasks.lastError,
};

export type RegistrationView = Awaited<ReturnType<typeof listMerchantRegistrations>>[number];

export function listMerchantRegistrations(db: Db, merchantId: string, limit = 20) {
  return db
    .select(taskView)
    .from(registrationTasks)
    .where(eq(registrationTasks.merchantId, merchantId))
    .orderBy(desc(registrationTasks.createdAt))
    .limit(limit);
}

export async function findMerchantRegistration(db: Db, merchantId: string, id: string) {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const [row] = await db
    .select(taskView)
    .from(registrationTasks)
    .where(and(eq(registrationTasks.id, id), eq(registrationTasks.merchantId, merchantId)));
  return row;
}

/** The merchant's authorized official accounts that granted 快速注册小程序 (permission set 27). */
export function listFastRegisterOfficialAccounts(db: Db, merchantId: string) {
  return db
    .select({ appId: authorizers.appId, nickName: authorizers.nickName })
    .from(authorizers)
    .where(
      and(
        eq(authorizers.merchantId, merchantId),
        eq(authorizers.kind, "official_account"),
        eq(authorizers.status, "authorized"),
        sql`${authorizers.funcIds} @> '[27]'::jsonb`,
      ),
    );
}

/** Staff console: every merchant's tasks, newest first (staff see all merchants; the caller checks the role). */
export function unsafeListAllRegistrations(db: Db, limit = 100) {
  return db
    .select({ ...taskView, merchantId: registrationTasks.merchantId, merchantName: merchants.name })
    .from(registrationTasks)
    .innerJoin(merchants, eq(merchants.id, registrationTasks.merchantId))
    .orderBy(desc(registrationTasks.createdAt))
    .limit(limit);
}

/** Staff console: notify_third_fasteregister pushes that matched no task of ours. */
export function unsafeListUnmatchedPushes(db: Db, limit = 50) {
  return db
    .select({
      id: registrationPushes.id,
      appId: registrationPushes.appId,
      status: registrationPushes.status,
      info: registrationPushes.info,
      createdAt: registrationPushes.createdAt,
    })
    .from(registrationPushes)
    .where(isNull(registrationPushes.registrationId))
    .orderBy(desc(registrationPushes.createdAt))
    .limit(limit);
}
