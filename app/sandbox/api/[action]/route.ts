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
  // Code management: every audit WeChat created (the ledger), the area's settings.
  if (action === "code-audits")
    return Response.json(await sandbox.code.audits(_request.nextUrl.searchParams.get("appId") ?? undefined));
  if (action === "code-settings") return Response.json(await sandbox.code.settings());
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
          .object({
            group: z.number().int().min(1).max(5).optional(),
            customMessageDeadlineMs: z.number().int().min(500).max(60_000).optional(),
          })
          .parse(input);
        return Response.json(await runReleaseTest({ db: database.db, sandbox }, opts));
      }
      // Fast registration (docs/registration.md): the confirming person's answer, the 24-hour clock.
      case "fastregister-decide":
        return Response.json(
          await sandbox.decideFastRegistration(input as Parameters<typeof sandbox.decideFastRegistration>[0]),
        );
      case "fastregister-ticket":
        // What the fastregisterauth page's confirm does (the official account's administrator agrees), for tests.
        return Response.json(
          await sandbox.issueFastRegisterTicket(input as Parameters<typeof sandbox.issueFastRegisterTicket>[0]),
        );
      case "fastregister-age":
        await sandbox.ageFastRegistration(input as Parameters<typeof sandbox.ageFastRegistration>[0]);
        return Response.json({
          pushes: await sandbox.expireFastRegistrations({
            deliver: (input as { deliver?: boolean }).deliver !== false,
          }),
        });
      case "rotate-refresh-token": {
        const { appId, hideFromList } = z
          .object({ appId: z.string(), hideFromList: z.boolean().default(false) })
          .parse(input);
        return Response.json(await sandbox.rotateRefreshToken(appId, { hideFromList }));
      }
      case "code-settings":
        return Response.json(await sandbox.code.setSettings(input));
      case "code-advance": {
        // Moves the code area's clock forward and resolves the audits that became due (with their pushes).
        const { ms } = z
          .object({
            ms: z
              .number()
              .int()
              .min(0)
              .max(30 * 86_400_000),
          })
          .parse(input);
        return Response.json(await sandbox.code.advanceClock(ms));
      }
      case "code-resolve": {
        // The reviewer by hand: approve, reject (with a reason) or delay an audit under review.
        const d = z
          .object({
            auditId: z.number().int(),
            rule: z.enum(["approve", "reject", "delay"]),
            reason: z.string().max(500).optional(),
          })
          .parse(input);
        return Response.json(await sandbox.code.resolveAudit(d.auditId, { rule: d.rule, reason: d.reason }));
      }
      case "code-add-draft":
        return Response.json(await sandbox.code.addDraft(input));
      case "code-account":
        return Response.json(await sandbox.code.account(z.object({ appId: z.string() }).parse(input).appId));
      case "setup-state":
        return Response.json(await sandbox.setSetupState(input as Parameters<typeof sandbox.setSetupState>[0]));
      case "setup-release":
        return Response.json(await sandbox.releaseSetup(z.object({ appId: z.string() }).parse(input).appId));
      case "setup-event":
        return Response.json(await sandbox.pushSetupEvent(input as Parameters<typeof sandbox.pushSetupEvent>[0]));
      case "setup-read":
        return Response.json(await sandbox.getSetupState(z.object({ appId: z.string() }).parse(input).appId));
      default:
        return Response.json({ error: "unknown action" }, { status: 404 });
    }
  } catch (error) {
    if (error instanceof z.ZodError) return Response.json({ error: z.flattenError(error) }, { status: 400 });
    throw error;
  }
}
