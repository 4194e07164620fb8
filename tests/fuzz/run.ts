import type { Target } from "./cases";
import { formatReport, runFuzz } from "./harness";

// `npm run fuzz`: the long mode of the hostile-input fuzz (issue 7), at least 10,000 cases against the built app.
// FUZZ_CASES, FUZZ_SEED (default: random, printed), FUZZ_CONCURRENCY, FUZZ_ONLY=<case> (rerun one case of a seed),
// FUZZ_TARGETS=component,authorizer,callback (a subset), FUZZ_SERVER_NODE_OPTIONS (e.g. a heap cap).
// Uses PGlite unless DATABASE_URL is set. Needs `next build` first. Exits 1 on any violation.

async function main(): Promise<void> {
  const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
  const cases = Number(process.env.FUZZ_CASES ?? 10_000);
  const only = process.env.FUZZ_ONLY === undefined ? undefined : Number(process.env.FUZZ_ONLY);
  console.log(
    `fuzz: seed ${seed}, ${only === undefined ? `${cases} cases` : `case ${only} only`}, ${process.env.DATABASE_URL ? "PostgreSQL" : "PGlite"}`,
  );
  const report = await runFuzz({
    seed,
    cases,
    only,
    serverNodeOptions: process.env.FUZZ_SERVER_NODE_OPTIONS,
    targets: process.env.FUZZ_TARGETS ? (process.env.FUZZ_TARGETS.split(",") as Target[]) : undefined,
    concurrency: Number(process.env.FUZZ_CONCURRENCY ?? 4),
    warmupCases: 200,
    progress: (line) => console.log(`  ${line}`),
  });
  console.log(formatReport(report));
  process.exitCode = report.violations.length === 0 ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
