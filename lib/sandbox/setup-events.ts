import { randomInt } from "node:crypto";
import { z } from "zod";
import { buildWechatXml } from "@/lib/wechat/xml";
import type { SandboxContext } from "./context";
import { decideCategory, setSetupState, userNameOf } from "./setup";

/**
 * Setup events WeChat pushes (docs/wechat-protocol.md §12.3.7, §12.5, §12.6.7, §12.7.4), each after the matching
 * state change. Name, category and privacy-interface results go to the account's message URL; verification notices
 * to the authorization-event URL; the ICP filing events to either (`channel`): the docs class them as message
 * events, a field report says they arrive on the authorization-event URL (unconfirmed; the portal accepts both).
 */

type Channel = "component" | "message";

/** Plaintext XML (nested elements allowed), sealed and POSTed as WeChat does; whether the portal said `success`. */
async function deliver(
  ctx: SandboxContext,
  path: string,
  plaintext: string,
  envelope: Record<string, string>,
  openid?: string,
) {
  const timestamp = String(Math.floor(ctx.now() / 1000));
  const nonce = String(randomInt(1_000_000_000));
  const encrypt = ctx.crypto.encrypt(plaintext);
  const query = new URLSearchParams({
    signature: ctx.crypto.sign(timestamp, nonce, ""),
    timestamp,
    nonce,
    ...(openid && { openid }),
    encrypt_type: "aes",
    msg_signature: ctx.crypto.sign(timestamp, nonce, encrypt),
  });
  try {
    const response = await ctx.fetch(`${ctx.portalUrl}${path}?${query}`, {
      method: "POST",
      headers: { "content-type": "text/xml" },
      body: buildWechatXml({ ...envelope, Encrypt: encrypt }),
      signal: AbortSignal.timeout(5000),
    });
    const body = await response.text();
    return { delivered: response.status === 200 && body === "success", status: response.status };
  } catch {
    return { delivered: false, status: 0 };
  }
}

const SYSTEM_OPENID = "oSandboxSystem000000000000000";

/** A message event to the account's message URL; `inner` is extra XML (wxa_privacy_apply's `result_info`). */
async function messageEvent(
  ctx: SandboxContext,
  appId: string,
  event: string,
  fields: Record<string, string | number>,
  inner = "",
) {
  const toUser = await userNameOf(ctx, appId);
  const flat = buildWechatXml({
    ToUserName: toUser,
    FromUserName: SYSTEM_OPENID,
    CreateTime: Math.floor(ctx.now() / 1000),
    MsgType: "event",
    Event: event,
    ...fields,
  });
  const plaintext = inner ? flat.replace(/<\/xml>$/, `${inner}</xml>`) : flat;
  return deliver(ctx, `/api/wechat/authorizers/${appId}/events`, plaintext, { ToUserName: toUser }, SYSTEM_OPENID);
}

/** An InfoType push to the authorization-event URL. */
function componentEvent(ctx: SandboxContext, infoType: string, fields: Record<string, string | number>) {
  const plaintext = buildWechatXml({
    AppId: ctx.component.appId,
    CreateTime: Math.floor(ctx.now() / 1000),
    InfoType: infoType,
    ...fields,
  });
  return deliver(ctx, "/api/wechat/component/events", plaintext, { AppId: ctx.component.appId });
}

function onChannel(
  ctx: SandboxContext,
  channel: Channel,
  appId: string,
  name: string,
  fields: Record<string, string | number>,
) {
  return channel === "component" ? componentEvent(ctx, name, fields) : messageEvent(ctx, appId, name, fields);
}

/** How an audit (nickname, category, privacy API) ended: the fields the three audit events share. */
const auditVerdict = { passed: z.boolean(), reason: z.string().default("") };

export const setupEventSchema = z.discriminatedUnion("event", [
  z.object({
    event: z.literal("wxa_nickname_audit"),
    appId: z.string(),
    nickname: z.string().min(1),
    ...auditVerdict,
  }),
  z.object({
    event: z.literal("wxa_category_audit"),
    appId: z.string(),
    first: z.number().int(),
    second: z.number().int(),
    ...auditVerdict,
  }),
  z.object({
    event: z.literal("wxa_privacy_apply"),
    appId: z.string(),
    apiName: z.string().default("wx.choosePoi"),
    ...auditVerdict,
  }),
  z.object({
    event: z.literal("notify_3rd_wxa_wxverify"),
    appId: z.string(),
    /** Days until the verification expires (60, 30, 0: WeChat's reminders); the verification is set to match. */
    expiresInDays: z.number().int(),
  }),
  z.object({
    event: z.literal("notify_apply_icpfiling_result"),
    appId: z.string(),
    beianStatus: z.number().int(),
    channel: z.enum(["component", "message"]).default("component"),
  }),
  z.object({
    event: z.literal("notify_icpfiling_verify_result"),
    appId: z.string(),
    passed: z.boolean(),
    channel: z.enum(["component", "message"]).default("component"),
  }),
]);

/** Changes WeChat's state as the event says, then pushes the event (the console's and tests' way to move an account on). */
export async function pushSetupEvent(ctx: SandboxContext, input: z.input<typeof setupEventSchema>) {
  const e = setupEventSchema.parse(input);
  const nowS = Math.floor(ctx.now() / 1000);
  switch (e.event) {
    case "wxa_nickname_audit":
      if (e.passed) await setSetupState(ctx, { appId: e.appId, basic: { nickname: e.nickname } });
      return messageEvent(ctx, e.appId, e.event, { ret: e.passed ? 3 : 2, nickname: e.nickname, reason: e.reason });
    case "wxa_category_audit":
      await decideCategory(ctx, e.appId, e.first, e.second, e.passed, e.reason);
      return messageEvent(ctx, e.appId, e.event, {
        ret: e.passed ? 3 : 2,
        first: String(e.first),
        second: String(e.second),
        reason: e.reason,
      });
    case "wxa_privacy_apply": {
      const inner =
        `<result_info><api_name><![CDATA[${e.apiName}]]></api_name><apply_time>${nowS - 3600}</apply_time>` +
        `<audit_id>${randomInt(1_000_000_000)}</audit_id><audit_time>${nowS}</audit_time>` +
        `<reason><![CDATA[${e.reason}]]></reason><status>${e.passed ? 3 : 2}</status></result_info>`;
      return messageEvent(ctx, e.appId, e.event, {}, inner);
    }
    case "notify_3rd_wxa_wxverify": {
      await setSetupState(ctx, { appId: e.appId, verify: { qualification: true, expiresInDays: e.expiresInDays } });
      const expired = nowS + e.expiresInDays * 86400;
      return componentEvent(ctx, e.event, {
        appid: e.appId,
        expired,
        message: `账号已进入年审期，到期时间: ${new Date(expired * 1000).toISOString().slice(0, 10)}`,
      });
    }
    case "notify_apply_icpfiling_result":
      await setSetupState(ctx, {
        appId: e.appId,
        icpStatus: e.beianStatus,
        icpRejectReason: e.beianStatus === 3 || e.beianStatus === 5 ? "主体信息与证件不一致" : undefined,
      });
      return onChannel(ctx, e.channel, e.appId, e.event, { authorizer_appid: e.appId, beian_status: e.beianStatus });
    case "notify_icpfiling_verify_result":
      return onChannel(ctx, e.channel, e.appId, e.event, {
        task_id: `task${randomInt(1_000_000)}`,
        verify_appid: e.appId,
        result: e.passed ? 3 : 2,
      });
  }
}
