import { connection } from "next/server";
import { requireMerchant } from "@/lib/auth/guards";

/**
 * Runs the guard above loading.tsx, so an anonymous visitor gets a real 307 to /login (and a staff user a real
 * 307 to /staff) before the skeleton starts streaming. The page still checks for itself.
 */
export default async function AccountsListLayout({ children }: Readonly<{ children: React.ReactNode }>) {
  await connection();
  await requireMerchant("/accounts");
  return children;
}
