import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";

// `npm run bench`: every benchmark, one after another, printing its numbers (`npm run bench -- refresh` runs one; `push`, `refresh`, `staff`). Not a test: a missed aim is
// reported, not an exit code. Needs PostgreSQL: DATABASE_URL (used as the admin URL to create throwaway
// databases), else the local server at postgres://postgres@127.0.0.1:5432/postgres.

const ROOT = path.resolve(import.meta.dirname, "../..");
const DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/postgres";

function isBuilt(): boolean {
  // The empty route is checked too: a build from before it existed would answer 404.
  return existsSync(path.join(ROOT, ".next/BUILD_ID")) && existsSync(path.join(ROOT, ".next/server/app/api/bench/empty/route.js"));
}

async function ensureBuild(): Promise<void> {
  for (let attempt = 1; !isBuilt(); attempt++) {
    if (attempt > 3) throw new Error("next build failed");
    console.log("No current production build: running `next build`...");
    const result = spawnSync(process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "build"], {
      cwd: ROOT,
      stdio: "inherit",
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    });
    // Another build may be running (Next refuses a second one): wait for it rather than fail.
    if (result.status !== 0) await new Promise((r) => setTimeout(r, 20_000));
  }
  console.log(`Build: .next from ${statSync(path.join(ROOT, ".next/BUILD_ID")).mtime.toISOString()} (delete .next/BUILD_ID to rebuild)`);
}

function redactUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = "***";
  return u.toString();
}

async function main(): Promise<void> {
  process.env.DATABASE_URL ||= DEFAULT_DATABASE_URL;
  console.log(`PostgreSQL: ${redactUrl(process.env.DATABASE_URL)} (a throwaway database per server, dropped afterwards)`);
  console.log(`Machine: ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? "?"}), Node ${process.version}`);
  await ensureBuild();

  // Imported after DATABASE_URL is settled: the test support modules read it.
  const only = process.argv.slice(2);
  const { benchTicketPushes } = await import("./ticket-push");
  const { benchTokenRefresh } = await import("./token-refresh");
  const { benchStaffList } = await import("./staff-list");
  if (only.length === 0 || only.includes("push")) await benchTicketPushes();
  if (only.length === 0 || only.includes("refresh")) await benchTokenRefresh();
  if (only.length === 0 || only.includes("staff")) await benchStaffList();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
