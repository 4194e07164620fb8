import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

// Benchmark helpers: a typed wrapper around autocannon's programmatic API, and /proc readings
// (peak RSS, CPU time) for the processes under load.

export interface LoadRequest {
  method: "POST" | "GET";
  headers?: Record<string, string>;
  /** Builds each request just before it is sent (`path` and `body` may change per request). */
  setupRequest?: (req: LoadRequestData, context: Record<string, unknown>) => LoadRequestData;
  /** Sees every response of this request, with the context its setupRequest wrote to. */
  onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
}

export interface LoadRequestData {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  [key: string]: unknown;
}

export interface LoadOptions {
  url: string;
  connections: number;
  durationSeconds: number;
  requests: LoadRequest[];
}

interface Stat {
  average: number;
  p50: number;
  p99: number;
  max: number;
}

export interface LoadResult {
  requests: Stat;
  latency: Stat;
  "2xx": number;
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
  statusCodeStats: Record<string, { count: number }>;
}

type Autocannon = (options: Record<string, unknown>) => Promise<LoadResult>;
// autocannon ships no types; required through createRequire so the wrapper carries the few it needs.
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

/** One autocannon run (no progress bar, no printed report); resolves with its aggregated result. */
export function load(options: LoadOptions): Promise<LoadResult> {
  return autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    pipelining: 1,
    timeout: 10,
    requests: options.requests,
  });
}

export interface ProcessMemory {
  pid: number;
  command: string;
  /** Peak resident set size (VmHWM), bytes. */
  peakRss: number;
}

/** `pid` and all its descendants (via `ps --ppid`), each with its peak RSS. */
export function processTreeMemory(pid: number): ProcessMemory[] {
  const out: ProcessMemory[] = [];
  const queue = [pid];
  while (queue.length) {
    const current = queue.shift()!;
    const status = readProc(current, "status");
    if (status === undefined) continue;
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(status);
    // argv[0] rather than Name (cut at 15 characters): next start retitles itself `next-server (vX.Y.Z)`.
    const command = readProc(current, "cmdline")?.split("\0")[0] || /^Name:\s+(.*)$/m.exec(status)?.[1] || "?";
    out.push({ pid: current, command: path.basename(command), peakRss: Number(hwm?.[1] ?? 0) * 1024 });
    queue.push(...childPids(current));
  }
  return out;
}

function childPids(pid: number): number[] {
  try {
    return execFileSync("ps", ["-o", "pid=", "--ppid", String(pid)], { encoding: "utf8" })
      .split("\n")
      .map((s) => Number.parseInt(s.trim(), 10))
      .filter((n) => Number.isInteger(n));
  } catch {
    return []; // ps exits 1 when there are none
  }
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) used so far by the given processes. */
export function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const stat = readProc(pid, "stat");
    if (!stat) continue;
    // Fields after the parenthesised command: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / CLOCK_TICKS;
}

/** Pids of a process tree. */
export function treePids(pid: number): number[] {
  return processTreeMemory(pid).map((p) => p.pid);
}

function readProc(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    return undefined;
  }
}

/** CPU seconds the whole machine has spent busy so far (all cores; from /proc/stat, idle and iowait excluded). */
export function machineBusySeconds(): number {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0]!;
  const [, ...values] = line.trim().split(/\s+/);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = values.map(Number);
  return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS;
}
