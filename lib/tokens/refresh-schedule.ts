/**
 * When an authorizer token is renewed: 10 minutes before expiry plus up to 20 minutes of jitter, so accounts
 * authorized together do not all refresh in the same second. Shared by the grant (first schedule) and the
 * refresher (every later one); kept apart so neither imports the other.
 */
export const REFRESH_MARGIN_SECONDS = 600;
export const REFRESH_JITTER_SECONDS = 1200;

/** Seconds from now until the refresh of a token lasting `expiresIn` seconds; 0 (now) without a token. */
export function refreshDueInSeconds(expiresIn: number | null | undefined, random: () => number = Math.random): number {
  if (!expiresIn) return 0;
  // At least a minute: an unusually short-lived token must not be refreshed in a tight loop.
  return Math.max(60, expiresIn - REFRESH_MARGIN_SECONDS - Math.floor(random() * REFRESH_JITTER_SECONDS));
}
