import type { LookupAddress, lookup as dnsLookup } from "node:dns";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { BLOCKED_RANGES, isPrivateAddress } from "@/lib/webhooks/destination";
import { createWebhookSender, WebhookSendError, type WebhookSender } from "@/lib/webhooks/send";

/** One address inside each refused range (not the range's first address), keyed by the range. */
const ONE_PER_RANGE: Record<string, string> = {
  "0.0.0.0/8": "0.1.2.3",
  "10.0.0.0/8": "10.1.2.3",
  "100.64.0.0/10": "100.127.255.254",
  "127.0.0.0/8": "127.0.0.53",
  "169.254.0.0/16": "169.254.169.254",
  "172.16.0.0/12": "172.31.255.254",
  "192.168.0.0/16": "192.168.1.1",
  "198.18.0.0/15": "198.19.0.1",
  "224.0.0.0/3": "239.255.255.250",
  // IPv4-compatible ::10.0.0.1.
  "::/96": "::a00:1",
  // NAT64 of 169.254.169.254 (the metadata service through the gateway).
  "64:ff9b::/96": "64:ff9b::a9fe:a9fe",
  "64:ff9b:1::/48": "64:ff9b:1:abcd::a00:1",
  // 6to4 of 169.254.169.254.
  "2002::/16": "2002:a9fe:a9fe::1",
  "fc00::/7": "fd12:3456::1",
  "fe80::/10": "fe80::1",
  "ff00::/8": "ff02::1",
};

// The sender against a real HTTP server on 127.0.0.1, with a resolver the test controls.

interface Seen {
  body: string;
  headers: IncomingMessage["headers"];
  socket: Socket;
}

async function listen(
  handler: (req: IncomingMessage, res: ServerResponse, seen: Seen[]) => void,
): Promise<{ server: Server; port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk));
    req.on("end", () => {
      seen.push({ body, headers: req.headers, socket: req.socket });
      handler(req, res, seen);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port, seen };
}

/** A resolver answering every name with these addresses, counting its calls. */
function resolver(addresses: string[]) {
  const calls: string[] = [];
  const lookup = ((
    hostname: string,
    options: { all?: boolean },
    callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    calls.push(hostname);
    const list = addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
    setImmediate(() => (options.all ? callback(null, list) : callback(null, list[0]!.address, list[0]!.family)));
  }) as unknown as typeof dnsLookup;
  return { lookup, calls };
}

async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebhookSendError);
  return (error as WebhookSendError).reason;
}

