import { request as httpRequest } from "node:http";
import { connect } from "node:net";

/** One request as it goes on the wire. `path` may hold raw bytes 0x80–0xFF (sent as latin1, i.e. invalid UTF-8). */
export interface WireRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Send the body with chunked transfer encoding (no Content-Length), the way a streaming client would. */
  chunked?: boolean;
  /** Bytes written verbatim to a fresh socket instead (malformed HTTP, a body shorter than its Content-Length). */
  raw?: Buffer;
}

export type WireOutcome =
  | { kind: "response"; status: number; headers: Record<string, string>; body: string; ms: number }
  /** The server closed or reset the connection without an answer. */
  | { kind: "closed"; error: string; ms: number }
  | { kind: "timeout"; ms: number };

const RESPONSE_BODY_LIMIT = 64 * 1024;

/**
 * One connection per request: many cases end with the server refusing an upload and closing the socket, and a
 * kept-alive socket reused just then fails the *next* case with ECONNRESET (a client race, not a server fault). On a
 * fresh connection a reset can only be the server's doing. A generous maxHeaderSize: a Location header that echoes
 * a huge query must reach the assertions, not fail in our own client.
 */
export function createWireClient(options: { port: number; timeoutMs: number }) {
  function send(req: WireRequest): Promise<WireOutcome> {
    return req.raw ? sendRaw(req.raw) : sendHttp(req);
  }

  function sendHttp(req: WireRequest): Promise<WireOutcome> {
    const started = performance.now();
    return new Promise((resolve) => {
      let settled = false;
      const finish = (outcome: WireOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      const headers: Record<string, string> = { ...req.headers };
      if (req.body && !req.chunked) headers["content-length"] = String(req.body.length);
      const clientRequest = httpRequest(
        {
          host: "127.0.0.1",
          port: options.port,
          method: req.method,
          path: req.path,
          headers,
          // A fresh connection per request, outside any Agent: through a shared Agent, a request waiting for a socket
          // was sometimes handed one the server was closing after refusing an oversized upload, and died with
          // ECONNRESET after ~6 s (0.1–0.4 % of cases, any route). That was this client, not the server: with no
          // Agent, 0 in 10,000 cases.
          agent: false,
          maxHeaderSize: 1024 * 1024,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (chunk: Buffer) => {
            if (size < RESPONSE_BODY_LIMIT) chunks.push(chunk);
            size += chunk.length;
          });
          res.on("end", () =>
            finish({
              kind: "response",
              status: res.statusCode ?? 0,
              headers: Object.fromEntries(
                Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]),
              ),
              body: Buffer.concat(chunks).toString("utf8"),
              ms: performance.now() - started,
            }),
          );
          res.on("error", (error) => finish({ kind: "closed", error: error.message, ms: performance.now() - started }));
        },
      );
      const timer = setTimeout(() => {
        clientRequest.destroy();
        finish({ kind: "timeout", ms: performance.now() - started });
      }, options.timeoutMs);
      clientRequest.on("error", (error: NodeJS.ErrnoException) =>
        finish({ kind: "closed", error: error.code ?? error.message, ms: performance.now() - started }),
      );
      if (req.body) {
        if (req.chunked) {
          // Several writes, so the server sees a stream that keeps coming after the limit.
          const step = 256 * 1024;
          for (let i = 0; i < req.body.length; i += step) clientRequest.write(req.body.subarray(i, i + step));
        } else {
          clientRequest.write(req.body);
        }
      }
      clientRequest.end();
    });
  }

  function sendRaw(bytes: Buffer): Promise<WireOutcome> {
    const started = performance.now();
    return new Promise((resolve) => {
      const socket = connect({ host: "127.0.0.1", port: options.port });
      const chunks: Buffer[] = [];
      let settled = false;
      const finish = (outcome: WireOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        resolve(outcome);
      };
      const timer = setTimeout(() => finish({ kind: "timeout", ms: performance.now() - started }), options.timeoutMs);
      socket.on("connect", () => {
        socket.write(bytes);
        // Half-close: a body shorter than its Content-Length ends here, as when a client dies mid-upload.
        socket.end();
      });
      socket.on("data", (chunk: Buffer) => chunks.push(chunk));
      socket.on("error", (error: NodeJS.ErrnoException) => {
        if (chunks.length === 0)
          finish({ kind: "closed", error: error.code ?? error.message, ms: performance.now() - started });
      });
      socket.on("close", () => {
        const text = Buffer.concat(chunks).toString("latin1");
        const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
        if (!match) return finish({ kind: "closed", error: "no response", ms: performance.now() - started });
        const [head = "", body = ""] = text.split("\r\n\r\n", 2);
        const headers: Record<string, string> = {};
        for (const line of head.split("\r\n").slice(1)) {
          const colon = line.indexOf(":");
          if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
        }
        finish({ kind: "response", status: Number(match[1]), headers, body, ms: performance.now() - started });
      });
    });
  }

  return { send };
}
