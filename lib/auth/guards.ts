import "server-only";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { getDb } from "@/db";
import { findUserById } from "@/db/queries/users";
import { auth } from "@/lib/auth";

export interface MerchantPrincipal {
  userId: string;
  merchantId: string;
  email: string;
}
export interface StaffPrincipal {
  userId: string;
  email: string;
  role: "staff" | "admin";
}

/**
 * The one guard every merchant page, action and handler calls. The role is re-read from the database, so a
 * changed role or a deleted user takes effect at once, whatever the session cookie says.
 * Anonymous → the login page (coming back to `returnTo`); staff → their console; any other user → 403.
 */
export async function requireMerchant(returnTo = "/accounts"): Promise<MerchantPrincipal> {
  const user = await currentUser();
  if (!user) redirect(`/login?callbackUrl=${encodeURIComponent(returnTo)}`);
  // Staff signing in land on the merchant home by default: their home is the console.
  if (user.role === "staff" || user.role === "admin") redirect("/staff");
  if (user.role !== "merchant" || !user.merchantId) forbidden();
  return { userId: user.id, merchantId: user.merchantId, email: user.email };
}

export async function requireStaff(returnTo = "/staff"): Promise<StaffPrincipal> {
  const user = await currentUser();
  if (!user) redirect(`/login?callbackUrl=${encodeURIComponent(returnTo)}`);
  if (user.role !== "staff" && user.role !== "admin") forbidden();
  return { userId: user.id, email: user.email, role: user.role };
}

/** Admins only (inviting staff, changing roles). Anonymous → login; merchant or staff → 403. */
export async function requireAdmin(returnTo = "/staff/users"): Promise<StaffPrincipal & { role: "admin" }> {
  const principal = await requireStaff(returnTo);
  if (principal.role !== "admin") forbidden();
  return { ...principal, role: "admin" };
}

/**
 * The signed-in user as the database knows them now, or null. Memoized per request (React `cache`): the layout
 * and the page's guard both ask, and the session and user row are read once.
 * Security: a session whose version is not the user's current one (issued before they were disabled, changed
 * role or set a password), or any session of a disabled user, counts as signed out.
 */
export const currentUser = cache(async () => {
  const session = await auth();
  if (!session?.user?.id) return null;
  const user = await findUserById(await getDb(), session.user.id);
  if (!user || user.disabled || user.sessionVersion !== session.user.sessionVersion) return null;
  return user;
});
