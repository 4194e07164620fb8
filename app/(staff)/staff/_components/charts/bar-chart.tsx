import { linear, niceMax, stack } from "./scale";

export interface BarChartSeries {
  label: string;
  name: string;
  color: string;
  values: number[];
}

const WIDTH = 576; // 144 buckets × 4
const BAR_AREA = 100;
const MARK_AREA = 8;

/**
 * A stacked bar chart of one value per 10-minute bucket, server-rendered as plain SVG. The SVG stretches to the
 * container's width (no text inside it, so nothing gets squeezed at phone width); axis labels and the legend are
 * HTML around it. `marks` flags buckets below the axis in red (a missing ticket).
 */
export function BarChart({
  id,
  title,
  summary,
  series,
  bucketTitles,
  marks,
  markLabel,
  peakLabel,
  fromLabel,
  nowLabel,
  footer,
}: {
  id: string;
  title: string;
  /** The chart as text (screen readers, and the `title` of the SVG). */
  summary: string;
  series: BarChartSeries[];
  /** The time of each bucket, for its tooltip. */
  bucketTitles: string[];
  marks?: boolean[];
  markLabel?: string;
  peakLabel: (peak: number) => string;
  fromLabel: string;
  nowLabel: string;
  footer?: React.ReactNode;
}) {
  const buckets = bucketTitles.length;
  const totals = Array.from({ length: buckets }, (_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const peak = Math.max(0, ...totals);
  const top = niceMax(peak);
  const y = linear([0, top], [BAR_AREA, 0]);
  const step = WIDTH / buckets;
  const stacked = stack(series.map((s) => s.values));
  const height = BAR_AREA + (marks ? MARK_AREA + 2 : 0);
  return (
    <figure className="flex flex-col gap-2" aria-labelledby={`${id}-title`} data-testid={id}>
      <figcaption className="flex flex-wrap items-baseline justify-between gap-x-3">
        <span id={`${id}-title`} className="text-sm font-medium text-slate-900">
          {title}
        </span>
        <span className="text-xs text-slate-600">{peakLabel(peak)}</span>
      </figcaption>
      <div className="relative">
        <svg
          viewBox={`0 0 ${WIDTH} ${height}`}
          preserveAspectRatio="none"
          className="block h-28 w-full sm:h-32"
          role="img"
          aria-label={summary}
        >
          <title>{summary}</title>
          <line
            x1={0}
            x2={WIDTH}
            y1={BAR_AREA + 0.5}
            y2={BAR_AREA + 0.5}
            stroke="#94a3b8"
            strokeWidth={1}
            vectorEffect="non-scaling-stroke"
          />
          <line
            x1={0}
            x2={WIDTH}
            y1={y(top / 2)}
            y2={y(top / 2)}
            stroke="#e2e8f0"
            strokeWidth={1}
            vectorEffect="non-scaling-stroke"
            strokeDasharray="4 4"
          />
          {totals.map((total, i) =>
            total === 0 ? null : (
              <g key={i}>
                <title>{`${bucketTitles[i]} · ${series
                  .filter((s) => (s.values[i] ?? 0) > 0)
                  .map((s) => `${s.name} ${s.values[i]}`)
                  .join(" · ")}`}</title>
                {series.map((s, k) => {
                  const { y0, y1 } = stacked[k]![i]!;
                  if (y1 === y0) return null;
                  return (
                    <rect
                      key={s.label}
                      x={i * step + 0.5}
                      width={step - 1}
                      y={y(y1)}
                      height={y(y0) - y(y1)}
                      fill={s.color}
                    />
                  );
                })}
              </g>
            ),
          )}
          {marks?.map((missing, i) =>
            missing ? (
              <rect key={`m${i}`} x={i * step} width={step} y={BAR_AREA + 2} height={MARK_AREA} fill="#dc2626">
                <title>{`${bucketTitles[i]} · ${markLabel ?? ""}`}</title>
              </rect>
            ) : null,
          )}
        </svg>
      </div>
      <div className="flex justify-between text-xs text-slate-600" aria-hidden="true">
        <span>{fromLabel}</span>
        <span>{nowLabel}</span>
      </div>
      <ul className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-700">
        {series.map((s) => (
          <li key={s.label} className="flex items-center gap-1.5">
            {/* An SVG swatch: a presentation attribute, not an inline style (the Content-Security-Policy forbids those). */}
            <svg aria-hidden="true" viewBox="0 0 10 10" className="h-2.5 w-2.5">
              <rect width={10} height={10} rx={2} fill={s.color} />
            </svg>
            {s.name} <span className="tabular-nums text-slate-600">{s.values.reduce((a, b) => a + b, 0)}</span>
          </li>
        ))}
      </ul>
      {footer}
    </figure>
  );
}
