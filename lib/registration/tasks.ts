import { randomBytes } from "node:crypto";
import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/db";
import { registrationTasks, type RegistrationFields, type RegistrationKind } from "@/db/schema";
import { applyAuthorizationCode, bindMerchant } from "@/lib/authorization/grants";
import { message, type Message } from "@/lib/i18n/message";
import { createLeasedWorker, type LeasedWorker } from "@/lib/jobs/leased-worker";
import { describeError, log } from "@/lib/log";
import type { Platform } from "@/lib/platform";
import { takeRateLimit, type RateLimit } from "@/lib/rate-limit";
import { errcodeMessage } from "./messages";
import { WechatApiError } from "@/lib/wechat/errors";
import {
  createEnterpriseTask,
  createPersonalTask,
  isPlausibleWechatId,
  isValidCreditCode,
  queryEnterpriseTask,
  queryPersonalTask,
  taskPhase,
  type FastRegisterTask,
  type TaskPhase,
} from "@/lib/wechat/fastregister";

/**
 * Fast registration tasks (docs/registration.md): start one (enterprise or personal), follow its status (the query by
 * taskid, polled by a leased worker so no two instances ask at once, and the notify_third_fasteregister push), and
 * attach the new mini program to the merchant who started it.
 */

/** authorize_url is valid 24 hours (§13.0). */
export const TASK_TTL_SECONDS = 24 * 3600;
/** Starts per merchant per day: each one costs WeChat quota and a person's attention. */
export const REGISTRATION_START_LIMIT: RateLimit = { name: "fastregister", limit: 5, windowSeconds: 86400 };
/** First query a minute after the start, then every 2 minutes up to 10 (the person may take hours). */
const POLL_FIRST_SECONDS = 60;
const POLL_MAX_SECONDS = 600;
const LEASE_SECONDS = 60;
/** A check asked for from the task page, at most this often per task. */
const ON_DEMAND_MIN_SECONDS = 5;

export type StartInput =
  | { kind: "enterprise"; name: string; code: string; phone: string }
  | { kind: "personal"; wxuser: string; phone: string };

export type StartResult =
  { ok: true; id: string } | { ok: false; message: Message; fieldErrors?: Record<string, Message> };

const PHONE = /^[0-9+\-() ]{5,20}$/;

/** The form's checks, before anything is spent: credit code (length and check character), WeChat ID, phone. */
export function checkStartInput(input: StartInput): Record<string, Message> | undefined {
  const errors: Record<string, Message> = {};
  if (!PHONE.test(input.phone.trim())) errors.phone = message("registration.field.phoneInvalid");
  if (input.kind === "enterprise") {
    if (!input.name.trim() || input.name.trim().length > 100) errors.name = message("registration.field.nameInvalid");
    const code = input.code.trim().toUpperCase();
    if (code.length !== 18) errors.code = message("registration.field.codeLength");
    else if (!isValidCreditCode(code)) errors.code = message("registration.field.codeCheckDigit");
  } else if (!isPlausibleWechatId(input.wxuser.trim())) {
    errors.wxuser = message("registration.field.wxuserInvalid");
  }
  return Object.keys(errors).length > 0 ? errors : undefined;
}

function entityOf(input: StartInput): { entityKey: string; fields: RegistrationFields } {
  if (input.kind === "enterprise") {
    const code = input.code.trim().toUpperCase();
    return { entityKey: code, fields: { name: input.name.trim(), code, phone: input.phone.trim() } };
  }
  return {
    entityKey: input.wxuser.trim().toLowerCase(),
    fields: { wxuser: input.wxuser.trim(), phone: input.phone.trim() },
  };
}

/** How a WeChat error is told to people: its explanation (registration.errcodes.*), or "unavailable" without an answer. */
export function wechatErrorMessage(error: unknown): Message {
  if (error instanceof WechatApiError) return errcodeMessage(error.errcode);
  return message("registration.start.unavailable");
}

/**
 * Starts a registration: refused when the entity already has a running task here (WeChat would answer 89249) or
 * the merchant's daily limit is reached. The task row is reserved first (a unique index on the running entity), so
 * two clicks cannot both reach WeChat; a WeChat error releases it and is explained.
 */
