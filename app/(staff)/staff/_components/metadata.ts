import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";

type StaffPage =
  | "overview"
  | "authorizations"
  | "account"
  | "audit"
  | "operations"
  | "users"
  | "invite"
  | "registrations"
  | "releases"
  | "release"
  | "newRelease"
  | "templates"
  | "setup";

/** A staff page's <title>, in the reader's language (`generateMetadata = () => staffMetadata("audit")`). */
export async function staffMetadata(page: StaffPage): Promise<Metadata> {
  const t = await getTranslations("staff.titles");
  return { title: t(page) };
}
