import { spawn } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { createInterface } from "node:readline";

// A round-robin HTTP proxy in front of several `next start` instances, standing in for a load balancer.
// It runs in its own process so its work does not share the load generator's event loop:
//   node --import tsx tests/bench/round-robin-proxy.ts <port> <upstream-url>...
// It prints `{"port":…}` once listening, and `{"counts":[…]}` (requests per upstream) on SIGTERM.

const ROOT = path.resolve(import.meta.dirname, "../..");

function serve(port: number, upstreams: URL[]): http.Server {
  // Keep-alive to the instances, as a real balancer pools its upstream connections. An idle pooled socket is
  // dropped after 4 s, before Next's own 5 s keep-alive timeout closes it from the other end: otherwise a request
  // sent on a socket the instance is just closing fails (ECONNRESET) and the client gets a 502 that no instance
  // gave (seen once in a fault run, after the slow answers of a database outage left sockets idle).
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256, timeout: 4000 });
  const counts = upstreams.map(() => 0);
  let next = 0;
  const server = http.createServer((req, res) => {
    const index = next++ % upstreams.length;
    counts[index]!++;
    const target = upstreams[index]!;
    const upstream = http.request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        // The Host header is kept: APP_URL (this proxy) is the public origin the app builds its URLs from.
        headers: { ...req.headers, "x-forwarded-for": req.socket.remoteAddress ?? "" },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    // An unreachable instance: the client sees a 502, as behind nginx.
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
      res.end("bad gateway");
    });
    req.pipe(upstream);
  });
  server.keepAliveTimeout = 65_000;
  server.listen(port, "127.0.0.1", () => console.log(JSON.stringify({ port })));
  process.on("SIGTERM", () => {
    console.log(JSON.stringify({ counts }));
    process.exit(0);
  });
  return server;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const [port, ...upstreams] = process.argv.slice(2);
  serve(
    Number(port),
    upstreams.map((u) => new URL(u)),
  );
}

export interface RoundRobinProxy {
  url: string;
  pid: number;
  /** Stops it; resolves with how many requests each upstream got. */
  stop(): Promise<number[]>;
}

/** Starts the proxy as a child process on `port`, spreading requests over `upstreams` in turn. */
export async function startRoundRobinProxy(port: number, upstreams: string[]): Promise<RoundRobinProxy> {
  const child = spawn(process.execPath, ["--import", "tsx", import.meta.filename, String(port), ...upstreams], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout! });
  const messages: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  lines.on("line", (line) => {
    try {
      messages.push(JSON.parse(line) as Record<string, unknown>);
      waiters.splice(0).forEach((w) => w());
    } catch {
      // not ours
    }
  });
  const waitFor = async (key: string): Promise<unknown> => {
    for (;;) {
      const found = messages.find((m) => key in m);
      if (found) return found[key];
      if (child.exitCode !== null) throw new Error(`proxy exited with ${child.exitCode}`);
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  child.once("exit", () => waiters.splice(0).forEach((w) => w()));
  await waitFor("port");
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null) return [];
      child.kill("SIGTERM");
      return ((await waitFor("counts").catch(() => [])) as number[]) ?? [];
    },
  };
}
