/**
 * Structured one-line JSON logs. Fields whose name looks like a credential are masked, so a token,
 * secret, ticket or code can't reach a log line by accident.
 */
import { randomBytes } from "node:crypto";
import { isSpanContextValid, trace } from "@opentelemetry/api";
import { workUnitAsyncStorage } from "next/dist/server/app-render/work-unit-async-storage.external";

type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level | "silent", number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };
const SENSITIVE = /token|secret|ticket|password|passwd|key|code|encrypt|authorization|cookie/i;

let threshold = ORDER.info;

export function setLogLevel(level: Level | "silent"): void {
  threshold = ORDER[level];
}

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 4 || value === null || typeof value !== "object") return value;
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] =
      SENSITIVE.test(k) && v !== null && v !== undefined && typeof v !== "boolean" && typeof v !== "number"
        ? "[redacted]"
        : redact(v, depth + 1);
  }
  return out;
}

/** An `X-Request-Id` from the proxy in front is kept when it is a plain token; otherwise one is made here. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const requestIds = new WeakMap<object, string>();

/**
 * The request a log line belongs to, so one push can be followed across lines: `requestId` (the caller's
 * X-Request-Id, or one made per request) and, with tracing on, `traceId`. Next keeps each request's context in its
 * work-unit AsyncLocalStorage (route handlers, pages, server actions and their `after()` work); outside a request
 * (background jobs, scripts) the line carries neither.
 */
export function requestContext(): { requestId?: string; traceId?: string } {
  const out: { requestId?: string; traceId?: string } = {};
  try {
    const store = workUnitAsyncStorage.getStore() as { headers?: Headers } | undefined;
    if (store) {
      let id = requestIds.get(store);
      if (!id) {
        const given = store.headers?.get?.("x-request-id") ?? "";
        id = REQUEST_ID.test(given) ? given : randomBytes(8).toString("hex");
        requestIds.set(store, id);
      }
      out.requestId = id;
    }
  } catch {
    // Not inside Next (a script, a test): no request.
  }
  const span = trace.getActiveSpan()?.spanContext();
  if (span && isSpanContextValid(span)) out.traceId = span.traceId;
  return out;
}

function write(level: Level, msg: string, fields?: Record<string, unknown>): void {
  if (ORDER[level] < threshold) return;
  const line = JSON.stringify({
    t: new Date().toISOString(),
    level,
    msg,
    ...requestContext(),
    ...(redact(fields ?? {}) as object),
  });
  if (level === "error" || level === "warn") process.stderr.write(`${line}\n`);
  else process.stdout.write(`${line}\n`);
}

/**
 * A database or driver error, described without the failed statement's parameters (drizzle puts the query
 * and its values in the message, and values can be tickets or tokens).
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause : undefined;
  if (error.message.startsWith("Failed query")) return cause ? `${cause.name}: ${cause.message}` : "query failed";
  return `${error.name}: ${error.message}`;
}

export const log = {
  debug: (msg: string, fields?: Record<string, unknown>) => write("debug", msg, fields),
  info: (msg: string, fields?: Record<string, unknown>) => write("info", msg, fields),
  warn: (msg: string, fields?: Record<string, unknown>) => write("warn", msg, fields),
  error: (msg: string, fields?: Record<string, unknown>) => write("error", msg, fields),
};
