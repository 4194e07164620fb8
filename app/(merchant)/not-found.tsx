import { StatusPanel } from "@/app/_components/status-page";
import { getTranslations } from "next-intl/server";

/** notFound() inside the merchant shell (e.g. an account that isn't this merchant's): the shell's header stays. */
export default async function MerchantNotFound() {
  const t = await getTranslations("accounts.account");
  return <StatusPanel kind="notFound" back={{ href: "/accounts", label: t("back") }} />;
}