describe("webhook sender", () => {
  const cleanup: Array<() => void> = [];
  afterEach(() => cleanup.splice(0).forEach((fn) => fn()));
  function sender(options: Parameters<typeof createWebhookSender>[0]): WebhookSender {
    const s = createWebhookSender(options);
    cleanup.push(() => s.close());
    return s;
  }
  async function endpoint(handler: Parameters<typeof listen>[0]) {
    const e = await listen(handler);
    cleanup.push(() => e.server.close());
    cleanup.push(() => e.server.closeAllConnections());
    return e;
  }

  it("refuses a name that resolves to a private address, in the lookup its connection uses, and never connects", async () => {
    const { port, seen } = await endpoint((_req, res) => res.writeHead(204).end());
    // A rebinding name: one public and one loopback answer, given to the connection itself.
    const dns = resolver(["203.0.113.7", "127.0.0.1"]);
    const s = sender({ allowPrivateNetworks: false, timeoutMs: 2000, lookup: dns.lookup });
    expect(await failure(s.post(`http://hooks.example.test:${port}/wx`, {}, "{}"))).toBe("private_address");
    expect(dns.calls).toEqual(["hooks.example.test"]);
    expect(seen).toHaveLength(0);
  });

  it("refuses a private address written in the URL without resolving anything", async () => {
    const dns = resolver(["203.0.113.7"]);
    const s = sender({ allowPrivateNetworks: false, timeoutMs: 2000, lookup: dns.lookup });
    for (const url of [
      "http://127.0.0.1:9/wx",
      "http://[::1]:9/wx",
      "http://169.254.169.254/latest/meta-data",
      "http://[::ffff:10.0.0.1]/",
    ]) {
      expect(await failure(s.post(url, {}, "{}"))).toBe("private_address");
    }
    expect(dns.calls).toEqual([]);
  });

  it("has a test address for every refused range", () => {
    expect(Object.keys(ONE_PER_RANGE).sort()).toEqual(BLOCKED_RANGES.map((r) => `${r.network}/${r.prefix}`).sort());
  });

  it.each(Object.entries(ONE_PER_RANGE))(
    "refuses %s (%s) written in the URL and given by the connection's lookup",
    async (_range, address) => {
      expect(isPrivateAddress(address)).toBe(true);
      const host = address.includes(":") ? `[${address}]` : address;
      const literal = resolver(["203.0.113.7"]);
      expect(
        await failure(
          sender({ allowPrivateNetworks: false, timeoutMs: 2000, lookup: literal.lookup }).post(
            `http://${host}:9/wx`,
            {},
            "{}",
          ),
        ),
      ).toBe("private_address");
      expect(literal.calls).toEqual([]);
      const dns = resolver([address]);
      expect(
        await failure(
          sender({ allowPrivateNetworks: false, timeoutMs: 2000, lookup: dns.lookup }).post(
            "https://hooks.example.test/wx",
            {},
            "{}",
          ),
        ),
      ).toBe("private_address");
      expect(dns.calls).toEqual(["hooks.example.test"]);
    },
  );

  it("delivers where private networks are allowed, with the headers and body, and keeps the connection", async () => {
    const { port, seen } = await endpoint((_req, res) => res.writeHead(204).end());
    const dns = resolver(["127.0.0.1"]);
    const s = sender({ allowPrivateNetworks: true, timeoutMs: 2000, lookup: dns.lookup });
    expect(
      await s.post(
        `http://hooks.example.test:${port}/wx`,
        { "webhook-id": "dlv_1", "content-type": "application/json" },
        '{"a":"你好"}',
      ),
    ).toBe(204);
    expect(await s.post(`http://hooks.example.test:${port}/wx`, { "webhook-id": "dlv_2" }, "{}")).toBe(204);
    expect(seen.map((r) => [r.headers["webhook-id"], r.body])).toEqual([
      ["dlv_1", '{"a":"你好"}'],
      ["dlv_2", "{}"],
    ]);
    expect(seen[0]!.headers["content-length"]).toBe(String(Buffer.byteLength('{"a":"你好"}')));
    expect(seen[1]!.socket).toBe(seen[0]!.socket);
    expect(dns.calls).toHaveLength(1);
  });

  it("answers with a redirect's status and does not follow it", async () => {
    const { port, seen } = await endpoint((_req, res) =>
      res.writeHead(302, { location: "http://169.254.169.254/" }).end(),
    );
    const s = sender({ allowPrivateNetworks: true, timeoutMs: 2000 });
    expect(await s.post(`http://127.0.0.1:${port}/wx`, {}, "{}")).toBe(302);
    expect(seen).toHaveLength(1);
  });

  it("gives up on an endpoint that does not answer in time", async () => {
    const { port, seen } = await endpoint(() => {});
    const s = sender({ allowPrivateNetworks: true, timeoutMs: 300 });
    const started = performance.now();
    expect(await failure(s.post(`http://127.0.0.1:${port}/wx`, {}, "{}"))).toBe("timeout");
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    expect(seen).toHaveLength(1);
  });

  it("tries once more on a new connection when a kept-alive one was closed by the endpoint", async () => {
    const { port, seen } = await endpoint((req, res, all) => {
      // The second request arrives on the kept connection: the endpoint drops it unanswered, as on an idle close.
      if (all.length === 2) return req.socket.destroy();
      res.writeHead(204).end();
    });
    const s = sender({ allowPrivateNetworks: true, timeoutMs: 2000 });
    expect(await s.post(`http://127.0.0.1:${port}/wx`, {}, "1")).toBe(204);
    expect(await s.post(`http://127.0.0.1:${port}/wx`, {}, "2")).toBe(204);
    expect(seen.map((r) => r.body)).toEqual(["1", "2", "2"]);
    expect(seen[1]!.socket).toBe(seen[0]!.socket);
    expect(seen[2]!.socket).not.toBe(seen[1]!.socket);
  });

  it("says when a name does not resolve or nothing listens", async () => {
    const missing = ((hostname: string, _options: unknown, callback: (error: Error) => void) =>
      setImmediate(() =>
        callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" })),
      )) as unknown as typeof dnsLookup;
    expect(
      await failure(
        sender({ allowPrivateNetworks: false, timeoutMs: 2000, lookup: missing }).post(
          "https://nowhere.example.test/wx",
          {},
          "{}",
        ),
      ),
    ).toBe("unresolvable");
    const { server, port } = await listen(() => {});
    await new Promise((resolve) => server.close(resolve));
    expect(
      await failure(
        sender({ allowPrivateNetworks: true, timeoutMs: 2000 }).post(`http://127.0.0.1:${port}/wx`, {}, "{}"),
      ),
    ).toBe("connection_failed");
  });
});
