import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { SANDBOX_COMPONENT } from "@/lib/sandbox/credentials";
import { createMessageCrypto } from "@/lib/wechat/crypto";
import { sealPush } from "@/lib/wechat/push";
import { freePort, startAppServer, type AppServer } from "../support/app-server";
import { describeWithBuild, underCi } from "../support/build";

// A real Prometheus (Debian's `prometheus`) scrapes the built app with the bearer token; the test asks its HTTP API
// what it saw. Without prometheus/promtool this fails under CI (and locally), never skips.
const TOKEN = "metrics-test-token-0123456789abcdef";
const PUSHES = 7;
const crypto = createMessageCrypto({ ...SANDBOX_COMPONENT });

const missingTools = ["prometheus", "promtool"].filter((tool) => spawnSync(tool, ["--version"]).error !== undefined);

describeWithBuild("GET /api/metrics scraped by a real Prometheus", () => {
  let app: AppServer;
  let prometheus: ChildProcess | undefined;
  let promUrl = "";
  let promOutput = "";
  const dir = mkdtempSync(path.join(os.tmpdir(), "portal-prometheus-"));

  beforeAll(async () => {
    if (missingTools.length > 0) {
      throw new Error(
        `${missingTools.join(" and ")} not found: install Debian's \`prometheus\` package (apt-get install prometheus)${underCi ? " — CI must provide it" : ""}`,
      );
    }
    // No background jobs: the sandbox's own ticket pushes would change the count.
    app = await startAppServer({ env: { BACKGROUND_JOBS: "0", METRICS_TOKEN: TOKEN } });
    const promPort = await freePort();
    promUrl = `http://127.0.0.1:${promPort}`;
    writeFileSync(path.join(dir, "token"), TOKEN, { mode: 0o600 });
    writeFileSync(
      path.join(dir, "prometheus.yml"),
      [
        "global:",
        "  scrape_interval: 1s",
        "  scrape_timeout: 1s",
        "scrape_configs:",
        "  - job_name: portal",
        "    metrics_path: /api/metrics",
        "    authorization:",
        "      type: Bearer",
        `      credentials_file: ${path.join(dir, "token")}`,
        "    static_configs:",
        `      - targets: ["127.0.0.1:${app.port}"]`,
        "",
      ].join("\n"),
    );
    prometheus = spawn(
      "prometheus",
      [
        `--config.file=${path.join(dir, "prometheus.yml")}`,
        `--storage.tsdb.path=${path.join(dir, "data")}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
        "--log.level=warn",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    prometheus.stdout?.on("data", (d: Buffer) => (promOutput += d.toString()));
    prometheus.stderr?.on("data", (d: Buffer) => (promOutput += d.toString()));
  }, 90_000);

  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus!.once("exit", resolve));
      prometheus.kill("SIGTERM");
      await exited;
    }
    await app?.stop();
    await app?.database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The value of an instant query's single series, or undefined while there is none. */
  async function query(expr: string): Promise<number | undefined> {
    try {
      const response = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const json = (await response.json()) as { data?: { result?: { value: [number, string] }[] } };
      const value = json.data?.result?.[0]?.value[1];
      return value === undefined ? undefined : Number(value);
    } catch {
      return undefined; // Prometheus not listening yet
    }
  }

  async function eventually(expr: string, expected: number, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last: number | undefined;
    while (Date.now() < deadline) {
      last = await query(expr);
      if (last === expected) return;
      if (prometheus?.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`${expr}: expected ${expected}, last saw ${last}\nprometheus output:\n${promOutput}`);
  }

  const post = (p: { query: URLSearchParams; body: string }) =>
    fetch(`${app.url}/api/wechat/component/events?${p.query}`, { method: "POST", body: p.body });

  it("scrapes the app with the token (up == 1) and counts exactly the pushes sent", async () => {
    await eventually('up{job="portal"}', 1);
    const pushes = Array.from({ length: PUSHES }, (_, i) =>
      sealPush(
        crypto,
        {
          AppId: SANDBOX_COMPONENT.appId,
          CreateTime: Math.floor(Date.now() / 1000),
          InfoType: "component_verify_ticket",
          ComponentVerifyTicket: `ticket@@@metrics-${i}`,
        },
        { AppId: SANDBOX_COMPONENT.appId },
      ),
    );
    for (const p of pushes) expect(await (await post(p)).text()).toBe("success");
    expect(await (await post(pushes[0]!)).text()).toBe("success"); // WeChat's retry: a duplicate
    const forged = { ...pushes[1]!, query: new URLSearchParams(pushes[1]!.query) };
    forged.query.set("msg_signature", "0".repeat(40));
    expect((await post(forged)).status).toBe(401);

    const series = (outcome: string, extra = "") =>
      `portal_wechat_pushes_total{job="portal",route="component",outcome="${outcome}"${extra}}`;
    await eventually(series("stored", ',type="component_verify_ticket"'), PUSHES);
    await eventually(series("duplicate", ',type="component_verify_ticket"'), 1);
    await eventually(series("rejected", ',reason="bad_signature"'), 1);
    // The database gauges: a ticket arrived just now.
    await eventually('portal_component_ticket_age_seconds{job="portal"} < bool 60', 1);
    await eventually('portal_authorizers{job="portal",status="authorized"}', 0);
  }, 90_000);

  it("serves output promtool accepts", async () => {
    const response = await fetch(`${app.url}/api/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toContain("process_cpu_seconds_total");
    expect(text).toContain("nodejs_eventloop_lag_seconds");
    const check = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
    expect(check.stdout + check.stderr).toBe("");
    expect(check.status).toBe(0);
  });

  it("says in Server-Timing where the scrape's time went (the database gauges or rendering)", async () => {
    const timing = async () =>
      (await fetch(`${app.url}/api/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).headers.get(
        "server-timing",
      );
    expect(await timing()).toMatch(/^db;dur=\d+\.\d;desc="(read|joined|stale|cached)", render;dur=\d+\.\d$/);
    // Right after another scrape: the cached values, or the last ones while the read that scrape started runs.
    expect(await timing()).toMatch(/^db;dur=\d+\.\d;desc="(cached|stale)", render;dur=\d+\.\d$/);
  });

  it("answers 401 without the token and with a wrong one", async () => {
    const none = await fetch(`${app.url}/api/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    const wrong = await fetch(`${app.url}/api/metrics`, { headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toContain("portal_");
  });
});
