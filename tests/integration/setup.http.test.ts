import { createServer, type Server } from "node:http";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createMerchant } from "../support/portal";
import { findSetupAccount, mergeSetupSnapshot, saveMerchantPrivacyContacts } from "@/db/queries/setup";
import { authorizers } from "@/db/schema";
import { processPendingComponentEvents } from "@/lib/authorization/events";
import { parseEnv } from "@/lib/env";
import { processPendingAuthorizerMessages } from "@/lib/messages/release-test-reply";
import { createPlatform, type Platform } from "@/lib/platform";
import { findSubmitBlocker } from "@/lib/releases/submit-gates";
import { diffDomains } from "@/lib/setup/checklist";
import { applySetupProfile, refreshSetupState } from "@/lib/setup/service";
import { applyInBatch, changePlatformDomains, saveProfile } from "@/lib/setup/staff";
import { bindTester, listTesters, unbindTester } from "@/lib/setup/testers";
import { WechatApiError } from "@/lib/wechat/errors";
import { createSetupApi, emptyDomains } from "@/lib/wechat/setup";
import { freePort, TEST_SECRETS } from "../support/app-server";
import { openTestDatabase, type TestDatabase } from "../support/database";

// Mini program setup over real HTTP: a node:http server in this process serves the sandbox's route table (what
// app/sandbox/[...path] serves) and the portal's two push URLs, so the platform's client, WeChat's pushes and the
// portal's receivers all cross a socket, without a `next build`. One database and one server for the file; the
// tests build on each other in order (registry → profile → accounts → events).

const emptyDomainsSchema = z.looseObject({});
const ACTOR = { userId: null, email: "system" } as const;
const PROFILE_FORM = {
  requestdomain: "https://api.shop.example.com\nhttps://img.shop.example.com",
  wsrequestdomain: "wss://ws.shop.example.com",
  uploaddomain: "https://api.shop.example.com",
  downloaddomain: "https://img.shop.example.com",
  udpdomain: "",
  tcpdomain: "",
  webviewdomain: "https://h5.shop.example.com",
  noticeMethod: "弹窗",
  storeExpire: "30天",
  privacy: "UserInfo: 登录后展示头像昵称\nLocation: 推荐附近门店\nPhoneNumber: 联系配送",
};

