import { z } from "zod";

/** Pieces the console's filtered lists (authorizations, audit log) share to parse their URLs. Pure, so tests and scripts load it. */

/** A calendar day `YYYY-MM-DD` that exists (not 2026-02-30); years 0000-0099 are refused too (Date.UTC reads them as 19xx). */
export const isoDaySchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((day) => {
    const [y, m, d] = day.split("-").map(Number) as [number, number, number];
    const date = new Date(Date.UTC(y, m - 1, d));
    return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
  });
