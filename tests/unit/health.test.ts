import { describe, expect, it } from "vitest";
import { publicHealth, unhealthy, type Health } from "@/lib/health";

// GET /api/health is public: what it answers is publicHealth(health); staff see the details on /staff.

const detailed: Health = {
  ok: true,
  database: { ok: true },
  ticket: { receivedAt: "2026-11-24T02:00:00.000Z", ageSeconds: 42, warning: null },
  componentToken: { expiresAt: "2026-11-24T04:00:00.000Z", expiresInSeconds: 6000, lastError: null },
  authorizers: { refreshFailed: 0, needsReauthorization: 0, refresherLagSeconds: 0 },
  sandbox: false,
};

describe("public health", () => {
  it("is ok / not ok per part, nothing else", () => {
    expect(publicHealth(detailed)).toEqual({
      ok: true,
      database: { ok: true },
      ticket: { ok: true },
      componentToken: { ok: true },
      authorizers: { ok: true },
    });
  });

  it("marks each part that needs attention, without saying more", () => {
    const answer = publicHealth({
      ...detailed,
      ticket: { receivedAt: null, ageSeconds: 2400, warning: "component_verify_ticket is older than 30 minutes" },
      componentToken: { expiresAt: null, expiresInSeconds: 6000, lastError: "WeChat answered 61004 from 203.0.113.9" },
      authorizers: { refreshFailed: 3, needsReauthorization: 0, refresherLagSeconds: 0 },
    });
    expect(answer).toEqual({
      ok: true,
      database: { ok: true },
      ticket: { ok: false },
      componentToken: { ok: false },
      authorizers: { ok: false },
    });
    expect(
      publicHealth({
        ...detailed,
        authorizers: { refreshFailed: 0, needsReauthorization: 0, refresherLagSeconds: 3600 },
      }).authorizers.ok,
    ).toBe(false);
    expect(
      publicHealth({ ...detailed, componentToken: { expiresAt: null, expiresInSeconds: null, lastError: null } })
        .componentToken.ok,
    ).toBe(false);
  });

  it("carries no error text when the database is down (that goes to the log)", () => {
    const health = unhealthy(
      true,
      new Error("connect ECONNREFUSED 10.1.2.3:5432 (postgres://portal@db.internal/portal)"),
    );
    expect(health.database.error).toContain("ECONNREFUSED");
    const answer = JSON.stringify(publicHealth(health));
    expect(answer).toBe(
      JSON.stringify({
        ok: false,
        database: { ok: false },
        ticket: { ok: false },
        componentToken: { ok: false },
        authorizers: { ok: false },
      }),
    );
  });
});
