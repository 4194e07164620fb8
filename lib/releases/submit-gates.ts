import type { Message } from "@/lib/i18n/message";
import type { Platform } from "@/lib/platform";
import { setupSubmitGate } from "@/lib/setup/gate";

/**
 * Checks the release center runs before it submits an account's code for audit: each answers why the account is
 * not ready (a blocking item of the setup checklist, for example), or null. One line per area.
 */
export type SubmitGate = (platform: Platform, appId: string) => Promise<Message | null>;

export const SUBMIT_GATES: readonly SubmitGate[] = [setupSubmitGate];

/** The first reason an account may not be submitted yet, or null when every gate passes. */
export async function findSubmitBlocker(platform: Platform, appId: string): Promise<Message | null> {
  for (const gate of SUBMIT_GATES) {
    const blocker = await gate(platform, appId);
    if (blocker) return blocker;
  }
  return null;
}
