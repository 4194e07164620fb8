import { getTranslations } from "next-intl/server";
import type { AuthorizerStatus, ReviewStatus } from "@/db/schema";

/** The words of an account's type, authorization status and review, for the shared account badges. */
export async function getAccountLabels() {
  const t = await getTranslations("staffList");
  const kind = {
    official_account: t("kind.official_account"),
    mini_program: t("kind.mini_program"),
    unknown: t("kind.unknown"),
  };
  const status: Record<AuthorizerStatus, string> = {
    authorized: t("status.authorized"),
    unauthorized: t("status.unauthorized"),
    needs_reauthorization: t("status.needs_reauthorization"),
  };
  const review: Record<ReviewStatus, string> = {
    pending: t("review.pending"),
    approved: t("review.approved"),
    rejected: t("review.rejected"),
    needs_info: t("review.needs_info"),
    conflict: t("review.conflict"),
  };
  return { kind, status, review };
}
