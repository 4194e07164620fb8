import { describe, expect, it } from "vitest";
import { isMetricsTokenValid, metricsResponse } from "@/lib/metrics/endpoint";
import { bounded, getMetrics, setMetricsEnabled } from "@/lib/metrics/registry";
import { recordPush, recordWechatCall } from "@/lib/metrics/record";

const TOKEN = "metrics-token-0123456789abcdef";
const render = async () => ({ body: "ok_metric 1\n", contentType: "text/plain" });

describe("GET /api/metrics access", () => {
  it("answers 404 while METRICS_TOKEN is unset, whatever is sent", async () => {
    expect((await metricsResponse(undefined, `Bearer ${TOKEN}`, render)).status).toBe(404);
    expect((await metricsResponse(undefined, null, render)).status).toBe(404);
  });

  it("answers 401 without a token or with a wrong one, 200 with the right one", async () => {
    expect((await metricsResponse(TOKEN, null, render)).status).toBe(401);
    expect((await metricsResponse(TOKEN, `Bearer ${TOKEN}x`, render)).status).toBe(401);
    expect((await metricsResponse(TOKEN, TOKEN, render)).status).toBe(401);
    const ok = await metricsResponse(TOKEN, `Bearer ${TOKEN}`, render);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("ok_metric 1\n");
  });

  it("compares the token whole", () => {
    expect(isMetricsTokenValid(TOKEN, `bearer ${TOKEN}`)).toBe(true);
    expect(isMetricsTokenValid(TOKEN, `Bearer ${TOKEN.slice(0, -1)}`)).toBe(false);
    expect(isMetricsTokenValid(TOKEN, "Bearer ")).toBe(false);
  });
});

describe("metric labels", () => {
  it("folds values past the per-metric limit, and odd values, into `other`", () => {
    for (let i = 0; i < 40; i++) expect(bounded("test:scope", `v${i}`)).toBe(`v${i}`);
    expect(bounded("test:scope", "v40")).toBe("other");
    expect(bounded("test:scope", "v3")).toBe("v3");
    expect(bounded("test:other", "https://x/y?access_token=1")).toBe("other");
  });

  it("records nothing while metrics are off", async () => {
    setMetricsEnabled(false);
    recordPush("component", "component_verify_ticket", "stored");
    const before = await getMetrics().pushes.get();
    expect(before.values).toHaveLength(0);
    setMetricsEnabled(true);
    recordPush("component", "component_verify_ticket", "stored");
    recordWechatCall({
      endpoint: "api_component_token",
      attempt: 1,
      outcome: "errcode",
      errcode: 61004,
      durationMs: 12,
    });
    const text = await getMetrics().registry.metrics();
    expect(text).toContain(
      'portal_wechat_pushes_total{route="component",type="component_verify_ticket",outcome="stored",reason=""} 1',
    );
    expect(text).toContain(
      'portal_wechat_api_calls_total{endpoint="api_component_token",outcome="errcode",errcode="61004"} 1',
    );
  });
});
