import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { isPrivateAddress } from "./destination";

/** Why a delivery got no HTTP answer. */
export type SendFailure = "private_address" | "unresolvable" | "timeout" | "connection_failed";

export class WebhookSendError extends Error {
  constructor(readonly reason: SendFailure) {
    super(reason);
    this.name = "WebhookSendError";
  }
}

export interface WebhookSenderOptions {
  /** Allow loopback, private and link-local destinations (the sandbox and tests deliver to 127.0.0.1). */
  allowPrivateNetworks: boolean;
  /** Whole exchange, from connecting to the end of the answer. */
  timeoutMs: number;
  /** Name resolution (tests pass their own to play a resolver whose answers change). */
  lookup?: typeof dnsLookup;
}

const BLOCKED = "EWEBHOOKPRIVATE";
const MAX_SOCKETS_PER_HOST = 8;

/**
 * POSTs to merchants' webhooks. The private-address check runs inside the connection's own name lookup, so the
 * address checked is the address connected to: a name that answers a public address to a check and a private one
 * to the connection (DNS rebinding) cannot reach our network. Redirects are never followed (node:http does not).
 * Connections are kept alive per host, so a busy merchant endpoint is not a TLS handshake per message.
 */
export function createWebhookSender(options: WebhookSenderOptions) {
  // dns.lookup's overloads, as net calls it: the options object always, a list of addresses when `all` is set.
  const resolve = (options.lookup ?? dnsLookup) as unknown as (
    hostname: string,
    lookupOptions: object,
    callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ) => void;
  const guardedLookup = ((hostname: string, lookupOptions: object, callback: (...args: unknown[]) => void) => {
    resolve(hostname, { ...lookupOptions }, (error, address, family) => {
      if (error) return callback(error, address, family);
      const addresses = Array.isArray(address) ? address.map((a) => a.address) : [address];
      if (addresses.length === 0)
        return callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), address, family);
      if (!options.allowPrivateNetworks && addresses.some(isPrivateAddress)) {
        return callback(
          Object.assign(new Error(`${hostname} resolves to a private address`), { code: BLOCKED }),
          address,
          family,
        );
      }
      callback(null, address, family);
    });
  }) as LookupFunction;
  const agentOptions = { keepAlive: true, maxSockets: MAX_SOCKETS_PER_HOST, lookup: guardedLookup };
  const httpAgent = new HttpAgent(agentOptions);
  const httpsAgent = new HttpsAgent(agentOptions);

  /** Resolves with the answer's status (its body is read and dropped). */
  function post(url: string, headers: Record<string, string>, body: string): Promise<number> {
    const target = new URL(url);
    const literal = target.hostname.replace(/^\[|\]$/g, "");
    // An address in the URL is connected to without a lookup, so it is checked here.
    if (isIP(literal) && !options.allowPrivateNetworks && isPrivateAddress(literal)) {
      return Promise.reject(new WebhookSendError("private_address"));
    }
    return attempt(target, headers, body, true);
  }

  function attempt(target: URL, headers: Record<string, string>, body: string, mayRetry: boolean): Promise<number> {
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    return new Promise<number>((resolvePromise, reject) => {
      const signal = AbortSignal.timeout(options.timeoutMs);
      const request = send(target, {
        method: "POST",
        agent: target.protocol === "https:" ? httpsAgent : httpAgent,
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
        signal,
      });
      request.on("error", (error: NodeJS.ErrnoException) => {
        if (signal.aborted) return reject(new WebhookSendError("timeout"));
        // A kept-alive connection the endpoint closed meanwhile: once more on a new one (node's documented remedy).
        if (mayRetry && request.reusedSocket && error.code === "ECONNRESET")
          return resolvePromise(attempt(target, headers, body, false));
        if (error.code === BLOCKED) return reject(new WebhookSendError("private_address"));
        if (error.code === "ENOTFOUND" || error.code === "EAI_AGAIN" || error.code === "ENODATA")
          return reject(new WebhookSendError("unresolvable"));
        reject(new WebhookSendError("connection_failed"));
      });
      request.on("response", (response: IncomingMessage) => {
        // The body is drained so the connection can be reused; the timeout still ends one that never does.
        response.on("error", () => {});
        response.resume();
        resolvePromise(response.statusCode ?? 0);
      });
      request.end(body);
    });
  }

  return {
    post,
    close(): void {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

export type WebhookSender = ReturnType<typeof createWebhookSender>;
