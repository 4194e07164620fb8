import { randomBytes, randomInt } from "node:crypto";
import { desc, eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { sandboxReleaseTests } from "@/db/schema";
import { parseWechatXml } from "@/lib/wechat/xml";
import { RELEASE_TEST_GROUPS, RELEASE_TEST_QUERY_AUTH_CODE_PREFIX, RELEASE_TEST_TEXT } from "@/lib/wechat/release-test";
import type { WechatSandbox } from "./wechat-sandbox";

/**
 * The sandbox playing WeChat's 全网发布 checker (docs/wechat-protocol.md §7.5): push a ticket, authorize a test account (the
 * `authorized` push carries the query_auth_code), then send the official account's three cases and the mini
 * program's API case to the message URL, checking each answer the way WeChat does. A developer runs it from
 * /sandbox/release-test before submitting the platform for release.
 */

export type CheckId = "ticket" | "authorized_oa" | "text" | "api_text" | "event" | "authorized_mp" | "mp_api_text";

export interface ReleaseCheck {
  id: CheckId;
  passed: boolean;
  /** What was seen, in a sentence (shown on the report page). */
  detail: string;
  ms: number;
}

export interface ReleaseTestReport {
  id: number;
  group: number;
  status: "running" | "passed" | "failed";
  checks: ReleaseCheck[];
  startedAt: string;
  finishedAt: string | null;
}

/** WeChat drops the connection after 5 seconds (docs/wechat-protocol.md §1.5). */
const ANSWER_DEADLINE_MS = 5000;
/** How long the checker waits for the API case's customer-service message (docs/wechat-protocol.md §7.5: default 10 s). */
const DEFAULT_CUSTOM_MESSAGE_DEADLINE_MS = 10_000;

// Permission sets a platform requests for the message tests: OA set 1 (消息管理), MP set 19 (小程序客服管理).
const OA_FUNC_IDS = [1, 2, 3, 4, 7, 11, 15];
const MP_FUNC_IDS = [17, 18, 19, 25, 30];

const openId = () => `o${randomBytes(20).toString("base64url").slice(0, 27)}`;
const msgId = () => `${Date.now()}${randomInt(100_000, 999_999)}`;

export async function runReleaseTest(
  deps: { db: Db; sandbox: WechatSandbox },
  opts: { group?: number; customMessageDeadlineMs?: number } = {},
): Promise<ReleaseTestReport> {
  const { db, sandbox } = deps;
  const group =
    RELEASE_TEST_GROUPS.find((g) => g.group === opts.group) ??
    RELEASE_TEST_GROUPS[randomInt(RELEASE_TEST_GROUPS.length)]!;
  const deadlineMs = opts.customMessageDeadlineMs ?? DEFAULT_CUSTOM_MESSAGE_DEADLINE_MS;
  const [run] = await db
    .insert(sandboxReleaseTests)
    .values({ testGroup: group.group })
    .returning({ id: sandboxReleaseTests.id });
  const runId = run!.id;
  const checks: ReleaseCheck[] = [];

  const check = async (id: CheckId, fn: () => Promise<{ passed: boolean; detail: string }>): Promise<boolean> => {
    const started = performance.now();
    let outcome: { passed: boolean; detail: string };
    try {
      outcome = await fn();
    } catch (error) {
      outcome = { passed: false, detail: `checker error: ${(error as Error).message}` };
    }
    checks.push({ id, ...outcome, ms: Math.round(performance.now() - started) });
    await db
      .update(sandboxReleaseTests)
      .set({ checks: checks as unknown as Record<string, unknown>[] })
      .where(eq(sandboxReleaseTests.id, runId));
    return outcome.passed;
  };

  await check("ticket", async () => {
    const { delivered } = await sandbox.pushTicket();
    return {
      passed: delivered,
      detail: delivered ? "ticket answered `success`" : "ticket push not answered `success`",
    };
  });

  // The authorized_oa / authorized_mp case: grants the test account; its authorization code when the push passed.
  const authorizeTestAccount = async (
    id: "authorized_oa" | "authorized_mp",
    account: { appId: string; userName: string },
    kind: "official_account" | "mini_program",
    funcIds: number[],
    nickName: string,
  ): Promise<string | null> => {
    let code = "";
    const authorized = await check(id, async () => {
      const result = await sandbox.authorize({
        appId: account.appId,
        kind,
        funcIds,
        userName: account.userName,
        nickName,
      });
      code = result.authCode;
      return {
        passed: result.delivered,
        detail: result.delivered
          ? `${account.appId} authorized, push answered \`success\``
          : "authorized push not answered `success`",
      };
    });
    return authorized ? code : null;
  };

  const oa = group.officialAccount;
  const oaCode = await authorizeTestAccount(
    "authorized_oa",
    oa,
    "official_account",
    OA_FUNC_IDS,
    `全网发布测试号${group.group}`,
  );
  if (oaCode !== null) {
    const user = openId();
    await check("text", () =>
      expectPassiveReply(
        sandbox,
        oa,
        user,
        { MsgType: "text", Content: RELEASE_TEST_TEXT, MsgId: msgId() },
        `${RELEASE_TEST_TEXT}_callback`,
      ),
    );
    await check("api_text", () => expectApiReply(sandbox, oa, user, oaCode, deadlineMs));
    await check("event", () =>
      expectPassiveReply(
        sandbox,
        oa,
        user,
        {
          MsgType: "event",
          Event: "LOCATION",
          Latitude: "23.137466",
          Longitude: "113.352425",
          Precision: "119.385040",
        },
        "LOCATIONfrom_callback",
      ),
    );
  }

  const mp = group.miniProgram;
  const mpCode = await authorizeTestAccount(
    "authorized_mp",
    mp,
    "mini_program",
    MP_FUNC_IDS,
    `全网发布测试小程序${group.group}`,
  );
  if (mpCode !== null) await check("mp_api_text", () => expectApiReply(sandbox, mp, openId(), mpCode, deadlineMs));

  const status = checks.length === 7 && checks.every((c) => c.passed) ? "passed" : "failed";
  const [done] = await db
    .update(sandboxReleaseTests)
    .set({ status, finishedAt: sql`now()` })
    .where(eq(sandboxReleaseTests.id, runId))
    .returning();
  return toReport(done!);
}

/** The 普通文本消息 and 事件 cases: an encrypted, correctly signed passive text reply with exactly `expected`. */
async function expectPassiveReply(
  sandbox: WechatSandbox,
  oa: { appId: string; userName: string },
  user: string,
  message: Record<string, string>,
  expected: string,
): Promise<{ passed: boolean; detail: string }> {
  const sentAt = Math.floor(Date.now() / 1000);
  const answer = await sandbox.pushMessage(oa.appId, {
    ToUserName: oa.userName,
    FromUserName: user,
    CreateTime: sentAt,
    ...message,
  });
  if (answer.status !== 200)
    return { passed: false, detail: `answered HTTP ${answer.status || "nothing"} (${answer.body.slice(0, 80)})` };
  if (answer.ms > ANSWER_DEADLINE_MS) return { passed: false, detail: `answered after ${answer.ms} ms (limit 5 s)` };
  let outer: Record<string, unknown>;
  try {
    outer = parseWechatXml(answer.body);
  } catch {
    return { passed: false, detail: `reply is not WeChat XML: ${JSON.stringify(answer.body.slice(0, 60))}` };
  }
  const { Encrypt, MsgSignature, TimeStamp, Nonce } = outer;
  if (![Encrypt, MsgSignature, TimeStamp, Nonce].every((v) => typeof v === "string" && v !== "")) {
    return { passed: false, detail: "reply lacks Encrypt, MsgSignature, TimeStamp or Nonce" };
  }
  if (!sandbox.crypto.verify(MsgSignature as string, TimeStamp as string, Nonce as string, Encrypt as string)) {
    return { passed: false, detail: "reply MsgSignature does not match" };
  }
  let inner: Record<string, unknown>;
  try {
    inner = parseWechatXml(sandbox.crypto.decrypt(Encrypt as string).message);
  } catch (error) {
    return { passed: false, detail: `reply does not decrypt: ${(error as Error).message}` };
  }
  if (inner.ToUserName !== user || inner.FromUserName !== oa.userName)
    return { passed: false, detail: "reply ToUserName/FromUserName not swapped" };
  if (inner.MsgType !== "text")
    return { passed: false, detail: `reply MsgType is ${String(inner.MsgType)}, expected text` };
  if (inner.Content !== expected)
    return {
      passed: false,
      detail: `reply Content ${JSON.stringify(inner.Content)}, expected ${JSON.stringify(expected)}`,
    };
  return { passed: true, detail: `replied "${expected}" in ${answer.ms} ms` };
}

/**
 * The API 文本消息 case: an empty answer within 5 s, then api_query_auth with the code and a customer-service
 * message `<code>_from_api` to the sender, sent with that account's token, before the deadline.
 */
async function expectApiReply(
  sandbox: WechatSandbox,
  account: { appId: string; userName: string },
  user: string,
  code: string,
  deadlineMs: number,
): Promise<{ passed: boolean; detail: string }> {
  const since = new Date(Date.now() - 1000);
  const started = performance.now();
  const answer = await sandbox.pushMessage(account.appId, {
    ToUserName: account.userName,
    FromUserName: user,
    CreateTime: Math.floor(Date.now() / 1000),
    MsgType: "text",
    Content: `${RELEASE_TEST_QUERY_AUTH_CODE_PREFIX}${code}`,
    MsgId: msgId(),
  });
  if (answer.status !== 200)
    return { passed: false, detail: `answered HTTP ${answer.status || "nothing"} (${answer.body.slice(0, 80)})` };
  if (answer.body !== "")
    return { passed: false, detail: `answer must be empty, was ${JSON.stringify(answer.body.slice(0, 40))}` };
  const expected = `${code}_from_api`;
  while (performance.now() - started < deadlineMs) {
    const sent = await sandbox.customMessagesTo(account.appId, user, since);
    const match = sent.find((m) => m.msgType === "text" && m.content === expected);
    if (match) {
      if ((await sandbox.authCodeExchanges(code)) === 0)
        return { passed: false, detail: "message arrived, but api_query_auth was never called with the code" };
      return {
        passed: true,
        detail: `empty answer in ${answer.ms} ms; customer-service message after ${Math.round(performance.now() - started)} ms`,
      };
    }
    if (sent.length > 0)
      return {
        passed: false,
        detail: `customer-service message had the wrong content: ${JSON.stringify(sent[0]!.content)}`,
      };
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    passed: false,
    detail: `no customer-service message "${expected.slice(0, 24)}…_from_api" within ${deadlineMs / 1000} s`,
  };
}

export async function listReleaseTests(db: Db, limit = 10): Promise<ReleaseTestReport[]> {
  const rows = await db.select().from(sandboxReleaseTests).orderBy(desc(sandboxReleaseTests.id)).limit(limit);
  return rows.map(toReport);
}

function toReport(row: typeof sandboxReleaseTests.$inferSelect): ReleaseTestReport {
  return {
    id: row.id,
    group: row.testGroup,
    status: row.status,
    checks: row.checks as unknown as ReleaseCheck[],
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}
