import { existsSync } from "node:fs";
import path from "node:path";
import { describe, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** Whether `next build` has run here: the tests over HTTP and the bundle scan use the production build. */
export const built = existsSync(path.join(ROOT, ".next/BUILD_ID"));

/** CI (the `CI` variable, as every CI service and .ci/run set it) must never skip a test for want of a build. */
export const underCi = ["", "0", "false"].includes((process.env.CI ?? "").trim().toLowerCase()) === false;

/** Tests that need the build: run; skipped on a developer's machine without one; failed under CI without one. */
export function buildRequirement(hasBuild: boolean, ci: boolean): "run" | "skip" | "fail" {
  if (hasBuild) return "run";
  return ci ? "fail" : "skip";
}

/**
 * `describe` for tests that need `next build`. Without a build they are skipped locally (say so: vitest lists
 * them as skipped), but under CI a missing build fails, so a broken pipeline cannot pass by skipping them.
 */
export function describeWithBuild(name: string, body: () => void): void {
  const requirement = buildRequirement(built, underCi);
  if (requirement === "fail") {
    describe(name, () => {
      it("needs the production build", () => {
        throw new Error(
          "no build (.next/BUILD_ID): run `npx next build` first; under CI a missing build fails instead of skipping",
        );
      });
    });
    return;
  }
  describe.skipIf(requirement === "skip")(name, body);
}