export async function startRegistration(
  platform: Platform,
  principal: { merchantId: string; userId: string | null },
  input: StartInput,
): Promise<StartResult> {
  const fieldErrors = checkStartInput(input);
  if (fieldErrors) return { ok: false, message: message("registration.start.invalid"), fieldErrors };
  const { db } = platform.database;
  const { entityKey, fields } = entityOf(input);
  await expireOverdue(platform);

  const [running] = await db
    .select({ id: registrationTasks.id, merchantId: registrationTasks.merchantId })
    .from(registrationTasks)
    .where(
      and(
        eq(registrationTasks.kind, input.kind),
        eq(registrationTasks.entityKey, entityKey),
        eq(registrationTasks.status, "waiting"),
      ),
    );
  if (running) return { ok: false, message: message("registration.start.running") };

  const allowed = await takeRateLimit(db, REGISTRATION_START_LIMIT, principal.merchantId);
  if (!allowed.ok) return { ok: false, message: message("registration.start.dailyLimit") };

  const reserved = rowsOf<{ id: string }>(
    await db.execute(sql`
      insert into registration_tasks (merchant_id, user_id, kind, entity_key, fields, expires_at)
      values (${principal.merchantId}, ${principal.userId}, ${input.kind}, ${entityKey}, ${JSON.stringify(fields)}::jsonb,
              now() + make_interval(secs => ${TASK_TTL_SECONDS}))
      on conflict do nothing
      returning id`),
  );
  const id = reserved[0]?.id;
  if (!id) return { ok: false, message: message("registration.start.running") };

  let task: FastRegisterTask;
  try {
    task =
      input.kind === "enterprise"
        ? await createEnterpriseTask(platform.client.core, {
            name: fields.name!,
            code: fields.code!,
            phone: fields.phone!,
          })
        : await createPersonalTask(platform.client.core, { wxuser: fields.wxuser!, phone: fields.phone! });
  } catch (error) {
    await db.delete(registrationTasks).where(eq(registrationTasks.id, id));
    log.warn("fast registration not started", { kind: input.kind, error: describeError(error) });
    return { ok: false, message: wechatErrorMessage(error) };
  }
  await db
    .update(registrationTasks)
    .set({
      taskId: task.taskId,
      authorizeUrl: task.authorizeUrl,
      wechatStatus: task.status,
      nextPollAt: sql`now() + make_interval(secs => ${POLL_FIRST_SECONDS})`,
      updatedAt: sql`now()`,
    })
    .where(eq(registrationTasks.id, id));
  return { ok: true, id };
}

type TaskRow = typeof registrationTasks.$inferSelect;

/** Waiting tasks past their 24 hours (plus a minute for WeChat's own clock) end as expired. */
export async function expireOverdue(platform: Platform): Promise<void> {
  await platform.database.db
    .update(registrationTasks)
    .set({ status: "expired", finishedAt: sql`now()`, updatedAt: sql`now()` })
    .where(
      and(eq(registrationTasks.status, "waiting"), lt(registrationTasks.expiresAt, sql`now() - interval '1 minute'`)),
    );
}

/**
 * Ends a task as WeChat reported (a query or a push). Only a waiting task changes; success needs the appid, which
 * only the push carries (attachRegisteredApp).
 */
async function finish(
  platform: Platform,
  id: string,
  phase: Exclude<TaskPhase, "waiting" | "succeeded">,
  set: Partial<TaskRow> = {},
) {
  await platform.database.db
    .update(registrationTasks)
    .set({
      ...set,
      status: phase,
      finishedAt: sql`now()`,
      updatedAt: sql`now()`,
      pollLeaseOwner: null,
      pollLeaseUntil: null,
    })
    .where(and(eq(registrationTasks.id, id), eq(registrationTasks.status, "waiting")));
}

/**
 * The new mini program of a task: its code exchanged once through the shared exchange-once path (the `authorized`
 * push may bring the same code, in either order), then attached to the merchant who started the task.
 */
