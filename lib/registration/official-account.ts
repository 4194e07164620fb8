import { and, eq, sql } from "drizzle-orm";
import { rowsOf } from "@/db";
import { listFastRegisterOfficialAccounts } from "@/db/queries/registration";
import { registrationTasks } from "@/db/schema";
import { message } from "@/lib/i18n/message";
import { describeError, log } from "@/lib/log";
import type { Platform } from "@/lib/platform";
import { takeRateLimit } from "@/lib/rate-limit";
import { WechatApiError } from "@/lib/wechat/errors";
import { buildFastRegisterAuthUrl, registerWithTicket } from "@/lib/wechat/fastregister";
import { attachRegisteredApp, finishRegistration, REGISTRATION_START_LIMIT, type StartResult } from "./tasks";

/** How long the administrator may take on the fastregisterauth page before the task is dropped. */
const PAGE_TTL_SECONDS = 30 * 60;

/**
 * Reuse of an official account's entity (§13.8): only an account of this merchant, authorized, with the
 * 快速注册小程序 permission set (27). Reserves the task (one at a time per account, WeChat's 61057) and returns the
 * fastregisterauth page for the administrator; WeChat comes back to our callback with a ticket.
 */
export async function startOfficialAccountRegistration(
  platform: Platform,
  principal: { merchantId: string; userId: string | null },
  officialAccountAppId: string,
): Promise<StartResult & { url?: string }> {
  const { db } = platform.database;
  const eligible = await listFastRegisterOfficialAccounts(db, principal.merchantId);
  if (!eligible.some((a) => a.appId === officialAccountAppId)) {
    return {
      ok: false,
      message: message("registration.start.invalid"),
      fieldErrors: { officialAccount: message("registration.form.noOfficialAccount") },
    };
  }
  const allowed = await takeRateLimit(db, REGISTRATION_START_LIMIT, principal.merchantId);
  if (!allowed.ok) return { ok: false, message: message("registration.start.dailyLimit") };
  // A page the administrator abandoned does not block the account for long.
  await db
    .update(registrationTasks)
    .set({ status: "expired", finishedAt: sql`now()`, updatedAt: sql`now()` })
    .where(
      and(
        eq(registrationTasks.kind, "official_account"),
        eq(registrationTasks.status, "waiting"),
        sql`${registrationTasks.expiresAt} < now()`,
      ),
    );
  const [row] = rowsOf<{ id: string }>(
    await db.execute(sql`
      insert into registration_tasks (merchant_id, user_id, kind, entity_key, fields, expires_at)
      values (${principal.merchantId}, ${principal.userId}, 'official_account', ${officialAccountAppId},
              ${JSON.stringify({ officialAccountAppId })}::jsonb, now() + make_interval(secs => ${PAGE_TTL_SECONDS}))
      on conflict do nothing
      returning id`),
  );
  if (!row) return { ok: false, message: message("registration.start.running") };
  const url = buildFastRegisterAuthUrl(platform.env.mpBase, {
    officialAccountAppId,
    componentAppId: platform.env.component.appId,
    copyWxVerify: false,
    redirectUri: `${platform.env.appUrl}/api/wechat/fastregister/callback?task=${row.id}`,
  });
  return { ok: true, id: row.id, url };
}

/**
 * Back from the fastregisterauth page: the ticket is exchanged (account/fastregister, with the official account's
 * token) for the new appid and an authorization code, which goes through the exchange-once path and attaches the
 * mini program to the merchant. Only the merchant's own waiting task is completed.
 */
export async function completeOfficialAccountRegistration(
  platform: Platform,
  merchantId: string,
  input: { taskRowId: string; ticket: string | null; errcode: number | null },
): Promise<string | null> {
  const { db } = platform.database;
  if (!/^[0-9a-f-]{36}$/i.test(input.taskRowId)) return null;
  const [task] = await db
    .select()
    .from(registrationTasks)
    .where(
      and(
        eq(registrationTasks.id, input.taskRowId),
        eq(registrationTasks.merchantId, merchantId),
        eq(registrationTasks.kind, "official_account"),
      ),
    );
  if (!task) return null;
  if (task.status !== "waiting") return task.id;
  const fail = async (errcode: number | null, errmsg: string) => {
    await db
      .update(registrationTasks)
      .set({ lastError: { errcode, errmsg, at: new Date().toISOString() } })
      .where(eq(registrationTasks.id, task.id));
    await finishRegistration(platform, task.id, "failed");
  };
  if (!input.ticket) {
    await fail(input.errcode, "no ticket");
    return task.id;
  }
  try {
    const result = await platform.authorizerTokens.withToken(task.entityKey, (token) =>
      registerWithTicket(platform.client.core, token, input.ticket!),
    );
    await attachRegisteredApp(platform, task, {
      appId: result.appId,
      authCode: result.authorizationCode,
      version: Math.floor(Date.now() / 1000),
    });
  } catch (error) {
    log.warn("fast registration with an official account failed", { error: describeError(error) });
    await fail(error instanceof WechatApiError ? error.errcode : null, describeError(error).slice(0, 200));
  }
  return task.id;
}
