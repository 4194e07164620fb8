import { spawn } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");

/**
 * Runs a test worker script (tests/support/*-worker.ts) as a separate Node process with `env` added, and
 * resolves with the JSON it prints on its `RESULT ` line (also after a non-zero exit with `anyExitCode`).
 */
export function runWorker<T>(
  script: string,
  env: Record<string, string | undefined>,
  options: { args?: string[]; anyExitCode?: boolean } = {},
): Promise<T> {
  const { args = [], anyExitCode = false } = options;
  return new Promise<T>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("exit", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("RESULT "));
      if (line && (code === 0 || anyExitCode)) resolve(JSON.parse(line.slice("RESULT ".length)) as T);
      else reject(new Error(`${script} exited ${code}: ${err}${out}`));
    });
  });
}
