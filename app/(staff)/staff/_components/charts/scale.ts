/**
 * The small scale helper the charts are drawn with (plain SVG, no chart library: four bar charts of 144 buckets
 * need a linear scale and a "nice" maximum, nothing a library's runtime, bundle or client JS would add to).
 */

/** The smallest 1, 2 or 5 × 10ⁿ at or above `max` (at least 1), so the top of the axis is a round number. */
export function niceMax(max: number): number {
  if (!(max > 1)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= max) return step * magnitude;
  return 10 * magnitude;
}

/** A linear map from [d0, d1] onto [r0, r1]. */
export function linear(domain: [number, number], range: [number, number]): (value: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (value) => r0 + (value - d0) * k;
}

/** Stacked bars: for each bucket, the [y0, y1] of every series (bottom to top), in the domain's units. */
export function stack(series: number[][]): { y0: number; y1: number }[][] {
  const buckets = series[0]?.length ?? 0;
  const base = new Array<number>(buckets).fill(0);
  return series.map((values) =>
    values.map((v, i) => {
      const y0 = base[i]!;
      base[i] = y0 + v;
      return { y0, y1: y0 + v };
    }),
  );
}
