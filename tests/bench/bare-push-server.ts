import { createServer, type IncomingMessage } from "node:http";
import { openDatabase } from "@/db";
import { MAX_PUSH_BYTES } from "@/lib/events/open-push";
import { createComponentPushReceiver } from "@/lib/events/receive-component-push";
import { setLogLevel } from "@/lib/log";
import { SANDBOX_COMPONENT } from "@/lib/sandbox/credentials";
import { createMessageCrypto } from "@/lib/wechat/crypto";

// The ticket-push benchmark's ceiling: the same verify + decrypt + insert as POST /api/wechat/component/events,
// in a bare node:http server with no framework. Run as its own process (`node --import tsx`) by ticket-push.ts,
// with BENCH_DATABASE_URL set; prints `{"port":N}` on stdout once it listens.

const databaseUrl = process.env.BENCH_DATABASE_URL;
if (!databaseUrl) throw new Error("BENCH_DATABASE_URL is required");
setLogLevel("warn");

// Same pool size (postgres.js default in openDatabase) and receiver settings as the app.
const database = await openDatabase({ databaseUrl, pgliteDir: "memory://" });
const receiver = createComponentPushReceiver({
  db: database.db,
  crypto: createMessageCrypto({ ...SANDBOX_COMPONENT }),
  componentAppId: SANDBOX_COMPONENT.appId,
  timestampToleranceSeconds: 600,
});

function readBody(request: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    request.on("data", (chunk: Buffer) => {
      total += chunk.length;
      if (total <= MAX_PUSH_BYTES) chunks.push(chunk);
    });
    request.on("end", () => resolve(total > MAX_PUSH_BYTES ? undefined : Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

const server = createServer(async (request, response) => {
  const send = (status: number, body: string) => {
    response.writeHead(status, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
    response.end(body);
  };
  try {
    const body = await readBody(request);
    if (body === undefined) return send(413, "body too large");
    const url = new URL(request.url ?? "/", "http://localhost");
    const result = await receiver.receive(url.searchParams, body);
    send(result.status, result.body);
  } catch {
    send(500, "error");
  }
});

server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === "object" && address ? address.port : 0 })}\n`);
});

const shutdown = () => {
  server.close();
  server.closeAllConnections();
  void database.close().finally(() => process.exit(0));
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
