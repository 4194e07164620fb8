import { z } from "zod";
import { sandboxFaults } from "@/db/schema";
import type { SandboxContext } from "./context";
import { FAULTABLE_ENDPOINTS } from "./routes";

/**
 * Injected faults, per endpoint of the route table and optionally per authorizer appid. serve() (context.ts) takes
 * them; this module sets and clears them.
 */

const faultSchema = z.object({
  endpoint: z.enum(FAULTABLE_ENDPOINTS),
  /** Only calls for this authorizer appid; empty: every call. */
  appId: z.string().max(64).default(""),
  latencyMs: z.coerce.number().int().min(0).max(60_000).default(0),
  errcode: z.coerce.number().int().nullable().default(null),
  hangMs: z.coerce.number().int().min(0).max(60_000).default(0),
  rotateRefreshToken: z.boolean().default(false),
  times: z.coerce.number().int().min(0).max(100_000).default(1),
});

export async function setFault(ctx: SandboxContext, input: unknown): Promise<void> {
  const f = faultSchema.parse(input);
  const once = f.errcode !== null || f.hangMs > 0 || f.rotateRefreshToken;
  const values = {
    latencyMs: f.latencyMs,
    errcode: f.errcode,
    hangMs: f.hangMs,
    rotateRefreshToken: f.rotateRefreshToken,
    remaining: once ? f.times : 0,
  };
  await ctx.db
    .insert(sandboxFaults)
    .values({ endpoint: f.endpoint, appId: f.appId, ...values })
    .onConflictDoUpdate({ target: [sandboxFaults.endpoint, sandboxFaults.appId], set: values });
}

export async function clearFaults(ctx: SandboxContext): Promise<void> {
  await ctx.db.delete(sandboxFaults);
}