describe("mini program setup against the sandbox over HTTP", () => {
  let database: TestDatabase;
  let server: Server;
  let platform: Platform;
  let merchantId: string;
  const accounts: string[] = [];

  async function drainEvents() {
    for (let i = 0; i < 5; i++) {
      const n = (await processPendingComponentEvents(platform)) + (await processPendingAuthorizerMessages(platform));
      if (n === 0) return;
    }
  }
  async function drainBatches() {
    for (let i = 0; i < 10; i++) await platform.batches.worker.runPass();
  }
  const sandbox = () => platform.sandbox!;
  /** WeChat pushes a setup event through the sandbox, and the portal takes it (it is applied at the next drain). */
  const expectDelivered = async (event: Parameters<NonNullable<Platform["sandbox"]>["pushSetupEvent"]>[0]) =>
    expect((await sandbox().pushSetupEvent(event)).delivered).toBe(true);
  const api = () => createSetupApi(platform.client.core);
  const token = async (appId: string) => (await platform.authorizerTokens.getToken(appId)).accessToken;
  const errcodeOf = async (p: Promise<unknown>) => {
    try {
      await p;
      return 0;
    } catch (error) {
      if (error instanceof WechatApiError) return error.errcode;
      throw error;
    }
  };
  const calls = async (name: string) => ((await sandbox().getState()).calls as Record<string, number>)[name] ?? 0;

  /** A mini program authorized through WeChat's push, as in production (set 18 and 30 unless told). */
  async function authorizeMiniProgram(funcIds = [17, 18, 19, 30, 31]) {
    const granted = await sandbox().authorize({ kind: "mini_program", funcIds });
    expect(granted.delivered).toBe(true);
    await drainEvents();
    await database.db.update(authorizers).set({ merchantId }).where(eq(authorizers.appId, granted.appId));
    return granted.appId;
  }

  beforeAll(async () => {
    database = await openTestDatabase();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    platform = createPlatform(
      parseEnv({ ...TEST_SECRETS, APP_URL: url, WECHAT_SANDBOX: "1", NODE_ENV: "test" }),
      database,
    );
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        void (async () => {
          const u = new URL(req.url ?? "/", url);
          const body = Buffer.concat(chunks).toString("utf8");
          const message = /^\/api\/wechat\/authorizers\/([^/]+)\/events$/.exec(u.pathname);
          let status = 404;
          let text = "";
          let type = "text/plain";
          if (u.pathname.startsWith("/sandbox/")) {
            const r = await platform.sandbox!.handleRequest({
              method: req.method ?? "GET",
              path: u.pathname.slice(8),
              query: u.searchParams,
              bodyText: body,
            });
            status = r.status;
            text = "json" in r ? JSON.stringify(r.json) : "";
            type = "application/json";
          } else if (u.pathname === "/api/wechat/component/events") {
            ({ status, body: text } = await platform.componentPushes.receive(u.searchParams, body));
          } else if (message) {
            ({ status, body: text } = await platform.authorizerMessages.receive(message[1]!, u.searchParams, body));
          }
          res.writeHead(status, { "content-type": type }).end(text);
        })().catch((error: unknown) => res.writeHead(500).end(String(error)));
      });
    });
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    expect((await sandbox().pushTicket()).delivered).toBe(true);
    merchantId = (await createMerchant(database, "SetupShop")).merchantId;
  }, 60_000);

  afterAll(async () => {
    await platform?.batches.worker.stop();
    await new Promise((resolve) => server?.close(resolve));
    await database?.drop();
  });

  it("platform domains: registered through the component API, audited; an authorizer token is refused (48001)", async () => {
    const server = await changePlatformDomains(platform, ACTOR, {
      registry: "server",
      action: "add",
      hosts: ["api.shop.example.com", "img.shop.example.com", "ws.shop.example.com"],
    });
    expect(server.ok).toBe(true);
    const jump = await changePlatformDomains(platform, ACTOR, {
      registry: "jump",
      action: "add",
      hosts: ["shop.example.com", "noconfirm-h5.example.org"],
    });
    // The confirm file is not served on one of them: WeChat lists it as invalid, the portal says so.
    expect(jump).toMatchObject({ ok: false, message: { key: "setup.platform.invalid" } });
    expect(
      await changePlatformDomains(platform, ACTOR, { registry: "server", action: "add", hosts: ["https://bad"] }),
    ).toMatchObject({ ok: false, message: { key: "setup.platform.badHost" } });
    const registry = await api().getComponentServerDomains();
    expect(registry.testing).toEqual(["api.shop.example.com", "img.shop.example.com", "ws.shop.example.com"]);
    expect((await api().getComponentJumpDomains()).testing).toEqual(["shop.example.com"]);
    expect((await api().getDomainConfirmFile()).fileName).toMatch(/\.txt$/);

    const appId = await authorizeMiniProgram();
    accounts.push(appId);
    const wrongToken = await fetch(
      `${platform.env.apiBase}/cgi-bin/component/modify_wxa_server_domain?access_token=${await token(appId)}`,
      {
        method: "POST",
        body: JSON.stringify({ action: "get" }),
      },
    );
    expect(((await wrongToken.json()) as { errcode: number }).errcode).toBe(48001);
  });

  it("the profile's limits are checked before saving or calling: format, counts, platform registration, monthly changes", async () => {
    const bad = await saveProfile(platform, ACTOR, {
      ...PROFILE_FORM,
      requestdomain: "http://api.shop.example.com\nhttps://1.2.3.4\nhttps://other.example.net",
      webviewdomain: "https://h5.shop.example.com:8443",
    });
    expect(bad.ok).toBe(false);
    const keys = (bad as { problems: { key: string }[] }).problems.map((p) => p.key);
    expect(keys).toEqual([
      "setup.limits.badScheme",
      "setup.limits.ip",
      "setup.limits.notRegistered",
      "setup.limits.badWebview",
    ]);
    const many = Array.from({ length: 201 }, (_, i) => `https://d${i}.api.shop.example.com`).join("\n");
    expect(
      (
        (await saveProfile(platform, ACTOR, { ...PROFILE_FORM, requestdomain: many })) as {
          problems: { key: string }[];
        }
      ).problems[0]?.key,
    ).toBe("setup.limits.tooMany");
    expect(await saveProfile(platform, ACTOR, PROFILE_FORM)).toMatchObject({ ok: true });

    // 50 changes this month already: refused by the portal, WeChat never asked.
    const appId = accounts[0]!;
    await mergeSetupSnapshot(database.db, appId, {
      applies: { month: new Date().toISOString().slice(0, 7), count: 50 },
    });
    const before = await calls("wxa/modify_domain_directly");
    expect(await applySetupProfile(platform, appId)).toMatchObject({
      ok: false,
      problems: [{ key: "setup.limits.monthly" }],
    });
    expect(await calls("wxa/modify_domain_directly")).toBe(before);
    await mergeSetupSnapshot(database.db, appId, { applies: { month: "2000-01", count: 0 } });
  });

  it("each setup endpoint's errors, as the sandbox answers them from protocol 12", async () => {
    const appId = accounts[0]!;
    const t = await token(appId);
    const d = (over: Partial<ReturnType<typeof emptyDomains>>) => ({ ...emptyDomains(), ...over });
    const set = (domains: ReturnType<typeof emptyDomains>) => api().setServerDomainsDirectly(t, domains);
    expect(await errcodeOf(set(d({ requestdomain: ["https://shop.noicp-x.example.com"] })))).toBe(45082);
    expect(await errcodeOf(set(d({ requestdomain: ["https://api.weixin.qq.com"] })))).toBe(86101);
    expect(await errcodeOf(set(d({ requestdomain: ["wss://api.shop.example.com"] })))).toBe(86100);
    // 方式一 needs the platform's registration (85018) and a change (85017).
    const modify = (body: object) =>
      platform.client.core.request(
        { name: "wxa/modify_domain", path: "/wxa/modify_domain", repeatable: false },
        { body, credential: { param: "access_token", value: t } },
        emptyDomainsSchema,
      );
    expect(await errcodeOf(modify({ action: "add", ...d({ requestdomain: ["https://other.example.net"] }) }))).toBe(
      85018,
    );
    expect(await errcodeOf(modify({ action: "add", ...d({ requestdomain: ["https://api.shop.example.com"] }) }))).toBe(
      0,
    );
    expect(await errcodeOf(modify({ action: "add", ...d({ requestdomain: ["https://api.shop.example.com"] }) }))).toBe(
      85017,
    );
    expect(
      await errcodeOf(set(d({ requestdomain: Array.from({ length: 201 }, (_, i) => `https://d${i}.example.com`) }))),
    ).toBe(85016);
    // Business domains, 方式一.
    const web = (body: object) =>
      platform.client.core.request(
        { name: "wxa/setwebviewdomain", path: "/wxa/setwebviewdomain", repeatable: false },
        { body, credential: { param: "access_token", value: t } },
        emptyDomainsSchema,
      );
    expect(await errcodeOf(web({ action: "add", webviewdomain: ["https://h5.other.net"] }))).toBe(89021);
    expect(await errcodeOf(web({ action: "add", webviewdomain: ["https://m.shop.example.com"] }))).toBe(0);
    expect(await errcodeOf(web({ action: "add", webviewdomain: ["https://m.shop.example.com"] }))).toBe(89019);
    expect(await errcodeOf(web({ action: "delete", webviewdomain: ["https://x.shop.example.com"] }))).toBe(89022);
    expect(await errcodeOf(api().setWebviewDomainsDirectly(t, ["https://noconfirm-a.example.com"]))).toBe(86103);
    // Privacy.
    const owner = { notice_method: "弹窗", contact_email: "dev@example.com" };
    const privacy = (o: object) =>
      api().setPrivacySetting(t, {
        owner: o as typeof owner,
        settings: [{ privacy_key: "UserInfo", privacy_text: "登录" }],
      });
    expect(await errcodeOf(privacy({ notice_method: "弹窗" }))).toBe(86069);
    expect(await errcodeOf(privacy({ contact_email: "dev@example.com" }))).toBe(86070);
    expect(await errcodeOf(privacy({ ...owner, store_expire_timestamp: "30 days" }))).toBe(86072);
    const live = (body: object) =>
      platform.client.core.request(
        { name: "setprivacysetting", path: "/cgi-bin/component/setprivacysetting", repeatable: true },
        { body, credential: { param: "access_token", value: t } },
        emptyDomainsSchema,
      );
    expect(await errcodeOf(live({ privacy_ver: 1, owner_setting: owner }))).toBe(86074);
    // Testers.
    expect(await errcodeOf(api().bindTester(t, "nobody_here"))).toBe(85001);
    expect(await errcodeOf(api().bindTester(t, "busy_person"))).toBe(85003);
    const { userstr } = await api().bindTester(t, "tester_one");
    expect(await errcodeOf(api().bindTester(t, "tester_one"))).toBe(85004);
    expect(await api().listTesters(t)).toEqual([userstr]);
    await api().unbindTester(t, { userstr });
    // Categories.
    expect(await errcodeOf(api().addCategory(t, 1, 39))).toBe(53303);
    expect(await errcodeOf(api().addCategory(t, 8, 39))).toBe(53311);
    await api().addCategory(t, 1, 2);
    expect(await errcodeOf(api().addCategory(t, 1, 2))).toBe(53304);
    expect((await api().getAllCategories(t)).find((c) => c.id === 0)?.children).toEqual([1, 8, 100, 304]);
    // No set 30: the category API is not the platform's (61007); a component token on an account API: 48001.
    const noBasicSet = await authorizeMiniProgram([17, 18]);
    expect(await errcodeOf(api().getCategories(await token(noBasicSet)))).toBe(61007);
    const componentToken = await platform.componentToken.getToken();
    const wrong = await fetch(`${platform.env.apiBase}/wxa/get_effective_domain?access_token=${componentToken}`, {
      method: "POST",
      body: "{}",
    });
    expect(((await wrong.json()) as { errcode: number }).errcode).toBe(48001);
  });

  it("applies the profile after authorization and in batch; intended vs effective: set now, effective after release", async () => {
    accounts.push(await authorizeMiniProgram(), await authorizeMiniProgram());
    // The authorizations started one-account batches (grant hook); a staff batch covers all three.
    await drainBatches();
    const started = await applyInBatch(
      platform,
      { userId: (await createMerchant(database, "Staffish")).userId, email: "staff@example.com" },
      accounts,
    );
    expect(started).toMatchObject({ ok: true, message: { key: "setup.batch.started", values: { count: 3 } } });
    await drainBatches();
    for (const appId of accounts) {
      const row = (await findSetupAccount(database.db, appId))!;
      const diff = diffDomains(row.applied!, row.snapshot.domains!);
      expect(diff.missing).toEqual([]);
      expect(diff.effective).toEqual([]);
      expect(diff.awaitingRelease.map((e) => e.domain)).toContain("https://api.shop.example.com");
      expect(row.checklist.find((i) => i.id === "domains")).toMatchObject({
        state: "pending",
        detail: { key: "setup.detail.domainsAwaiting" },
      });
    }
    for (const appId of accounts) {
      await sandbox().releaseSetup(appId);
      await refreshSetupState(platform, appId);
      const row = (await findSetupAccount(database.db, appId))!;
      const diff = diffDomains(row.applied!, row.snapshot.domains!);
      expect({ missing: diff.missing, awaiting: diff.awaitingRelease }).toEqual({ missing: [], awaiting: [] });
      expect(diff.effective).toHaveLength(6);
      expect(row.checklist.find((i) => i.id === "domains")?.state).toBe("done");
    }
  });

  it("events turn checklist items from open to done, on either URL for the ICP events; the submit gate follows", async () => {
    const appId = accounts[1]!;
    const item = async (id: string) =>
      (await findSetupAccount(database.db, appId))!.checklist.find((i) => i.id === id)!;
    expect(await item("filing")).toMatchObject({ state: "open", blocking: true });
    expect((await findSubmitBlocker(platform, appId))?.key).toMatch(/^setup\.gate\./);

    await expectDelivered({ event: "notify_3rd_wxa_wxverify", appId, expiresInDays: 30 });
    await drainEvents();
    expect(await item("verification")).toMatchObject({
      state: "warning",
      detail: { key: "setup.detail.verifyExpiring" },
    });

    await expectDelivered({ event: "notify_apply_icpfiling_result", appId, beianStatus: 4, channel: "message" });
    await drainEvents();
    expect(await item("filing")).toMatchObject({ state: "pending" });
    await expectDelivered({ event: "notify_apply_icpfiling_result", appId, beianStatus: 6, channel: "component" });
    await drainEvents();
    expect(await item("filing")).toMatchObject({ state: "done" });

    // Privacy: the merchant's contacts, then the profile's purposes cover the keys the code uses.
    expect(await item("privacy")).toMatchObject({ state: "open", detail: { key: "setup.detail.noContacts" } });
    await saveMerchantPrivacyContacts(database.db, merchantId, appId, {
      contactEmail: "privacy@shop.example.com",
      contactPhone: null,
      contactQq: null,
      contactWeixin: null,
    });
    expect(await applySetupProfile(platform, appId)).toEqual({ ok: true, privacyApplied: true });
    expect(await item("privacy")).toMatchObject({ state: "done" });

    // Category: one needing review, decided by WeChat and pushed.
    const t = await token(appId);
    await platform.client.core.request(
      { name: "wxa/addcategory", path: "/cgi-bin/wxopen/addcategory", repeatable: false },
      {
        body: { categories: [{ first: 8, second: 39, certicates: [{ key: "许可证", value: "media" }] }] },
        credential: { param: "access_token", value: t },
      },
      emptyDomainsSchema,
    );
    await refreshSetupState(platform, appId);
    expect(await item("category")).toMatchObject({ state: "pending" });
    await expectDelivered({ event: "wxa_category_audit", appId, first: 8, second: 39, passed: true });
    await expectDelivered({ event: "wxa_privacy_apply", appId, passed: true });
    await drainEvents();
    expect(await item("category")).toMatchObject({ state: "done" });
    expect((await findSetupAccount(database.db, appId))!.snapshot.events?.privacyApply).toMatchObject({
      apiName: "wx.choosePoi",
      status: 3,
    });
    expect(await item("name")).toMatchObject({ state: "done" });
    expect(await findSubmitBlocker(platform, appId)).toBeNull();

    // A lapsed verification blocks again.
    await expectDelivered({ event: "notify_3rd_wxa_wxverify", appId, expiresInDays: -1 });
    await drainEvents();
    expect(await findSubmitBlocker(platform, appId)).toEqual({ key: "setup.gate.verification" });
  });

  it("testers: bound by WeChat ID, listed with the IDs the portal knows, unbound; only the owning merchant", async () => {
    const appId = accounts[2]!;
    expect(await bindTester(platform, merchantId, appId, "x")).toMatchObject({
      ok: false,
      message: { key: "setup.testers.badId" },
    });
    expect(await bindTester(platform, merchantId, appId, "alice_wx")).toEqual({ ok: true });
    expect(await bindTester(platform, merchantId, appId, "alice_wx")).toMatchObject({
      ok: false,
      message: { key: "setup.errors.e85004" },
    });
    // One bound elsewhere (the mini program's own console): listed without a WeChat ID.
    await api().bindTester(await token(appId), "bob_elsewhere");
    const listed = await listTesters(platform, merchantId, appId);
    expect(listed.ok && listed.testers.map((x) => x.wechatId)).toEqual(["alice_wx", null]);
    const other = (await createMerchant(database, "OtherShop")).merchantId;
    expect(await listTesters(platform, other, appId)).toMatchObject({
      ok: false,
      message: { key: "setup.testers.notYours" },
    });
    expect(await unbindTester(platform, other, appId, "any")).toMatchObject({ ok: false });
    const alice = listed.ok ? listed.testers[0]!.userstr : "";
    expect(await unbindTester(platform, merchantId, appId, alice)).toEqual({ ok: true });
    const after = await listTesters(platform, merchantId, appId);
    expect(after.ok && after.testers.map((x) => x.wechatId)).toEqual([null]);
  });
});
