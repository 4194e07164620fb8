import { StatusPanel } from "@/app/_components/status-page";

/** forbidden() inside the merchant shell (signed in, but not as a merchant). */
export default function MerchantForbidden() {
  return <StatusPanel kind="forbidden" />;
}
