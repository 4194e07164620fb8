import { describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";
import { clientAddress } from "@/lib/http";

const secrets = { AUTH_SECRET: "x".repeat(40), SECRETS_KEY: Buffer.alloc(32, 1).toString("base64") };
const xff = (value: string, extra: Record<string, string> = {}) => new Headers({ "x-forwarded-for": value, ...extra });

describe("client address behind trusted proxies", () => {
  it("takes the address the nearest proxy saw, not what the client wrote before it", () => {
    // One proxy that appends (nginx $proxy_add_x_forwarded_for, cloud load balancers): the client's own entries come first.
    expect(clientAddress(xff("198.51.100.1, 203.0.113.9"), 1)).toBe("203.0.113.9");
    expect(clientAddress(xff("1.1.1.1,2.2.2.2,  203.0.113.9 "), 1)).toBe("203.0.113.9");
    // One proxy that overwrites ($remote_addr), or next start without a proxy: one entry.
    expect(clientAddress(xff("203.0.113.9"), 1)).toBe("203.0.113.9");
  });

  it("counts back one entry per trusted proxy (CDN in front of a load balancer)", () => {
    expect(clientAddress(xff("198.51.100.1, 203.0.113.9, 10.0.0.7"), 2)).toBe("203.0.113.9");
    expect(clientAddress(xff("203.0.113.9, 10.0.0.7"), 3)).toBe("203.0.113.9");
  });

  it("falls back to X-Real-IP, then to one shared key, and ignores empty entries", () => {
    expect(clientAddress(xff(" , 203.0.113.9, "), 1)).toBe("203.0.113.9");
    expect(clientAddress(new Headers({ "x-real-ip": "203.0.113.4" }), 1)).toBe("203.0.113.4");
    expect(clientAddress(new Headers(), 1)).toBe("unknown");
  });

  it("reads TRUSTED_PROXY_HOPS (default 1) and refuses 0", () => {
    expect(parseEnv(secrets).trustedProxyHops).toBe(1);
    expect(parseEnv({ ...secrets, TRUSTED_PROXY_HOPS: "2" }).trustedProxyHops).toBe(2);
    expect(() => parseEnv({ ...secrets, TRUSTED_PROXY_HOPS: "0" })).toThrow(/TRUSTED_PROXY_HOPS/);
  });
});
