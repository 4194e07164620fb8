import type { Platform } from "@/lib/platform";

/**
 * An event WeChat pushes to an account's message URL that the platform consumes itself (an audit result, a name
 * review): stored like every message, answered `success`, then applied after the answer; never forwarded to the
 * merchant's webhook as an ordinary message. One file per area (docs/architecture.md, "Events").
 */
export interface AuthorizerEventHandler {
  /** `Event` values (MsgType `event`) this handler applies. */
  events: readonly string[];
  /**
   * Applies one stored event. Must be idempotent and safe in any order (WeChat retries, and a poll may have seen
   * the news first). A throw leaves the event pending: it is retried with backoff.
   */
  apply(platform: Platform, input: { appId: string; fields: Record<string, unknown> }): Promise<void>;
}

/**
 * A push on the authorization event URL (授权事件接收URL) other than the ticket and the authorization changes:
 * fast registration results, verification and filing notices. Same rules as above.
 */
export interface ComponentEventHandler {
  infoTypes: readonly string[];
  apply(
    platform: Platform,
    input: { infoType: string; createTime: number | undefined; fields: Record<string, unknown> },
  ): Promise<void>;
}