export async function attachRegisteredApp(
  platform: Platform,
  task: Pick<TaskRow, "id" | "merchantId">,
  input: { appId: string | null; authCode: string | null; version: number },
): Promise<"attached" | "conflict" | "no_code"> {
  let appId = input.appId;
  if (input.authCode) {
    const grant = await applyAuthorizationCode(platform, {
      code: input.authCode,
      merchantId: task.merchantId,
      version: input.version,
      source: "authorized",
      sessionState: null,
    });
    appId = grant.appId;
  }
  if (!appId) return "no_code";
  const binding = await bindMerchant(platform.database.db, appId, task.merchantId);
  await platform.database.db
    .update(registrationTasks)
    .set({
      status: "succeeded",
      appId,
      finishedAt: sql`coalesce(${registrationTasks.finishedAt}, now())`,
      updatedAt: sql`now()`,
      pollLeaseOwner: null,
      pollLeaseUntil: null,
    })
    .where(
      and(
        eq(registrationTasks.id, task.id),
        or(
          eq(registrationTasks.status, "waiting"),
          eq(registrationTasks.status, "expired"),
          eq(registrationTasks.status, "failed"),
        ),
      ),
    );
  return binding === "conflict" ? "conflict" : "attached";
}

// --- following the status ------------------------------------------------------------------------

/** Asks WeChat for one claimed task's status and applies it (fenced by the claim). */
async function checkClaimed(platform: Platform, task: TaskRow, owner: string): Promise<void> {
  const { db } = platform.database;
  const fenced = and(
    eq(registrationTasks.id, task.id),
    eq(registrationTasks.pollLeaseOwner, owner),
    eq(registrationTasks.status, "waiting"),
  );
  let answer: FastRegisterTask;
  try {
    answer =
      task.kind === "enterprise"
        ? await queryEnterpriseTask(platform.client.core, task.taskId!)
        : await queryPersonalTask(platform.client.core, task.taskId!);
  } catch (error) {
    const errcode = error instanceof WechatApiError ? error.errcode : null;
    await db
      .update(registrationTasks)
      .set({
        lastError: { errcode, errmsg: describeError(error).slice(0, 200), at: new Date().toISOString() },
        nextPollAt: sql`now() + make_interval(secs => ${POLL_MAX_SECONDS})`,
        pollLeaseOwner: null,
        pollLeaseUntil: null,
        updatedAt: sql`now()`,
      })
      .where(fenced);
    // 89250: WeChat no longer knows the task.
    if (errcode === 89250) await finish(platform, task.id, "failed");
    return;
  }
  const status = answer.status;
  const phase = status === null ? "waiting" : taskPhase(task.kind === "personal" ? "personal" : "enterprise", status);
  const age = (Date.now() - task.createdAt.getTime()) / 1000;
  const next = Math.min(POLL_MAX_SECONDS, Math.max(POLL_FIRST_SECONDS, Math.round(age / 10)));
  await db
    .update(registrationTasks)
    .set({
      wechatStatus: status,
      authorizeUrl: answer.authorizeUrl ?? task.authorizeUrl,
      lastError: null,
      nextPollAt: sql`now() + make_interval(secs => ${next})`,
      pollLeaseOwner: null,
      pollLeaseUntil: null,
      updatedAt: sql`now()`,
    })
    .where(fenced);
  // Success waits for the push (it alone carries the appid and auth_code).
  if (phase === "failed" || phase === "expired") await finish(platform, task.id, phase);
}

function claimSql(owner: string, limit: number, onlyId?: string) {
  return sql`
    update registration_tasks set poll_lease_owner = ${owner}, poll_lease_until = now() + make_interval(secs => ${LEASE_SECONDS})
    where id in (
      select id from registration_tasks
      where status = 'waiting' and task_id is not null
        and (poll_lease_until is null or poll_lease_until < now())
        and ${onlyId ? sql`id = ${onlyId} and updated_at < now() - make_interval(secs => ${ON_DEMAND_MIN_SECONDS})` : sql`next_poll_at <= now()`}
      order by next_poll_at
      limit ${limit}
      for update skip locked
    )
    returning *`;
}

