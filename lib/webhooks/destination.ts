import { BlockList, isIP } from "node:net";

/**
 * Merchants choose where we send requests, so a webhook URL must not reach into our own network (SSRF):
 * loopback, private, link-local (cloud metadata at 169.254.169.254), CGNAT and unique-local addresses are refused
 * unless allowed (the sandbox and tests deliver to 127.0.0.1), and so are the IPv6 forms that carry an IPv4 address
 * to a gateway or tunnel (NAT64, 6to4, IPv4-compatible), which could lead back to any of those. `send.ts` applies it
 * to the address it connects to.
 */
export const BLOCKED_RANGES: ReadonlyArray<{ network: string; prefix: number; family: "ipv4" | "ipv6"; what: string }> =
  [
    { network: "0.0.0.0", prefix: 8, family: "ipv4", what: "this network" },
    { network: "10.0.0.0", prefix: 8, family: "ipv4", what: "private" },
    { network: "100.64.0.0", prefix: 10, family: "ipv4", what: "carrier-grade NAT" },
    { network: "127.0.0.0", prefix: 8, family: "ipv4", what: "loopback" },
    { network: "169.254.0.0", prefix: 16, family: "ipv4", what: "link-local (cloud metadata)" },
    { network: "172.16.0.0", prefix: 12, family: "ipv4", what: "private" },
    { network: "192.168.0.0", prefix: 16, family: "ipv4", what: "private" },
    { network: "198.18.0.0", prefix: 15, family: "ipv4", what: "benchmarking" },
    { network: "224.0.0.0", prefix: 3, family: "ipv4", what: "multicast and reserved" },
    // ::/96 holds the unspecified address (::), loopback (::1) and the deprecated IPv4-compatible ::a.b.c.d.
    { network: "::", prefix: 96, family: "ipv6", what: "unspecified, loopback, IPv4-compatible" },
    { network: "64:ff9b::", prefix: 96, family: "ipv6", what: "NAT64 (well-known prefix)" },
    { network: "64:ff9b:1::", prefix: 48, family: "ipv6", what: "NAT64 (local use)" },
    { network: "2002::", prefix: 16, family: "ipv6", what: "6to4" },
    { network: "fc00::", prefix: 7, family: "ipv6", what: "unique local" },
    { network: "fe80::", prefix: 10, family: "ipv6", what: "link-local" },
    { network: "ff00::", prefix: 8, family: "ipv6", what: "multicast" },
  ];

const PRIVATE = new BlockList();
for (const { network, prefix, family } of BLOCKED_RANGES) PRIVATE.addSubnet(network, prefix, family);

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
