import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { authorizers, registrationPushes, registrationTasks } from "@/db/schema";
import { processPendingComponentEvents } from "@/lib/authorization/events";
import { makeDue, pollRegistrationsOnce, startRegistration, type StartInput } from "@/lib/registration/tasks";
import { WechatApiError } from "@/lib/wechat/errors";
import {
  createEnterpriseTask,
  createLegacyEnterpriseTask,
  createPersonalTask,
  isValidCreditCode,
  queryEnterpriseTask,
  registerWithTicket,
  withCreditCodeCheck,
} from "@/lib/wechat/fastregister";
import type { WechatXmlFields } from "@/lib/wechat/xml";
import { createMerchant, deliver, sandboxCalls, sandboxControl } from "../support/portal";
import { withTestPortal } from "../support/with-app-server";

// Fast registration (docs/registration.md) in the portal, against the sandbox over HTTP: start → the confirming
// person's answer on the authorize_url page → the query by taskid and the pushes (delivered here in the order each
// test wants) → the new mini program attached to the merchant who started the task, or to nobody.

const MP_FUNC_IDS = [17, 18, 25, 30, 40];
let serial = 0;
/** A valid unified social credit code, different each call. */
const newCode = () => withCreditCodeCheck(`91310000MA1K${String(++serial).padStart(5, "0")}`);

interface Decided {
  ok: boolean;
  status: number;
  appId: string | null;
  pushes: WechatXmlFields[];
}

