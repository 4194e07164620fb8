import { getTranslations } from "next-intl/server";
import { StatusPanel } from "@/app/_components/status-page";

/** notFound() inside the staff shell (e.g. an unknown appid). */
export default async function StaffNotFound() {
  const t = await getTranslations("staff");
  return <StatusPanel kind="notFound" back={{ href: "/staff/authorizations", label: t("backToList") }} />;
}
