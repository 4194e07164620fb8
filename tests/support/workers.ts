import { spawn } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");

/**
 * A child process's output quoted for an error message: each line behind "│ ", so its stack traces stay text.
 * Unquoted, vitest reads a child's "at … (node_modules/tsx/dist/….cjs)" lines as frames of the test's own error,
 * fails to parse those files' inline source maps and reports a SyntaxError instead of the failure.
 */
export function quoteOutput(text: string, lastChars = 4000): string {
  return text
    .slice(-lastChars)
    .split("\n")
    .map((line) => `│ ${line}`)
    .join("\n");
}

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
    const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", script, ...args], {
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
      else reject(new Error(`${script} exited ${code}:\n${quoteOutput(err + out)}`));
    });
  });
}
