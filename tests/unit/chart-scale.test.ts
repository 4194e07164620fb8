import { describe, expect, it } from "vitest";
import { linear, niceMax, stack } from "@/app/(staff)/staff/_components/charts/scale";
import { toChart } from "@/lib/charts/data";

describe("chart scale helper", () => {
  it("rounds the axis top up to 1, 2 or 5 × 10ⁿ", () => {
    expect([0, 0.3, 1, 3, 7, 12, 99, 101, 4000].map(niceMax)).toEqual([1, 1, 1, 5, 10, 20, 100, 200, 5000]);
  });

  it("maps linearly and stacks bottom to top", () => {
    const y = linear([0, 10], [100, 0]);
    expect([y(0), y(5), y(10)]).toEqual([100, 50, 0]);
    expect(
      stack([
        [1, 0],
        [2, 3],
      ]),
    ).toEqual([
      [
        { y0: 0, y1: 1 },
        { y0: 0, y1: 0 },
      ],
      [
        { y0: 1, y1: 3 },
        { y0: 0, y1: 3 },
      ],
    ]);
  });

  it("keeps the busiest four error codes and sums the rest as `other`", () => {
    const buckets = [0, 600];
    const rows = ["1", "2", "3", "4", "5", "6"].map((label, i) => ({
      bucket: 600,
      series: "wechat_error",
      label,
      n: 10 - i,
    }));
    const chart = toChart(buckets, rows, "wechat_error", false);
    expect(chart.series.map((s) => s.label)).toEqual(["1", "2", "3", "4", "other"]);
    expect(chart.series[4]!.values).toEqual([0, 11]);
    expect(chart.total).toBe(45);
  });
});
