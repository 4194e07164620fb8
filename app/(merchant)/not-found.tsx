import { StatusPanel } from "@/app/_components/status-page";
import { getI18n } from "@/lib/i18n";

/** notFound() inside the merchant shell (e.g. an account that isn't this merchant's): the shell's header stays. */
export default async function MerchantNotFound() {
  const { t } = await getI18n();
  return <StatusPanel kind="notFound" back={{ href: "/accounts", label: t.account.back }} />;
}
