import { redirect } from "next/navigation";
import { requireStaff } from "@/lib/auth/guards";

// GET /staff: the console's home (the overview with the platform status panel replaces this redirect).
export default async function StaffHome() {
  await requireStaff("/staff");
  redirect("/staff/authorizations");
}
