import { BlockList, isIP } from "node:net";

/**
 * Merchants choose where we send requests, so a webhook URL must not reach into our own network (SSRF):
 * loopback, private, link-local (cloud metadata at 169.254.169.254), CGNAT and unique-local addresses are refused
 * unless allowed (the sandbox and tests deliver to 127.0.0.1). `send.ts` applies it to the address it connects to.
 */
const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 3],
] as const) {
  PRIVATE.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 127],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) {
  PRIVATE.addSubnet(network, prefix, "ipv6");
}

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return PRIVATE.check(address, "ipv4");
  if (family === 6) {
    // IPv4-mapped (::ffff:10.0.0.1) is the IPv4 address in disguise.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    return mapped ? PRIVATE.check(mapped[1]!, "ipv4") : PRIVATE.check(address, "ipv6");
  }
  return true;
}

export type DestinationProblem = "invalid_url" | "https_required";

/** Checks a URL where it is entered (form) — shape and scheme only. */
export function checkWebhookUrlShape(value: string, opts: { requireHttps: boolean }): DestinationProblem | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "invalid_url";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "invalid_url";
  if (url.username || url.password || value.length > 2000) return "invalid_url";
  if (opts.requireHttps && url.protocol !== "https:") return "https_required";
  return undefined;
}
