/**
 * A duration in the largest whole unit that fits ("3 小时", "3 hours"), through the catalog's plural rules.
 * `t` is a translator for the `common.duration` namespace (server or client).
 */
export function formatDuration(
  t: (key: "seconds" | "minutes" | "hours" | "days", values: { n: number }) => string,
  seconds: number,
): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return t("seconds", { n: s });
  if (s < 3600) return t("minutes", { n: Math.floor(s / 60) });
  if (s < 86_400) return t("hours", { n: Math.floor(s / 3600) });
  return t("days", { n: Math.floor(s / 86_400) });
}
