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

/**
 * A duration in its two largest units ("1 小时 52 分钟", "1 hour 52 minutes"), the second left out when it is
 * zero; for times where the largest unit alone says too little (a token valid for another 1 h 52 min).
 * Negative durations read as their size. `t` is a translator for `common.duration`.
 */
export function formatDurationPrecise(
  t: (key: "seconds" | "minutes" | "hours" | "days", values: { n: number }) => string,
  seconds: number,
): string {
  const units = [
    ["days", 86_400],
    ["hours", 3_600],
    ["minutes", 60],
    ["seconds", 1],
  ] as const;
  const total = Math.max(0, Math.round(Math.abs(seconds)));
  const first = units.findIndex(([, size]) => total >= size);
  if (first === -1) return t("seconds", { n: 0 });
  const [unit, size] = units[first]!;
  const parts = [t(unit, { n: Math.floor(total / size) })];
  const next = units[first + 1];
  if (next) {
    const n = Math.floor((total % size) / next[1]);
    if (n > 0) parts.push(t(next[0], { n }));
  }
  return parts.join(" ");
}
