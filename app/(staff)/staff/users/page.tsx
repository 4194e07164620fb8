import { getFormatter, getTranslations } from "next-intl/server";
import { EmptyNote } from "@/app/_components/empty-note";
import { PageHeader } from "@/app/_components/page-header";
import { Panel } from "@/app/_components/panel";
import { getDb } from "@/db";
import { requireAdmin } from "@/lib/auth/guards";
import { listPendingInvitations, listStaff } from "@/lib/staff/users";
import { staffMetadata } from "../_components/metadata";
import { InviteForm } from "./invite-form";
import { DisableForm, RevokeInvitationForm, RoleForm } from "./user-forms";

export const generateMetadata = () => staffMetadata("users");

const ROLE_TONES = {
  admin: "bg-violet-50 text-violet-800 ring-violet-200",
  staff: "bg-slate-50 text-slate-700 ring-slate-200",
} as const;

function RoleBadge({ role, label }: { role: "staff" | "admin"; label: string }) {
  return (
    <span
      data-testid="role-badge"
      data-role={role}
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset ${ROLE_TONES[role]}`}
    >
      {label}
    </span>
  );
}

// GET /staff/users: staff and admins, role changes, disabling, invitations. Admins only (staff get 403).
export default async function UsersPage() {
  const admin = await requireAdmin("/staff/users");
  const [t, format, db] = await Promise.all([getTranslations("staffUsers"), getFormatter(), getDb()]);
  const [staff, invitations] = await Promise.all([listStaff(db), listPendingInvitations(db)]);
  // Active admins: a disabled admin administers nothing, so cannot stand in for the last one.
  const activeAdminCount = staff.filter((u) => u.role === "admin" && !u.disabledAt).length;

  return (
    <div className="flex flex-col gap-6">
      <PageHeader title={t("title")} subtitle={t("subtitle")} />

      <Panel titleId="staff-list-title" title={t("listTitle")}>
        {staff.length === 0 ? (
          <EmptyNote>{t("empty")}</EmptyNote>
        ) : (
          <ul data-testid="staff-list" className="mt-3 flex flex-col divide-y divide-slate-100">
            {staff.map((user) => {
              const role = user.role === "admin" ? "admin" : "staff";
              const disabled = user.disabledAt !== null;
              const lastAdmin = role === "admin" && !disabled && activeAdminCount <= 1;
              return (
                <li
                  key={user.id}
                  data-testid={`staff-row-${user.email}`}
                  data-user-id={user.id}
                  data-disabled={disabled ? "true" : "false"}
                  className="flex flex-col gap-2 py-3 sm:flex-row sm:items-center sm:justify-between sm:gap-4"
                >
                  <div className="min-w-0">
                    <p className="flex flex-wrap items-center gap-2">
                      <span className="min-w-0 font-medium break-all text-slate-900">{user.email}</span>
                      <RoleBadge role={role} label={t(`roles.${role}`)} />
                      {disabled ? (
                        <span
                          data-testid="disabled-badge"
                          className="inline-flex items-center rounded-full bg-red-50 px-2 py-0.5 text-xs font-medium whitespace-nowrap text-red-800 ring-1 ring-red-200 ring-inset"
                        >
                          {t("disabled")}
                        </span>
                      ) : null}
                      {user.id === admin.userId ? <span className="text-xs text-slate-500">{t("you")}</span> : null}
                    </p>
                    <p className="mt-0.5 text-xs text-slate-500">
                      {t("createdAt")} {format.dateTime(user.createdAt, "dateTimeSeconds")}
                    </p>
                  </div>
                  <div className="flex flex-wrap items-start gap-2">
                    <RoleForm userId={user.id} role={role} lastAdmin={lastAdmin} />
                    <DisableForm
                      userId={user.id}
                      disabled={disabled}
                      self={user.id === admin.userId}
                      lastAdmin={lastAdmin}
                    />
                  </div>
                </li>
              );
            })}
          </ul>
        )}
      </Panel>

      <Panel titleId="invite-title" title={t("inviteTitle")}>
        <p className="mt-1 mb-4 text-sm text-slate-600">{t("inviteBody")}</p>
        <InviteForm />
      </Panel>

      <Panel titleId="invitations-title" title={t("invitationsTitle")}>
        {invitations.length === 0 ? (
          <EmptyNote testId="invitations-empty">{t("noInvitations")}</EmptyNote>
        ) : (
          <ul data-testid="invitation-list" className="mt-3 flex flex-col divide-y divide-slate-100">
            {invitations.map((invitation, index) => (
              <li
                key={`${invitation.email}-${index}`}
                data-testid={`invitation-row-${invitation.email}`}
                className="flex flex-col gap-2 py-3 sm:flex-row sm:items-center sm:justify-between sm:gap-4"
              >
                <div className="min-w-0">
                  <p className="flex flex-wrap items-center gap-2">
                    <span className="font-medium break-all text-slate-900">{invitation.email}</span>
                    <RoleBadge role={invitation.role} label={t(`roles.${invitation.role}`)} />
                  </p>
                  <p className="mt-0.5 text-xs text-slate-500">
                    {t("expiresAt")} {format.dateTime(invitation.expiresAt, "dateTimeSeconds")}
                    {invitation.invitedBy ? ` · ${t("invitedBy")} ${invitation.invitedBy}` : ""}
                  </p>
                </div>
                <RevokeInvitationForm email={invitation.email} />
              </li>
            ))}
          </ul>
        )}
      </Panel>
    </div>
  );
}
