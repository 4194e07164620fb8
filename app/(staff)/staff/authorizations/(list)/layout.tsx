import { connection } from "next/server";
import { requireStaff } from "@/lib/auth/guards";

/**
 * Runs the guard above loading.tsx, so an anonymous visitor gets a real 307 to /login (and a merchant a real 403)
 * before the skeleton starts streaming. The (list) group keeps loading.tsx away from /staff/authorizations/[appid],
 * whose notFound() must stay a real 404. The page still checks for itself.
 */
export default async function StaffAuthorizationsListLayout({ children }: Readonly<{ children: React.ReactNode }>) {
  await connection();
  await requireStaff("/staff/authorizations");
  return children;
}
