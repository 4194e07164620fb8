import { annotatePush } from "@/lib/tracing/spans";
import type { CallObservation } from "@/lib/wechat/api-core";
import { addToChart } from "./chart-buckets";
import { bounded, getMetrics, metricsEnabled } from "./registry";

/**
 * What the rest of the portal tells the metrics. Each call is a no-op while metrics are off (METRICS_TOKEN unset),
 * and none of them throws.
 */

export type PushRoute = "component" | "authorizer";
export type PushOutcome = "stored" | "duplicate" | "rejected" | "error";

export function recordPush(route: PushRoute, type: string | undefined, outcome: PushOutcome, reason = ""): void {
  annotatePush({
    "wechat.push.route": route,
    "wechat.push.type": type ?? "unknown",
    "wechat.push.outcome": outcome,
    ...(reason && { "wechat.push.reason": reason }),
  });
  if (!metricsEnabled()) return;
  getMetrics()
    .pushes.labels(
      route,
      bounded(`push:${route}`, type ?? "unknown"),
      outcome,
      reason ? bounded("push:reason", reason) : "",
    )
    .inc();
}

export function recordWechatCall(call: CallObservation): void {
  if (call.outcome !== "ok") addToChart("wechat_error", call.errcode === null ? call.outcome : String(call.errcode));
  if (!metricsEnabled()) return;
  const metrics = getMetrics();
  const endpoint = bounded("wechat:endpoint", call.endpoint);
  metrics.wechatCalls
    .labels(endpoint, call.outcome, call.errcode === null ? "none" : bounded("wechat:errcode", call.errcode))
    .inc();
  metrics.wechatDuration.labels(endpoint).observe(call.durationMs / 1000);
}

export type RefreshOutcome = "ok" | "failed" | "needs_reauthorization" | "unauthorized" | "superseded";

export function recordTokenRefresh(token: "component" | "authorizer", outcome: RefreshOutcome): void {
  if (token === "authorizer") addToChart("refresh", outcome);
  if (!metricsEnabled()) return;
  getMetrics().tokenRefreshes.labels(token, outcome).inc();
}

export function recordWebhookAttempt(outcome: "delivered" | "retry" | "given_up"): void {
  addToChart("webhook", outcome);
  if (!metricsEnabled()) return;
  getMetrics().webhookAttempts.labels(outcome).inc();
}
