import type { Messages as CatalogMessages } from "./catalogs";
import type { formats } from "./formats";
import type { Locale } from "./config";

// Typed translation keys and formats: `t("accounts.empty.title")` is checked against the Chinese catalog (the two
// catalogs have identical keys: tests/unit/messages.test.ts).
declare module "next-intl" {
  interface AppConfig {
    Locale: Locale;
    Messages: CatalogMessages;
    Formats: typeof formats;
  }
}
