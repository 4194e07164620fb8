import { and, eq, gt, isNull } from "drizzle-orm";
import { sandboxPreAuthCodes } from "@/db/schema";
import type { SandboxContext } from "./context";

/** The authorization page's view of `pre_auth_code`s (docs/wechat-protocol.md §4); the page's other checks: authorization-request.ts. */

/** What the authorization page sees for a `pre_auth_code`: WeChat shows a different error for each case. */
export async function inspectPreAuthCode(
  ctx: SandboxContext,
  code: string,
): Promise<"ok" | "unknown" | "used" | "expired"> {
  if (!code) return "unknown";
  const [row] = await ctx.db
    .select({ expiresAt: sandboxPreAuthCodes.expiresAt, usedAt: sandboxPreAuthCodes.usedAt })
    .from(sandboxPreAuthCodes)
    .where(and(eq(sandboxPreAuthCodes.code, code), eq(sandboxPreAuthCodes.componentAppId, ctx.component.appId)));
  if (!row) return "unknown";
  if (row.usedAt) return "used";
  if (ctx.now() >= row.expiresAt.getTime()) return "expired";
  return "ok";
}

/**
 * Spends a `pre_auth_code` (single use, docs/wechat-protocol.md §4.3). One conditional UPDATE, so two confirmations racing
 * on the same code cannot both win. "Now" is the sandbox clock, the one the code's expiry was set with.
 */
export async function consumePreAuthCode(ctx: SandboxContext, code: string): Promise<boolean> {
  if (!code) return false;
  const { at } = ctx;
  const used = await ctx.db
    .update(sandboxPreAuthCodes)
    .set({ usedAt: at() })
    .where(
      and(
        eq(sandboxPreAuthCodes.code, code),
        eq(sandboxPreAuthCodes.componentAppId, ctx.component.appId),
        isNull(sandboxPreAuthCodes.usedAt),
        gt(sandboxPreAuthCodes.expiresAt, at()),
      ),
    )
    .returning({ code: sandboxPreAuthCodes.code });
  return used.length > 0;
}
