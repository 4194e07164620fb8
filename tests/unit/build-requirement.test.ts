import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildRequirement } from "../support/build";

// Tests that need `next build` are skipped on a machine without one, but never under CI: there a missing build must
// fail, or a broken pipeline would pass with the CSRF, cookie, account-lock and bundle-secret tests silently skipped.

const TESTS = path.resolve(import.meta.dirname, "..");

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(test|spec)\.ts$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name));
}

describe("tests that need the build", () => {
  it("run with a build, are skipped without one locally, and fail without one under CI", () => {
    expect(buildRequirement(true, false)).toBe("run");
    expect(buildRequirement(true, true)).toBe("run");
    expect(buildRequirement(false, false)).toBe("skip");
    expect(buildRequirement(false, true)).toBe("fail");
  });

  it("are declared with describeWithBuild, never with a plain skip on the build", () => {
    const offenders = testFiles(TESTS)
      .filter((file) => file !== import.meta.filename)
      .filter((file) => /\.skip(If)?\(\s*!?\s*built\b|BUILD_ID/.test(readFileSync(file, "utf8")));
    expect(offenders.map((f) => path.relative(TESTS, f))).toEqual([]);
    const users = testFiles(TESTS).filter((file) => readFileSync(file, "utf8").includes("describeWithBuild("));
    expect(users.map((f) => path.relative(TESTS, f)).sort()).toEqual(
      expect.arrayContaining([
        "integration/client-bundle-secrets.test.ts",
        "integration/staff-list.test.ts",
        "integration/web-security.http.test.ts",
      ]),
    );
  });
});
