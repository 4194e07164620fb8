import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { users } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";

/** The first staff account (STAFF_EMAIL/STAFF_PASSWORD, or the dev demo), created if missing. Never overwritten. */
export async function ensureStaffAccount(db: Db, staff: { email: string; password: string }): Promise<"created" | "exists"> {
  const email = staff.email.toLowerCase();
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
  if (existing) return "exists";
  const inserted = await db
    .insert(users)
    .values({ email, passwordHash: await hashPassword(staff.password), role: "admin" })
    .onConflictDoNothing()
    .returning({ id: users.id });
  return inserted.length > 0 ? "created" : "exists";
}