function toRow(r: Record<string, unknown>): TaskRow {
  const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));
  return {
    id: r.id as string,
    merchantId: r.merchant_id as string,
    userId: (r.user_id as string | null) ?? null,
    kind: r.kind as RegistrationKind,
    entityKey: r.entity_key as string,
    fields: r.fields as RegistrationFields,
    taskId: (r.task_id as string | null) ?? null,
    authorizeUrl: (r.authorize_url as string | null) ?? null,
    status: r.status as TaskRow["status"],
    wechatStatus: (r.wechat_status as number | null) ?? null,
    pushStatus: (r.push_status as number | null) ?? null,
    appId: (r.app_id as string | null) ?? null,
    expiresAt: date(r.expires_at)!,
    nextPollAt: date(r.next_poll_at),
    pollLeaseOwner: (r.poll_lease_owner as string | null) ?? null,
    pollLeaseUntil: date(r.poll_lease_until),
    lastError: (r.last_error as TaskRow["lastError"]) ?? null,
    finishedAt: date(r.finished_at),
    createdAt: date(r.created_at)!,
    updatedAt: date(r.updated_at)!,
  };
}

/** The background poller: every instance runs it; leases give each due task to one of them. */
export function createRegistrationPoller(platform: Platform): LeasedWorker {
  const owner = `registration:${randomBytes(6).toString("hex")}`;
  return createLeasedWorker<TaskRow>({
    name: "registration poller",
    concurrency: 2,
    pollIntervalMs: 15_000,
    claim: async (limit) => {
      await expireOverdue(platform);
      return rowsOf<Record<string, unknown>>(await platform.database.db.execute(claimSql(owner, limit))).map(toRow);
    },
    run: (task) => checkClaimed(platform, task, owner),
    release: async (items) => {
      for (const t of items) {
        await platform.database.db
          .update(registrationTasks)
          .set({ pollLeaseOwner: null, pollLeaseUntil: null })
          .where(and(eq(registrationTasks.id, t.id), eq(registrationTasks.pollLeaseOwner, owner)));
      }
    },
  });
}

/**
 * A check now, for the task page (live status): claims the task through the same lease as the poller, and not more
 * often than every few seconds, so a page refreshed in a loop or open twice asks WeChat at most once at a time.
 */
export async function checkRegistrationNow(platform: Platform, id: string): Promise<boolean> {
  await expireOverdue(platform);
  const owner = `registration:page:${randomBytes(6).toString("hex")}`;
  const [task] = rowsOf<Record<string, unknown>>(await platform.database.db.execute(claimSql(owner, 1, id))).map(toRow);
  if (!task) return false;
  await checkClaimed(platform, task, owner);
  return true;
}

/** Everything due now, in this process (tests, scripts). */
export async function pollRegistrationsOnce(platform: Platform): Promise<number> {
  const owner = `registration:once:${randomBytes(6).toString("hex")}`;
  await expireOverdue(platform);
  const claimed = rowsOf<Record<string, unknown>>(await platform.database.db.execute(claimSql(owner, 50))).map(toRow);
  for (const task of claimed) await checkClaimed(platform, task, owner);
  return claimed.length;
}

/** Staff cancel a waiting task: we stop following it (WeChat's side cannot be cancelled). */
export async function cancelRegistration(platform: Platform, id: string): Promise<TaskRow | undefined> {
  return cancelWaitingTask(platform.database.db, id);
}

/** Marks a task cancelled if it is still waiting (on `db` or inside the caller's transaction); the row, or undefined. */
export async function cancelWaitingTask(db: Pick<Db, "update">, id: string): Promise<TaskRow | undefined> {
  const [row] = await db
    .update(registrationTasks)
    .set({
      status: "cancelled",
      finishedAt: sql`now()`,
      updatedAt: sql`now()`,
      pollLeaseOwner: null,
      pollLeaseUntil: null,
    })
    .where(and(eq(registrationTasks.id, id), eq(registrationTasks.status, "waiting")))
    .returning();
  return row;
}

/** Makes a waiting task due now (tests; and after a push that did not settle it). */
export async function makeDue(platform: Platform, id: string): Promise<void> {
  await platform.database.db
    .update(registrationTasks)
    .set({ nextPollAt: sql`now() - interval '1 second'`, updatedAt: sql`now() - interval '1 minute'` })
    .where(and(eq(registrationTasks.id, id), isNull(registrationTasks.pollLeaseOwner)));
}

export { finish as finishRegistration };
