import os from "node:os";
import { ensureBuild, redactUrl } from "./build";

// `npm run bench`: every benchmark, one after another, printing its numbers (`npm run bench -- refresh` runs one; `push`, `refresh`, `staff`, `messages`, `release`;
// the multi-instance runs are `npm run bench:cluster` and `npm run bench:faults`). Not a test: a missed aim is
// reported, not an exit code. Needs PostgreSQL: DATABASE_URL (used as the admin URL to create throwaway
// databases), else the local server at postgres://postgres@127.0.0.1:5432/postgres.

const DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/postgres";

async function main(): Promise<void> {
  process.env.DATABASE_URL ||= DEFAULT_DATABASE_URL;
  console.log(
    `PostgreSQL: ${redactUrl(process.env.DATABASE_URL)} (a throwaway database per server, dropped afterwards)`,
  );
  console.log(`Machine: ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? "?"}), Node ${process.version}`);
  await ensureBuild();

  // Imported after DATABASE_URL is settled: the test support modules read it.
  const only = process.argv.slice(2);
  const { benchTicketPushes } = await import("./ticket-push");
  const { benchTokenRefresh } = await import("./token-refresh");
  const { benchStaffList } = await import("./staff-list");
  const { benchMessages } = await import("./messages");
  const { benchRelease } = await import("./release");
  if (only.length === 0 || only.includes("push")) await benchTicketPushes();
  if (only.length === 0 || only.includes("refresh")) await benchTokenRefresh();
  if (only.length === 0 || only.includes("staff")) await benchStaffList();
  if (only.length === 0 || only.includes("messages")) await benchMessages();
  // `npm run bench -- release --accounts 50` (or RELEASE_BENCH_ACCOUNTS=50) for a smaller run.
  if (only.length === 0 || only.includes("release")) await benchRelease();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
