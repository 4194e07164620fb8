import { sandboxTickets } from "@/db/schema";
import { log } from "@/lib/log";
import { sealPush } from "@/lib/wechat/push";
import type { WechatXmlFields } from "@/lib/wechat/xml";
import { urlSafe, type SandboxContext } from "./context";

/** What WeChat pushes to the portal: component events (tickets, authorizations) and account messages. */

/** Encrypts and signs a push exactly as WeChat does, POSTs it, and reports whether the portal said `success`. */
export async function push(
  ctx: SandboxContext,
  fields: WechatXmlFields,
): Promise<{ delivered: boolean; status: number; body: string }> {
  const result = await pushTo(ctx, "/api/wechat/component/events", fields, { AppId: ctx.component.appId });
  return {
    delivered: result.status === 200 && result.body === "success",
    status: result.status,
    body: result.body.slice(0, 200),
  };
}

/**
 * A push to an account's message URL (`/authorizers/$APPID$/events`, docs/wechat-protocol.md §7.4): `ToUserName` in the envelope,
 * the sender's openid on the query. Returns the portal's answer in full (the release test decrypts replies).
 */
export async function pushMessage(
  ctx: SandboxContext,
  appId: string,
  fields: Record<string, string | number> & { ToUserName: string; FromUserName: string },
) {
  return pushTo(
    ctx,
    `/api/wechat/authorizers/${appId}/events`,
    fields,
    { ToUserName: fields.ToUserName },
    { openid: fields.FromUserName },
  );
}

/** WeChat waits 5 seconds for an answer (docs/wechat-protocol.md §1.2). `status` 0: no answer (`body` says why). */
async function pushTo(
  ctx: SandboxContext,
  path: string,
  fields: WechatXmlFields,
  envelope: { AppId: string } | { ToUserName: string },
  extraQuery?: Record<string, string>,
): Promise<{ status: number; body: string; ms: number }> {
  const { query, body } = sealPush(ctx.crypto, fields, envelope, {
    timestamp: Math.floor(ctx.now() / 1000),
    extraQuery,
  });
  const started = performance.now();
  try {
    const response = await ctx.fetch(`${ctx.portalUrl}${path}?${query}`, {
      method: "POST",
      headers: { "content-type": "text/xml" },
      body,
      signal: AbortSignal.timeout(5000),
    });
    const text = await response.text();
    return { status: response.status, body: text, ms: Math.round(performance.now() - started) };
  } catch (error) {
    return { status: 0, body: (error as Error).message, ms: Math.round(performance.now() - started) };
  }
}

/** Issues a fresh component_verify_ticket and pushes it (what WeChat does every 10 minutes). */
export async function pushTicket(ctx: SandboxContext): Promise<{ delivered: boolean; ticket: string }> {
  const { component } = ctx;
  const ticket = `ticket@@@${urlSafe(86)}`;
  await ctx.db.insert(sandboxTickets).values({ ticket, componentAppId: component.appId, issuedAt: ctx.at() });
  const createTime = Math.floor(ctx.now() / 1000);
  const result = await push(ctx, {
    AppId: component.appId,
    CreateTime: createTime,
    InfoType: "component_verify_ticket",
    ComponentVerifyTicket: ticket,
  });
  if (!result.delivered) log.warn("sandbox: ticket push not acknowledged", { status: result.status });
  return { delivered: result.delivered, ticket };
}