describe("fast registration", () => {
  const { app, database, portal } = withTestPortal({ BACKGROUND_JOBS: "0" });

  const merchant = async (name = "Shop") => {
    const m = await createMerchant(database, name);
    return { merchantId: m.merchantId, userId: m.userId };
  };
  const enterprise = (code = newCode(), name = "上海晨光餐饮管理有限公司"): StartInput => ({
    kind: "enterprise",
    name,
    code,
    phone: "021-55550000",
  });
  const task = async (id: string) =>
    (await database.db.select().from(registrationTasks).where(eq(registrationTasks.id, id)))[0]!;
  const started = async (m: { merchantId: string; userId: string }, input: StartInput) => {
    const result = await startRegistration(portal, m, input);
    if (!result.ok) throw new Error(`not started: ${JSON.stringify(result)}`);
    return task(result.id);
  };
  const decide = (taskid: string, decision: string, infoTaskId?: boolean) =>
    sandboxControl<Decided>(app, "fastregister-decide", { taskid, decision, deliver: false, infoTaskId });
  const push = async (fields: WechatXmlFields) => {
    expect((await deliver(portal, fields as Record<string, string>)).body).toBe("success");
    await processPendingComponentEvents(portal);
  };
  const poll = async (id: string) => {
    await makeDue(portal, id);
    await pollRegistrationsOnce(portal);
    return task(id);
  };
  const account = async (appId: string) =>
    (await database.db.select().from(authorizers).where(eq(authorizers.appId, appId)))[0];

  it("checks the credit code and the WeChat ID before calling WeChat", async () => {
    const before = (await sandboxCalls(app))["wxa/component/fastregisterenterpriseweapp"] ?? 0;
    const m = await merchant();
    const short = await startRegistration(portal, m, enterprise("91310000MA1K0000"));
    expect(short).toMatchObject({ ok: false, fieldErrors: { code: { key: "registration.field.codeLength" } } });
    const code = newCode();
    const wrongCheck = code.slice(0, 17) + (code[17] === "0" ? "1" : "0");
    expect(isValidCreditCode(wrongCheck)).toBe(false);
    expect(await startRegistration(portal, m, enterprise(wrongCheck))).toMatchObject({
      fieldErrors: { code: { key: "registration.field.codeCheckDigit" } },
    });
    expect(
      await startRegistration(portal, m, { kind: "personal", wxuser: "1abc", phone: "13800000000" }),
    ).toMatchObject({
      fieldErrors: { wxuser: { key: "registration.field.wxuserInvalid" } },
    });
    expect((await sandboxCalls(app))["wxa/component/fastregisterenterpriseweapp"] ?? 0).toBe(before);
    expect(await database.db.select().from(registrationTasks)).toHaveLength(0);
  });

  it("enterprise: confirmed → the push before `authorized`, twice: attached once to the merchant, code exchanged once", async () => {
    const m = await merchant();
    const t = await started(m, enterprise());
    expect(t.taskId).toBeTruthy();
    expect(t.authorizeUrl).toContain("/sandbox/fastregister/authorize?");
    expect(t.wechatStatus).toBe(1);
    expect(t.expiresAt.getTime() - Date.now()).toBeGreaterThan(23.9 * 3600_000);
    expect((await poll(t.id)).status).toBe("waiting");

    const exchangesBefore = (await sandboxCalls(app)).api_query_auth ?? 0;
    const decided = await decide(t.taskId!, "confirm", true);
    expect(decided).toMatchObject({ ok: true, status: 12 });
    const [authorized, notify] = decided.pushes as [WechatXmlFields, WechatXmlFields];
    expect(authorized.InfoType).toBe("authorized");
    expect(notify).toMatchObject({ InfoType: "notify_third_fasteregister", status: 0, appid: decided.appId });
    await push(notify);
    await push(notify);
    await push(authorized);

    const done = await task(t.id);
    expect(done).toMatchObject({ status: "succeeded", appId: decided.appId, pushStatus: 0 });
    const mp = await account(decided.appId!);
    expect(mp).toMatchObject({ merchantId: m.merchantId, status: "authorized", kind: "mini_program" });
    expect([...mp!.funcIds].sort((a, b) => a - b)).toEqual(MP_FUNC_IDS);
    // Both pushes carry the same code: exchanged once, whoever came first.
    expect((await sandboxCalls(app)).api_query_auth! - exchangesBefore).toBe(1);
    // The query now says 创建成功 too; nothing changes.
    expect((await poll(t.id)).status).toBe("succeeded");
  });

  it("personal: `authorized` first, the push without taskid bound by the WeChat ID", async () => {
    const m = await merchant();
    const t = await started(m, { kind: "personal", wxuser: "Chenguang_2026", phone: "13800000000" });
    expect(t.wechatStatus).toBe(0);
    const decided = await decide(t.taskId!, "confirm", false);
    const [authorized, notify] = decided.pushes as [WechatXmlFields, WechatXmlFields];
    expect((notify.info as WechatXmlFields).taskid).toBeUndefined();
    await push(authorized);
    // Exchanged by the `authorized` push, owned by nobody yet.
    expect((await account(decided.appId!))?.merchantId).toBeNull();
    await push(notify);
    expect(await task(t.id)).toMatchObject({ status: "succeeded", appId: decided.appId });
    expect((await account(decided.appId!))?.merchantId).toBe(m.merchantId);
  });

  it("refused, face check failed, entity check failed: a clear final status; the entity can start again", async () => {
    const m = await merchant();
    const code = newCode();
    const refused = await started(m, enterprise(code));
    await decide(refused.taskId!, "refuse");
    expect(await poll(refused.id)).toMatchObject({ status: "failed", wechatStatus: 3 });

    const face = await started(m, enterprise(code));
    await decide(face.taskId!, "face_fail");
    expect(await poll(face.id)).toMatchObject({ status: "failed", wechatStatus: 6 });

    const entity = await started(m, enterprise(code));
    const decided = await decide(entity.taskId!, "entity_fail", true);
    await push(decided.pushes[0]!);
    expect(await task(entity.id)).toMatchObject({ status: "failed", pushStatus: 1000 });

    const personal = await started(m, { kind: "personal", wxuser: "xiaoman_flower", phone: "13800000001" });
    await decide(personal.taskId!, "face_fail");
    expect(await poll(personal.id)).toMatchObject({ status: "failed", wechatStatus: 5 });
    // Nothing was attached.
    expect(await database.db.select().from(authorizers)).toHaveLength(0);
  });

  it("expires after 24 hours on the sandbox clock: status 100003 pushed, 2 on query", async () => {
    const m = await merchant();
    const t = await started(m, enterprise());
    const { pushes } = await sandboxControl<{ pushes: WechatXmlFields[] }>(app, "fastregister-age", {
      taskid: t.taskId,
      seconds: 24 * 3600 + 1,
      deliver: false,
    });
    expect(pushes).toHaveLength(1);
    expect(pushes[0]).toMatchObject({ status: 100003 });
    expect((await queryEnterpriseTask(portal.client.core, t.taskId!)).status).toBe(2);
    await push(pushes[0]!);
    expect(await task(t.id)).toMatchObject({ status: "expired", pushStatus: 100003 });
    // The confirmation page no longer accepts an answer.
    expect(await decide(t.taskId!, "confirm")).toMatchObject({ ok: false });
  });

  it("one running task per entity (ours, then WeChat's 89249), a daily limit per merchant", async () => {
    const [a, b] = [await merchant("A"), await merchant("B")];
    const code = newCode();
    await started(a, enterprise(code));
    expect(await startRegistration(portal, b, enterprise(code))).toMatchObject({
      ok: false,
      message: { key: "registration.start.running" },
    });
    // A task WeChat runs for this entity that we did not start (another platform, a lost answer): 89249, explained.
    const foreign = newCode();
    await createEnterpriseTask(portal.client.core, {
      name: "杭州青禾文化传播有限公司",
      code: foreign,
      phone: "0571-0000000",
    });
    expect(await startRegistration(portal, b, enterprise(foreign))).toMatchObject({
      ok: false,
      message: { key: "registration.errcodes.e89249" },
    });
    expect(
      await database.db.select().from(registrationTasks).where(eq(registrationTasks.merchantId, b.merchantId)),
    ).toHaveLength(0);
    // 非在营 (86021), explained; the reservation is released.
    expect(await startRegistration(portal, b, enterprise(newCode(), "某某已注销有限公司"))).toMatchObject({
      message: { key: "registration.errcodes.e86021" },
    });
    for (let i = 0; i < 3; i++) await started(b, enterprise());
    expect(await startRegistration(portal, b, enterprise())).toMatchObject({
      ok: false,
      message: { key: "registration.start.dailyLimit" },
    });
  });

  it("a push for another merchant's task, or for no task, attaches nothing to anyone else", async () => {
    const [a, b] = [await merchant("A"), await merchant("B")];
    const ta = await started(a, enterprise());
    const tb = await started(b, enterprise());
    const decided = await decide(tb.taskId!, "confirm", true);
    const notify = decided.pushes.find((p) => p.InfoType === "notify_third_fasteregister")!;
    await push(notify);
    expect((await task(ta.id)).status).toBe("waiting");
    expect(await task(tb.id)).toMatchObject({ status: "succeeded" });
    expect((await account(decided.appId!))?.merchantId).toBe(b.merchantId);

    // A push naming a task we never started (another platform's, forged by nobody: WeChat signs it) is kept for staff.
    const stray = {
      ...notify,
      CreateTime: Math.floor(Date.now() / 1000) + 1,
      appid: "wx1234567890abcdef",
      auth_code: "queryauthcode@@@unknown",
      info: { ...(notify.info as WechatXmlFields), taskid: "f".repeat(32) },
    };
    await push(stray);
    const strays = await database.db
      .select()
      .from(registrationPushes)
      .where(eq(registrationPushes.appId, "wx1234567890abcdef"));
    expect(strays).toHaveLength(1);
    expect(strays[0]!.registrationId).toBeNull();
    expect(await account("wx1234567890abcdef")).toBeUndefined();
    // Without taskid and with an entity no task of ours has: no task either.
    await push({
      ...stray,
      CreateTime: stray.CreateTime + 1,
      info: { name: "别家公司", code: newCode(), code_type: 1 },
    });
    expect((await database.db.select().from(registrationPushes)).filter((p) => p.registrationId === null)).toHaveLength(
      2,
    );
    expect((await task(ta.id)).status).toBe("waiting");
  });

  it("answers every error of the API: legacy -1, 86030, 89255, 89250, 86032, 91030, -1 for an old-version call", async () => {
    const core = portal.client.core;
    const errcode = (p: Promise<unknown>) =>
      p.then(
        () => 0,
        (e: unknown) => (e instanceof WechatApiError ? e.errcode : String(e)),
      );
    expect(
      await errcode(
        createLegacyEnterpriseTask(core, {
          name: "x",
          code: newCode(),
          code_type: 1,
          legal_persona_wechat: "a",
          legal_persona_name: "b",
        }),
      ),
    ).toBe(-1);
    expect(await errcode(createEnterpriseTask(core, { name: "x", code: newCode(), phone: "" }))).toBe(86030);
    const good = newCode();
    const badCheck = good.slice(0, 17) + (good[17] === "0" ? "1" : "0");
    expect(await errcode(createEnterpriseTask(core, { name: "x", code: badCheck, phone: "021" }))).toBe(89255);
    expect(await errcode(queryEnterpriseTask(core, "0".repeat(32)))).toBe(89250);
    expect(await errcode(createPersonalTask(core, { wxuser: "9nine", phone: "1" }))).toBe(86032);
    const oldVersion = core.requestWithComponentToken(
      { name: "fastregisterenterpriseweapp", path: "/wxa/component/fastregisterenterpriseweapp", repeatable: false },
      { query: { action: "create" }, body: { name: "x", code: newCode(), component_phone: "1" } },
      (await import("zod")).z.looseObject({}),
      "access_token",
    );
    expect(await errcode(oldVersion)).toBe(-1);
    // Five tasks a day per WeChat ID (each refused so the next may start), then 91030.
    for (let i = 0; i < 5; i++) {
      const t = await createPersonalTask(core, { wxuser: "limit_user1", phone: "13800000000" });
      await decide(t.taskId, "refuse");
    }
    expect(await errcode(createPersonalTask(core, { wxuser: "limit_user1", phone: "13800000000" }))).toBe(91030);
  });

  it("reuse of an official account's entity: ticket → appid and code; a ticket works once (61058)", async () => {
    const oa = await sandboxControl<{ appId: string; authCode: string }>(app, "authorize", {
      kind: "official_account",
      funcIds: [1, 15, 27],
    });
    const info = await portal.client.queryAuth(oa.authCode);
    const ticket = await sandboxControl<{ ok: boolean; ticket: string }>(app, "fastregister-ticket", {
      officialAccountAppId: oa.appId,
      componentAppId: portal.env.component.appId,
    });
    expect(ticket.ok).toBe(true);
    const result = await registerWithTicket(portal.client.core, info.accessToken!, ticket.ticket);
    expect(result).toMatchObject({ wxVerified: true, linked: true });
    expect(result.appId).toMatch(/^wx[0-9a-f]{16}$/);
    const mp = await portal.client.queryAuth(result.authorizationCode);
    expect(mp.authorizerAppId).toBe(result.appId);
    await expect(registerWithTicket(portal.client.core, info.accessToken!, ticket.ticket)).rejects.toMatchObject({
      errcode: 61058,
    });
    // An official account without the 快速注册小程序 set (27) gets no ticket.
    const plain = await sandboxControl<{ appId: string }>(app, "authorize", { kind: "official_account", funcIds: [1] });
    expect(
      await sandboxControl(app, "fastregister-ticket", {
        officialAccountAppId: plain.appId,
        componentAppId: portal.env.component.appId,
      }),
    ).toMatchObject({
      ok: false,
      errcode: 61029,
    });
  });
});
