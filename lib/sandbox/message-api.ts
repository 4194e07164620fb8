import { and, asc, eq, gt } from "drizzle-orm";
import { z } from "zod";
import { sandboxCustomMessages } from "@/db/schema";
import {
  jsonBody,
  parseBody,
  requireAuthorizerToken,
  SandboxApiError,
  type RouteHandler,
  type SandboxContext,
} from "./context";

/**
 * POST /cgi-bin/message/custom/send?access_token=AUTHORIZER_ACCESS_TOKEN (docs/wechat-protocol.md §3.11): the account sends a
 * customer-service message. Recorded for the release test, which waits for it.
 */
export const customSend: RouteHandler = async (ctx, req) => {
  await req.faults("");
  const ownerAppId = await requireAuthorizerToken(ctx, req.query);
  const body = parseBody(
    z.object({
      touser: z.string().min(1),
      msgtype: z.string().min(1),
      text: z.object({ content: z.string().min(1).max(2048) }).optional(),
    }),
    jsonBody(req),
  );
  if (body.msgtype === "text" && !body.text) throw new SandboxApiError(47001);
  await ctx.db.insert(sandboxCustomMessages).values({
    authorizerAppId: ownerAppId,
    toUser: body.touser,
    msgType: body.msgtype,
    content: body.text?.content ?? null,
  });
  return { json: { errcode: 0, errmsg: "ok" } };
};

/** Customer-service messages an account sent since `since` (the release test's API case). */
export async function customMessagesTo(ctx: SandboxContext, appId: string, toUser: string, since: Date) {
  return ctx.db
    .select()
    .from(sandboxCustomMessages)
    .where(
      and(
        eq(sandboxCustomMessages.authorizerAppId, appId),
        eq(sandboxCustomMessages.toUser, toUser),
        gt(sandboxCustomMessages.createdAt, since),
      ),
    )
    .orderBy(asc(sandboxCustomMessages.id));
}
