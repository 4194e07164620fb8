import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { users } from "@/db/schema";
import { DEMO_STAFF } from "@/lib/sandbox/credentials";
import { freePort, startAppServer, TEST_SECRETS } from "../support/app-server";
import { describeWithBuild } from "../support/build";
import { createTestDatabaseConfig, openConfiguredDatabase } from "../support/database";
import { postCredentialsOverHttp, SESSION_COOKIE } from "../support/sign-in";

// `next start` (the production build) as an operator runs it: a missing setting stops start-up with one clear line
// per variable and exit code 1; the sandbox runs only when asked for by name; a demo account a sandbox run left
// behind is disabled at the first start without it.

const ROOT = path.resolve(import.meta.dirname, "../..");
const REAL = {
  WECHAT_COMPONENT_APPID: "wx5f3c8b1a2d4e6f70",
  WECHAT_COMPONENT_APPSECRET: "0123456789abcdef0123456789abcdef",
  WECHAT_COMPONENT_TOKEN: "PortalToken2024",
  WECHAT_COMPONENT_AES_KEY: "Xy7Kp2Lm9Qw4Er8Ty1Ui5Op3As6Df0Gh2Jk4Lz7Xc9V",
};

/** `next start` with exactly `env` (no variable of this process leaks in): its exit code and everything it printed. */
async function runUntilExit(
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<{ code: number | null; output: string }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [path.join(ROOT, "node_modules/next/dist/bin/next"), "start", "-H", "127.0.0.1", "-p", String(port)],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "/tmp",
        NEXT_TELEMETRY_DISABLED: "1",
        ...env,
      } as Record<string, string> as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
  clearTimeout(timer);
  return { code, output };
}

describeWithBuild("start-up in production", () => {
  it("without WeChat's variables (and without the sandbox asked for) refuses to start: one line per missing variable, exit 1", async () => {
    const config = await createTestDatabaseConfig();
    try {
      const { code, output } = await runUntilExit({ NODE_ENV: "production", ...config.env });
      expect(code, output).toBe(1);
      expect(output).toContain("The portal cannot start: its environment is not valid");
      for (const name of [
        "WECHAT_COMPONENT_APPID",
        "WECHAT_COMPONENT_APPSECRET",
        "WECHAT_COMPONENT_TOKEN",
        "WECHAT_COMPONENT_AES_KEY",
      ]) {
        expect(output).toMatch(new RegExp(`^    - ${name}: is required in production .*set WECHAT_SANDBOX=1$`, "m"));
      }
      for (const name of ["AUTH_SECRET", "SECRETS_KEY", "APP_URL"])
        expect(output).toMatch(new RegExp(`^    - ${name}: `, "m"));
      // Said once, plainly: no stack trace, no demo login, and the database was never opened.
      expect(output.match(/cannot start/g)).toHaveLength(1);
      expect(output).not.toMatch(/\n\s+at /);
      expect(output).not.toContain("Demo staff login");
      if (!config.databaseUrl) expect(existsSync(config.pgliteDir)).toBe(false);
    } finally {
      await config.drop();
    }
  }, 90_000);

  it("refuses the sandbox together with a real AppID", async () => {
    const { code, output } = await runUntilExit({
      NODE_ENV: "production",
      WECHAT_SANDBOX: "1",
      WECHAT_COMPONENT_APPID: REAL.WECHAT_COMPONENT_APPID,
      PGLITE_DIR: "memory://",
      ...TEST_SECRETS,
    });
    expect(code, output).toBe(1);
    expect(output).toMatch(
      /^ {4}- WECHAT_COMPONENT_APPID: must not be set with WECHAT_SANDBOX=1 \(the sandbox never runs with real credentials\)/m,
    );
    expect(output).not.toContain("Demo staff login");
  }, 90_000);

  it("with WECHAT_SANDBOX=1 starts the sandbox and prints the demo login; the next start without it disables that account", async () => {
    const config = await createTestDatabaseConfig();
    try {
      const sandboxed = await startAppServer({ database: config, env: { BACKGROUND_JOBS: "0" } });
      try {
        expect(sandboxed.output()).toContain(`Demo staff login: ${DEMO_STAFF.email} / ${DEMO_STAFF.password}`);
        expect((await fetch(`${sandboxed.url}/sandbox`)).status).toBe(200);
        const signedIn = await postCredentialsOverHttp(sandboxed.url, DEMO_STAFF.email, DEMO_STAFF.password);
        expect(signedIn.headers.getSetCookie().some((c) => SESSION_COOKIE.test(c))).toBe(true);
      } finally {
        await sandboxed.stop();
      }

      // The same database, now with real credentials: the demo admin (a public password) must not stay usable.
      const port = await freePort();
      const real = await startAppServer({
        database: config,
        port,
        env: { ...REAL, WECHAT_SANDBOX: "", APP_URL: `https://127.0.0.1:${port}`, BACKGROUND_JOBS: "0" },
      });
      try {
        expect(real.output()).toMatch(/disabled the sandbox's demo staff account staff@demo\.local/);
        expect(real.output()).not.toContain("Demo staff login");
        expect((await fetch(`${real.url}/sandbox`)).status).toBe(404);
        expect((await fetch(`${real.url}/sandbox/api/state`)).status).toBe(404);
        const refused = await postCredentialsOverHttp(real.url, DEMO_STAFF.email, DEMO_STAFF.password);
        expect(refused.headers.getSetCookie().some((c) => SESSION_COOKIE.test(c))).toBe(false);
        expect(new URL(refused.headers.get("location") ?? "", real.url).searchParams.get("code")).toBe(
          "account_disabled",
        );
      } finally {
        await real.stop();
      }
      const database = await openConfiguredDatabase(config);
      try {
        const [demo] = await database.db
          .select({ disabled: sql<boolean>`${users.disabledAt} is not null` })
          .from(users)
          .where(eq(users.email, DEMO_STAFF.email));
        expect(demo).toEqual({ disabled: true });
      } finally {
        await database.close();
      }
    } finally {
      await config.drop();
    }
  }, 180_000);
});
