import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatReport, runFuzz, type FuzzReport, type Violation } from "../fuzz/harness";

// Quick mode of the hostile-input fuzz (issue 7): a few hundred generated requests against both push routes and
// the authorization callback of the built app. `npm run fuzz` is the long mode. A fixed default seed keeps
// `npm test` deterministic; FUZZ_SEED and FUZZ_CASES override it.
const seed = Number(process.env.FUZZ_SEED ?? 20_260_701);
const cases = Number(process.env.FUZZ_CASES ?? 300);

describe("hostile input to the push routes and the authorization callback (quick fuzz)", () => {
  let report: FuzzReport;
  beforeAll(async () => {
    report = await runFuzz({ seed, cases, warmupCases: 60 });
  }, 240_000);
  afterAll(() => {
    if (report) console.log(formatReport(report));
  });

  const failures = (scope: Violation["scope"]) =>
    report.violations.filter((v) => v.scope === scope).map((v) => v.message);

  it("component event route: valid pushes succeed, everything else gets its 4xx", () => {
    expect(report.targets.component.cases).toBeGreaterThan(0);
    expect(failures("component")).toEqual([]);
  });

  it("authorizer message route: valid pushes succeed, everything else gets a 4xx", () => {
    expect(report.targets.authorizer.cases).toBeGreaterThan(0);
    expect(failures("authorizer")).toEqual([]);
  });

  it("authorization callback: every refusal is a redirect to a page that says why", () => {
    expect(report.targets.callback.cases).toBeGreaterThan(0);
    expect(failures("callback")).toEqual([]);
  });

  it("server: alive, healthy, memory steady", () => {
    expect(failures("server")).toEqual([]);
  });

  it("database: each valid push stored once, nothing from refused input", () => {
    expect(failures("rows")).toEqual([]);
    expect(report.rows.badMarkers).toBe(0);
  });
});
