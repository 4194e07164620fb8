import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { SANDBOX_COMPONENT } from "@/lib/sandbox/credentials";
import { createTestDatabaseConfig, type TestDatabaseConfig } from "./database";
import { quoteOutput } from "./workers";

const ROOT = path.resolve(import.meta.dirname, "../..");

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

export interface AppServer {
  url: string;
  port: number;
  /** The `next start` process (benchmarks read its peak RSS from /proc). */
  pid: number;
  /** Whether the `next start` process is still running (it has not exited or crashed). */
  alive(): boolean;
  database: TestDatabaseConfig;
  /** Output so far (for diagnosing a failed test). */
  output(): string;
  stop(): Promise<void>;
}

export const TEST_SECRETS = {
  AUTH_SECRET: "test-auth-secret-0123456789abcdefghijklmnop",
  SECRETS_KEY: Buffer.alloc(32, 7).toString("base64"),
};

/**
 * Starts the built app (`next start`, needs `next build` first) on 127.0.0.1 and a free port, with the sandbox
 * on and a fresh database unless one is given.
 */
export async function startAppServer(
  options: {
    env?: Record<string, string>;
    database?: TestDatabaseConfig;
    port?: number;
    /** Another built app to start (the benchmark's floor app); default the project itself. */
    cwd?: string;
  } = {},
): Promise<AppServer> {
  // A port chosen beforehand: the caller needs it in its env (APP_URL of another scheme), or a load balancer in front
  // starts first (its URL is the instances' APP_URL).
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const database = options.database ?? (await createTestDatabaseConfig());
  const env = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "/tmp",
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    APP_URL: url,
    WECHAT_SANDBOX: "1",
    LOG_LEVEL: "warn",
    ...TEST_SECRETS,
    ...database.env,
    ...options.env,
  } as NodeJS.ProcessEnv;
  const child = spawn(
    process.execPath,
    [path.join(ROOT, "node_modules/next/dist/bin/next"), "start", "-H", "127.0.0.1", "-p", String(port)],
    {
      cwd: options.cwd ?? ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    },
  );
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));

  const server: AppServer = {
    url,
    port,
    pid: child.pid ?? 0,
    alive: () => child.exitCode === null && child.signalCode === null,
    database,
    output: () => output,
    stop: () => stopChild(child),
  };
  try {
    await waitForHealth(url, child, () => output);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode}:\n${quoteOutput(output())}`);
    try {
      const response = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) });
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`app did not become healthy:\n${quoteOutput(output())}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // already gone
    }
  }, 10_000);
  await exited;
  clearTimeout(timer);
}

export { SANDBOX_COMPONENT };
