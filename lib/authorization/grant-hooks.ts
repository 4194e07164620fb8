import { describeError, log } from "@/lib/log";
import type { Platform } from "@/lib/platform";
import { setupAfterGrant } from "@/lib/setup/after-grant";

/**
 * What other areas do once an authorization code has been exchanged (a new or updated grant is stored): one line
 * per area. Setup applies its profile to a mini program that granted set 18. A hook's failure is logged; the grant
 * stays.
 */
export type GrantHook = (platform: Platform, appId: string) => Promise<void>;

export const GRANT_HOOKS: readonly GrantHook[] = [setupAfterGrant];

export async function runGrantHooks(platform: Platform, appId: string): Promise<void> {
  for (const hook of GRANT_HOOKS) {
    try {
      await hook(platform, appId);
    } catch (error) {
      log.warn("grant hook failed", { appId, error: describeError(error) });
    }
  }
}
