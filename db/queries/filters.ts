/** SQL pieces the staff console's filtered queries share (authorization list, audit log). Pure. */

/**
 * Midnight of a day (`plusDays` later) in China Standard Time (UTC+8, no daylight saving), as an ISO timestamp:
 * the console's date filters are days as its staff read them.
 */
export function chinaMidnight(day: string, plusDays = 0): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d + plusDays));
  return `${date.toISOString().slice(0, 10)}T00:00:00+08:00`;
}

/** `%`, `_` and `\` in a search term are literal characters, not LIKE wildcards. */
export function escapeLikePattern(term: string): string {
  return term.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}
