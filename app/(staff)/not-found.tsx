import { StatusPanel } from "@/app/_components/status-page";

/** notFound() inside the staff shell (e.g. an unknown appid). */
export default function StaffNotFound() {
  return <StatusPanel kind="notFound" back={{ href: "/staff/authorizations", label: "← 授权审核 · Authorizations" }} />;
}
