import type { Formats } from "next-intl";

/**
 * The date and time presets every page uses (`format.dateTime(d, "dateTime")`), so one timestamp reads the same
 * everywhere. Durations and relative times go through `formatDuration` / `format.relativeTime`.
 */
export const formats = {
  dateTime: {
    date: { year: "numeric", month: "2-digit", day: "2-digit" },
    dateTime: {
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    },
    dateTimeSeconds: {
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    },
    time: { hour: "2-digit", minute: "2-digit", hourCycle: "h23" },
  },
  number: {
    percent: { style: "percent", maximumFractionDigits: 0 },
  },
} satisfies Formats;
