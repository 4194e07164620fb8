import { EnvError, getEnv, type Env } from "@/lib/env";

/**
 * The environment for `next start` / `next dev`, or the end of the process: a bad or missing setting stops
 * start-up with one line per problem and exit code 1, instead of a server that answers every request with an
 * error (or, worse, runs with a default it should not).
 */
export function getEnvOrExit(): Env {
  try {
    return getEnv();
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    process.stderr.write(
      [
        "",
        "  The portal cannot start: its environment is not valid (see docs/operations.md, Environment).",
        ...error.problems.map((p) => `    - ${p}`),
        "",
        "",
      ].join("\n"),
    );
    process.exit(1);
  }
}
