import { eq, sql } from "drizzle-orm";
import {
  sandboxAuthCodes,
  sandboxAuthorizers,
  sandboxCalls,
  sandboxFaults,
  sandboxTickets,
  sandboxTokens,
} from "@/db/schema";
import type { SandboxContext } from "./context";
import { FAULTABLE_ENDPOINTS } from "./routes";

/** The control plane's reads and resets (tests, the sandbox console, /sandbox/api/*); faults: faults.ts. */

/** Calls per endpoint of the route table, the faults set, and when the last ticket was issued. */
export async function getState({ db }: SandboxContext) {
  const calls = await db.select().from(sandboxCalls);
  const faults = await db.select().from(sandboxFaults);
  const [latestTicket] = await db
    .select()
    .from(sandboxTickets)
    .orderBy(sql`${sandboxTickets.issuedAt} desc`)
    .limit(1);
  return {
    calls: Object.fromEntries(FAULTABLE_ENDPOINTS.map((e) => [e, calls.find((c) => c.endpoint === e)?.count ?? 0])),
    faults,
    latestTicketIssuedAt: latestTicket?.issuedAt ?? null,
  };
}

/** Forgets every account (tests that compare the whole authorizer list start from none). */
export async function clearAccounts({ db }: SandboxContext): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(sandboxAuthCodes);
    await tx.delete(sandboxTokens).where(eq(sandboxTokens.kind, "authorizer"));
    await tx.delete(sandboxAuthorizers);
  });
}

export async function resetCalls({ db }: SandboxContext): Promise<void> {
  await db.delete(sandboxCalls);
}
