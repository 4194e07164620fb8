import { z } from "zod";

/** Pieces the console's filtered lists (authorizations, audit log) share. Pure, so tests and scripts load it. */

/** A calendar day `YYYY-MM-DD` that exists (not 2026-02-30); years 0000-0099 are refused too (Date.UTC reads them as 19xx). */
export const isoDaySchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((day) => {
    const [y, m, d] = day.split("-").map(Number) as [number, number, number];
    const date = new Date(Date.UTC(y, m - 1, d));
    return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
  });

/** Midnight of a day (`plusDays` later) in China Standard Time (UTC+8, no daylight saving), as an ISO timestamp. */
export function chinaMidnight(day: string, plusDays = 0): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d + plusDays));
  return `${date.toISOString().slice(0, 10)}T00:00:00+08:00`;
}

/** `%`, `_` and `\` in a search term are literal characters, not LIKE wildcards. */
export function escapeLikePattern(term: string): string {
  return term.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}
