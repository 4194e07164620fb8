import { StatusPanel } from "@/app/_components/status-page";

/** forbidden() inside the staff shell: signed in, but not as staff (or not as admin for admin pages). */
export default function StaffForbidden() {
  return <StatusPanel kind="forbidden" />;
}
