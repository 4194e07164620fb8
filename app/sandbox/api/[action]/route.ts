// /sandbox/api/[action]: the sandbox's control plane (state, faults, pushes), for tests and the sandbox console
import type { NextRequest } from "next/server";
import { z } from "zod";
import { getPlatform } from "@/lib/platform";
import { listReleaseTests, runReleaseTest } from "@/lib/sandbox/release-test";

export async function GET(_request: NextRequest, { params }: { params: Promise<{ action: string }> }) {
  const { sandbox, database } = await getPlatform();
  if (!sandbox) return new Response("Not found", { status: 404 });
  const { action } = await params;
  if (action === "state") return Response.json(await sandbox.getState());
  // WeChat's side of every account (refresh tokens included: the sandbox is a test double).
  if (action === "accounts") return Response.json(await sandbox.accountLedger());
  if (action === "release-tests") return Response.json(await listReleaseTests(database.db));
  return Response.json({ error: "unknown action" }, { status: 404 });
}

export async function POST(request: NextRequest, { params }: { params: Promise<{ action: string }> }) {
  const { sandbox, database } = await getPlatform();
  if (!sandbox) return new Response("Not found", { status: 404 });
  const { action } = await params;
  const input: unknown = await request.json().catch(() => ({}));
  try {
    switch (action) {
      case "reset-calls":
        await sandbox.resetCalls();
        return Response.json({ ok: true });
      case "clear-accounts":
        await sandbox.clearAccounts();
        return Response.json({ ok: true });
      case "fault":
        await sandbox.setFault(input);
        return Response.json({ ok: true });
      case "clear-faults":
        await sandbox.clearFaults();
        return Response.json({ ok: true });
      case "push-ticket": {
        // The sandbox is a test double: it shows the ticket it pushed so tests can hand it to a second portal.
        return Response.json(await sandbox.pushTicket());
      }
      case "authorize":
        return Response.json(await sandbox.authorize(input as Parameters<typeof sandbox.authorize>[0]));
      case "revoke":
        return Response.json(await sandbox.revoke(z.object({ appId: z.string() }).parse(input).appId));
      case "seed-accounts":
        return Response.json(await sandbox.seedAccounts(input as Parameters<typeof sandbox.seedAccounts>[0]));
      case "release-test": {
        // Runs the whole 全网发布 check against this portal over HTTP and answers with the report (a few seconds).
        const opts = z
          .object({ group: z.number().int().min(1).max(5).optional(), customMessageDeadlineMs: z.number().int().min(500).max(60_000).optional() })
          .parse(input);
        return Response.json(await runReleaseTest({ db: database.db, sandbox }, opts));
      }
      // Fast registration (docs/registration.md): the confirming person's answer, the 24-hour clock.
      case "fastregister-decide":
        return Response.json(await sandbox.decideFastRegistration(input as Parameters<typeof sandbox.decideFastRegistration>[0]));
      case "fastregister-ticket":
        // What the fastregisterauth page's confirm does (the official account's administrator agrees), for tests.
        return Response.json(await sandbox.issueFastRegisterTicket(input as Parameters<typeof sandbox.issueFastRegisterTicket>[0]));
      case "fastregister-age":
        await sandbox.ageFastRegistration(input as Parameters<typeof sandbox.ageFastRegistration>[0]);
        return Response.json({ pushes: await sandbox.expireFastRegistrations({ deliver: (input as { deliver?: boolean }).deliver !== false }) });
      case "rotate-refresh-token": {
        const { appId, hideFromList } = z.object({ appId: z.string(), hideFromList: z.boolean().default(false) }).parse(input);
        return Response.json(await sandbox.rotateRefreshToken(appId, { hideFromList }));
      }
      default:
        return Response.json({ error: "unknown action" }, { status: 404 });
    }
  } catch (error) {
    if (error instanceof z.ZodError) return Response.json({ error: z.flattenError(error) }, { status: 400 });
    throw error;
  }
}
