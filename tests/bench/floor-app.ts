import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * The framework's floor for the ticket-push benchmark: an empty POST route handler, built into a throwaway copy of
 * the app under `.bench/floor-app` (git-ignored), never into the app itself, so no production build ships it. The
 * copy has the app's next.config, instrumentation, proxy, lib/, db/ and catalogs (the same start-up and the same
 * per-request work around a route handler); its app/ holds that one route. Rebuilt when a copied file changes.
 */

const ROOT = path.resolve(import.meta.dirname, "../..");
export const FLOOR_APP_DIR = path.join(ROOT, ".bench/floor-app");
export const FLOOR_PATH = "/api/bench/empty";

/** What the server needs at build and run time (no app/, tests, scripts or docs). */
const COPIED = [
  "lib",
  "db",
  "messages",
  "public",
  "instrumentation.ts",
  "proxy.ts",
  "next.config.mjs",
  "postcss.config.mjs",
  "package.json",
  "tsconfig.json",
];

const FLOOR_ROUTE = `// POST ${FLOOR_PATH}: an empty handler, the framework's floor (tests/bench/floor-app.ts)
export async function POST() {
  return new Response("success");
}
`;

/** startAppServer waits for GET /api/health to answer 200 before it hands the server over. */
const FLOOR_HEALTH_ROUTE = `// GET /api/health: ready (tests/bench/floor-app.ts; the floor app has no database checks to report)
export async function GET() {
  return Response.json({ ok: true });
}
`;

function listFiles(entry: string): string[] {
  const full = path.join(ROOT, entry);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [entry];
  return readdirSync(full, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.relative(ROOT, path.join(d.parentPath, d.name)))
    .sort();
}

/** A digest of the copied sources and the floor route: the build is reused while it matches. */
function sourceDigest(): string {
  const hash = createHash("sha256").update(FLOOR_ROUTE).update(FLOOR_HEALTH_ROUTE);
  for (const file of COPIED.flatMap(listFiles))
    hash
      .update(file)
      .update("\0")
      .update(readFileSync(path.join(ROOT, file)));
  return hash.digest("hex");
}

/** Builds the floor app if it is missing or its sources changed; returns its directory (for `next start`). */
export async function ensureFloorBuild(): Promise<string> {
  const digest = sourceDigest();
  const stamp = path.join(FLOOR_APP_DIR, ".source-digest");
  const current =
    existsSync(path.join(FLOOR_APP_DIR, ".next/BUILD_ID")) &&
    existsSync(stamp) &&
    readFileSync(stamp, "utf8") === digest;
  if (current) return FLOOR_APP_DIR;

  console.log(`Floor app: building the empty route into a copy of the app (${path.relative(ROOT, FLOOR_APP_DIR)})...`);
  rmSync(FLOOR_APP_DIR, { recursive: true, force: true });
  mkdirSync(FLOOR_APP_DIR, { recursive: true });
  for (const entry of COPIED) {
    if (existsSync(path.join(ROOT, entry)))
      cpSync(path.join(ROOT, entry), path.join(FLOOR_APP_DIR, entry), { recursive: true });
  }
  const routeDir = path.join(FLOOR_APP_DIR, "app", ...FLOOR_PATH.split("/").filter(Boolean));
  mkdirSync(routeDir, { recursive: true });
  writeFileSync(path.join(routeDir, "route.ts"), FLOOR_ROUTE);
  const healthDir = path.join(FLOOR_APP_DIR, "app", "api", "health");
  mkdirSync(healthDir, { recursive: true });
  writeFileSync(path.join(healthDir, "route.ts"), FLOOR_HEALTH_ROUTE);
  // No node_modules in the copy: it sits inside the project, so modules resolve from the project's own.
  for (let attempt = 1; ; attempt++) {
    const result = spawnSync(process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "build"], {
      cwd: FLOOR_APP_DIR,
      stdio: "inherit",
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    });
    if (result.status === 0) break;
    if (attempt >= 2) throw new Error("next build of the floor app failed");
  }
  writeFileSync(stamp, digest);
  return FLOOR_APP_DIR;
}
