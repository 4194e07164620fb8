"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { getPlatform } from "@/lib/platform";
import { log } from "@/lib/log";
import { DECISIONS } from "@/lib/sandbox/fastregister";

// The sandbox's fast-registration pages (what the confirming person sees in WeChat). The sandbox is a test double
// with no users of its own: the guard is that it exists at all (WECHAT_SANDBOX on).

/** The confirming person's answer on the authorize_url page; the pushes go to the portal before the page reloads. */
export async function decideFastRegistrationAction(formData: FormData): Promise<void> {
  const { sandbox } = await getPlatform();
  if (!sandbox) redirect("/sandbox");
  const input = z.object({ createToken: z.string().min(1).max(200), decision: z.enum(DECISIONS) }).parse({
    createToken: formData.get("create_token"),
    decision: formData.get("decision"),
  });
  const outcome = await sandbox.decideFastRegistration({ createToken: input.createToken, decision: input.decision });
  if (!outcome.ok) log.warn("sandbox fast registration: decision not applied", { reason: outcome.reason });
  // A URL of its own: the page was opened with WeChat's `#wechat_redirect` fragment, and a redirect to the same
  // path and query would be taken as a hash change and not render the answer.
  redirect(
    `/sandbox/fastregister/authorize?action=show&answered=1&create_token=${encodeURIComponent(input.createToken)}`,
  );
}

/** The official account's administrator confirms on the fastregisterauth page: back to redirect_uri with a ticket. */
export async function confirmFastRegisterAuthAction(formData: FormData): Promise<void> {
  const { sandbox } = await getPlatform();
  if (!sandbox) redirect("/sandbox");
  const input = z
    .object({ appid: z.string().min(1).max(64), component_appid: z.string().min(1).max(64), redirect_uri: z.url() })
    .parse(Object.fromEntries(["appid", "component_appid", "redirect_uri"].map((k) => [k, formData.get(k)])));
  const result = await sandbox.issueFastRegisterTicket({
    officialAccountAppId: input.appid,
    componentAppId: input.component_appid,
  });
  const target = new URL(input.redirect_uri);
  if (result.ok) target.searchParams.set("ticket", result.ticket);
  else target.searchParams.set("errcode", String(result.errcode));
  redirect(target.toString());
}
