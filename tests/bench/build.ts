import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";

// The production build every benchmark runs (`next start` needs one), built if missing. A build of older sources
// is not detected: delete .next/BUILD_ID to rebuild. (The ticket-push floor route has its own build: floor-app.ts.)

const ROOT = path.resolve(import.meta.dirname, "../..");

function isBuilt(): boolean {
  return existsSync(path.join(ROOT, ".next/BUILD_ID"));
}

export async function ensureBuild(): Promise<void> {
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
  console.log(
    `Build: .next from ${statSync(path.join(ROOT, ".next/BUILD_ID")).mtime.toISOString()} (delete .next/BUILD_ID to rebuild)`,
  );
}

export function redactUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = "***";
  return u.toString();
}

export function describeMachine(): string {
  return `${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? "?"}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GB, Node ${process.version}, ${new Date().toISOString()}`;
}
