import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { loadEnvConfig } from "@next/env";
import { expect, it } from "vitest";
import { parseEnv } from "@/lib/env";
import { SANDBOX_COMPONENT } from "@/lib/sandbox/credentials";
import { E2E_INTERNAL_KEY } from "../e2e/global-setup";
import { TEST_SECRETS } from "../support/app-server";
import { describeWithBuild } from "../support/build";

// No secret in what the browser can fetch from the build (`next build` first): every client bundle and asset
// under .next/static, the prerendered pages and RSC payloads, and the build's top-level manifests. A secret gets
// there when a client component imports a server module (lib/env, lib/sandbox/credentials, …) or through a
// NEXT_PUBLIC_ variable or next.config `env`, both inlined at build time.

const ROOT = path.resolve(import.meta.dirname, "../..");
const NEXT_DIR = path.join(ROOT, ".next");

/** The environment variables that hold secrets (lib/env.ts); lists are comma-separated. */
const SECRET_VARIABLES = [
  "AUTH_SECRET",
  "SECRETS_KEY",
  "SECRETS_KEY_PREVIOUS",
  "WECHAT_COMPONENT_APPSECRET",
  "WECHAT_COMPONENT_TOKEN",
  "WECHAT_COMPONENT_AES_KEY",
  "WECHAT_COMPONENT_AES_KEY_PREVIOUS",
  "INTERNAL_API_KEYS",
  "STAFF_PASSWORD",
  "DATABASE_URL",
];

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

function publicBuildFiles(): string[] {
  return [
    ...filesUnder(path.join(NEXT_DIR, "static")),
    // Prerendered output is served as is (HTML, RSC payloads, route bodies and their headers).
    ...filesUnder(path.join(NEXT_DIR, "server/app")).filter((f) => /\.(html|rsc|body|meta)$/.test(f)),
    ...readdirSync(NEXT_DIR)
      .filter((f) => f.endsWith(".json"))
      .map((f) => path.join(NEXT_DIR, f)),
  ];
}

/** Every secret value this build could have seen, by name: built-in sandbox ones, test ones, and the env's. */
function knownSecrets(): Map<string, string> {
  const secrets = new Map<string, string>([
    ["sandbox appSecret", SANDBOX_COMPONENT.appSecret],
    ["sandbox token", SANDBOX_COMPONENT.token],
    ["sandbox encodingAesKey", SANDBOX_COMPONENT.encodingAesKey],
    ["test AUTH_SECRET", TEST_SECRETS.AUTH_SECRET],
    ["test SECRETS_KEY", TEST_SECRETS.SECRETS_KEY],
    ["e2e INTERNAL_API_KEYS", E2E_INTERNAL_KEY],
    ["demo staff password", parseEnv({ ...TEST_SECRETS, PGLITE_DIR: "memory://" }).staff!.password],
  ]);
  // As `next build` loads them: the process environment plus .env files.
  const { combinedEnv } = loadEnvConfig(ROOT, false, { info: () => {}, error: () => {} });
  for (const name of SECRET_VARIABLES) {
    const values = (combinedEnv[name] ?? "").split(",").map((v) => v.trim());
    // Short values would match by chance (the token may be 3 characters); real secrets are longer.
    values
      .filter((v) => v.length >= 8)
      .forEach((v, i) => secrets.set(`env ${name}${values.length > 1 ? ` #${i + 1}` : ""}`, v));
  }
  return secrets;
}

describeWithBuild("client bundles", () => {
  it("contain no secret value", () => {
    const files = publicBuildFiles();
    expect(
      files.filter((f) => f.includes(`${path.sep}static${path.sep}chunks${path.sep}`) && f.endsWith(".js")).length,
    ).toBeGreaterThan(5);
    const secrets = knownSecrets();
    const found: string[] = [];
    for (const file of files) {
      const content = readFileSync(file);
      for (const [name, value] of secrets) {
        if (content.includes(value)) found.push(`${name} in ${path.relative(ROOT, file)}`);
      }
    }
    expect(found).toEqual([]);
  });
});
