import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// Every Server Function of the staff console is a plain POST endpoint anyone can reach with its action id, so each
// must check who is calling before anything else. This reads every "use server" module under app/(staff) and
// requires the first statement of each exported function to be `await requireStaff(...)` or `await requireAdmin(...)`.
// (The e2e replays a real staff action from a merchant's session and gets 403; this covers the rest.)

const ROOT = path.resolve(import.meta.dirname, "../..", "app/(staff)");

function serverModules(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return serverModules(full);
    return /\.tsx?$/.test(name) && /^\s*["']use server["']/.test(readFileSync(full, "utf8")) ? [full] : [];
  });
}

describe("staff Server Functions", () => {
  const modules = serverModules(ROOT);

  it("exist (the console's actions are found)", () => {
    expect(modules.map((m) => path.relative(ROOT, m)).sort()).toEqual([
      "staff/authorizations/[appid]/actions.ts",
      "staff/operations/actions.ts",
      "staff/registrations/actions.ts",
      "staff/releases/actions.ts",
      "staff/setup/actions.ts",
      "staff/users/actions.ts",
    ]);
  });

  for (const file of serverModules(ROOT)) {
    it(`${path.relative(ROOT, file)}: every exported action starts with the staff guard`, () => {
      const source = readFileSync(file, "utf8");
      const exported = [...source.matchAll(/export async function (\w+)\s*\([^)]*\)[^{]*\{([\s\S]*?)\n\}/g)];
      expect(exported.length).toBeGreaterThan(0);
      // Every exported function was read: one whose signature the pattern misses (a generic, say) is not skipped.
      expect(exported.map(([, name]) => name)).toHaveLength(
        source.match(/^export (?:default )?(?:async )?function\b/gm)?.length ?? 0,
      );
      for (const [, name, body] of exported) {
        const firstStatement = body!
          .split("\n")
          .map((l) => l.trim())
          .find((l) => l.length > 0 && !l.startsWith("//"));
        expect(firstStatement, name).toMatch(/^(const \w+ = |const \{[^}]+\} = )?await require(Staff|Admin)\(/);
      }
      // No other exported function form (arrow functions, re-exports) slips past the check above.
      expect(source).not.toMatch(/export const \w+\s*=\s*async/);
      expect(source).not.toMatch(/export \{/);
    });
  }
});
