import { findSetupAccount } from "@/db/queries/setup";
import { message, type Message } from "@/lib/i18n/message";
import type { Platform } from "@/lib/platform";
import { firstBlocking } from "./checklist";

/**
 * The release center's submit gate (lib/releases/submit-gates.ts): an account whose readiness checklist has a
 * blocking item is not submitted, with the item's reason. Reads the stored checklist (kept current by reads and
 * events); an account setup has never read is not held back here.
 */
export async function setupSubmitGate(platform: Platform, appId: string): Promise<Message | null> {
  const row = await findSetupAccount(platform.database.db, appId);
  const item = row ? firstBlocking(row.checklist) : null;
  if (!item) return null;
  return message(`setup.gate.${item.id}`);
}
