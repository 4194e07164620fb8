import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { getFormatter, getTranslations } from "next-intl/server";
import { getDb } from "@/db";
import { findInvitation } from "@/lib/staff/users";
import { AcceptInvitationForm } from "./accept-form";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("staff.titles");
  return { title: t("invite"), referrer: "no-referrer" };
}

// GET /invite/<token>: an invited staff member sets a password. No session needed: the token is the credential.
export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  await connection();
  const [{ token }, t, format, db] = await Promise.all([params, getTranslations("invite"), getFormatter(), getDb()]);
  const invitation = await findInvitation(db, token);

  if (invitation.state !== "valid") {
    const copy = {
      invalid: { title: t("invalidTitle"), body: t("invalidBody") },
      expired: { title: t("expiredTitle"), body: t("expiredBody") },
      used: { title: t("usedTitle"), body: t("usedBody") },
    }[invitation.state];
    return (
      <div
        data-testid="invite-unavailable"
        data-state={invitation.state}
        className="rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8"
      >
        <h1 className="text-xl font-semibold text-slate-900">{copy.title}</h1>
        <p className="mt-2 text-sm leading-relaxed text-slate-600">{copy.body}</p>
        <Link
          href="/login?callbackUrl=%2Fstaff"
          className="mt-6 inline-flex min-h-11 items-center rounded-lg bg-emerald-600 px-5 text-sm font-semibold text-white shadow-sm hover:bg-emerald-700"
        >
          {t("toLogin")}
        </Link>
      </div>
    );
  }

  return (
    <div data-testid="invite-accept" className="rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
      <h1 className="text-xl font-semibold text-slate-900">{t("title")}</h1>
      <p className="mt-1 text-sm break-words text-slate-600">
        {t("subtitle", { email: invitation.email, role: invitation.role })}
      </p>
      <p className="mt-1 mb-6 text-xs text-slate-500">
        {t("expiresAt", { time: format.dateTime(invitation.expiresAt, "dateTimeSeconds") })}
      </p>
      <AcceptInvitationForm token={token} email={invitation.email} />
    </div>
  );
}
