// npm run staff:create -- --email ops@example.com [--role admin|staff] [--force]
// Creates a staff or admin account on this server (the first admin, typically), audited as `cli`. The password
// comes from STAFF_PASSWORD or is asked for twice (hidden) on a terminal. An existing account is left alone
// unless --force, which sets its role and password; a merchant's account is never turned into staff.
// Runs with `--conditions=react-server` so that `server-only` imports resolve to an empty module.
import { parseArgs } from "node:util";
import { z } from "zod";
import { openDatabase } from "@/db";
import { EnvError, getEnv } from "@/lib/env";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password-policy";
import { createStaffAccount } from "@/lib/staff/users";

const USAGE = "usage: npm run staff:create -- --email ops@example.com [--role admin|staff] [--force]";

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stdout.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding("utf8");
    let value = "";
    const done = (error?: Error) => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stdout.write("\n");
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n") return done();
        if (ch === "\u0003" || ch === "\u0004") return done(new Error("cancelled"));
        if (ch === "\u007f" || ch === "\b") value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on("data", onData);
  });
}

let args;
try {
  args = parseArgs({
    options: {
      email: { type: "string" },
      role: { type: "string", default: "admin" },
      force: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  }).values;
} catch (error) {
  fail(`${(error as Error).message}\n${USAGE}`);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const email = z.email().safeParse(args.email?.trim());
if (!email.success) fail(`--email: a valid email address is required\n${USAGE}`);
const role = z.enum(["admin", "staff"]).safeParse(args.role);
if (!role.success) fail(`--role: must be admin or staff\n${USAGE}`);

let env;
try {
  env = getEnv();
} catch (error) {
  fail(error instanceof EnvError ? error.message : String(error));
}

let password = env.staffPassword;
if (password === undefined) {
  if (!process.stdin.isTTY) fail("Set STAFF_PASSWORD, or run this on a terminal to be asked for the password.");
  try {
    password = await promptHidden(`Password for ${email.data} (at least ${MIN_PASSWORD_LENGTH} characters): `);
    if (password.length < MIN_PASSWORD_LENGTH)
      fail(`The password must be at least ${MIN_PASSWORD_LENGTH} characters; nothing changed.`);
    if ((await promptHidden("Repeat the password: ")) !== password)
      fail("The passwords do not match; nothing changed.");
  } catch {
    fail("Cancelled; nothing changed.");
  }
}
if (password.length < MIN_PASSWORD_LENGTH)
  fail(`The password must be at least ${MIN_PASSWORD_LENGTH} characters; nothing changed.`);

let database;
try {
  database = await openDatabase({ databaseUrl: env.databaseUrl, pgliteDir: env.pgliteDir });
} catch (error) {
  fail(`Could not open the database: ${(error as Error).message}`);
}
try {
  const result = await createStaffAccount(database.db, {
    email: email.data,
    role: role.data,
    password,
    force: args.force,
  });
  switch (result.outcome) {
    case "created":
      console.log(
        `Created ${role.data} ${email.data.toLowerCase()} (user ${result.userId}); recorded in the audit log as cli.`,
      );
      break;
    case "updated":
      console.log(
        `Updated ${email.data.toLowerCase()} (user ${result.userId}): role ${result.previousRole} → ${role.data}, password replaced; recorded in the audit log as cli.`,
      );
      break;
    case "exists":
      process.exitCode = 1;
      console.error(
        result.role === "merchant"
          ? `Refused: ${email.data.toLowerCase()} is a merchant's account and cannot become staff. Nothing changed.`
          : `${email.data.toLowerCase()} already exists (${result.role}). Nothing changed; --force sets its role and password.`,
      );
      break;
  }
} catch (error) {
  process.exitCode = 1;
  console.error(`Failed: ${(error as Error).message}`);
} finally {
  await database.close();
}
