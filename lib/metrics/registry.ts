import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/**
 * The process's Prometheus registry (prom-client), kept on globalThis so `next dev` reloads and the several bundles
 * of one server (route handlers, instrumentation) share one set of metrics (docs/toolchain.md A7, A14).
 *
 * Cardinality: no label names an account, a user, a merchant or a URL. Labels whose values come from outside
 * (an InfoType, a MsgType, an errcode) go through `bounded()`, which keeps at most a few dozen distinct values per
 * metric and folds the rest into "other".
 */
export interface PortalMetrics {
  registry: Registry;
  pushes: Counter<"route" | "type" | "outcome" | "reason">;
  wechatCalls: Counter<"endpoint" | "outcome" | "errcode">;
  wechatDuration: Histogram<"endpoint">;
  tokenRefreshes: Counter<"token" | "outcome">;
  webhookAttempts: Counter<"outcome">;
  /** Read from the database on scrape (lib/metrics/db-gauges.ts). */
  ticketAge: Gauge;
  componentTokenSecondsLeft: Gauge;
  authorizers: Gauge<"status">;
  authorizersRefreshFailing: Gauge;
  refresherLag: Gauge;
  webhookDeliveries: Gauge<"status">;
  webhookOldestPendingAge: Gauge;
  batches: Gauge<"kind" | "status">;
  batchTargets: Gauge<"kind" | "status">;
  dbGaugesError: Gauge;
  dbGaugesReadSeconds: Gauge;
}

/** prom-client's default gauges that `promtool check metrics` rejects (a `_total` suffix on a gauge, docs/toolchain.md A8). */
const PROMTOOL_REJECTED = [
  "nodejs_active_handles_total",
  "nodejs_active_requests_total",
  "nodejs_active_resources_total",
];

function create(): PortalMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  for (const name of PROMTOOL_REJECTED) registry.removeSingleMetric(name);
  const registers = [registry];
  return {
    registry,
    pushes: new Counter({
      name: "portal_wechat_pushes_total",
      help: "Pushes received from WeChat, by route (component, authorizer), InfoType or MsgType/Event, outcome (stored, duplicate, rejected, error) and rejection reason",
      labelNames: ["route", "type", "outcome", "reason"],
      registers,
    }),
    wechatCalls: new Counter({
      name: "portal_wechat_api_calls_total",
      help: "Attempts of WeChat API calls, by endpoint, outcome (ok, errcode, timeout, network, http_status, bad_json, unexpected_shape) and errcode",
      labelNames: ["endpoint", "outcome", "errcode"],
      registers,
    }),
    wechatDuration: new Histogram({
      name: "portal_wechat_api_duration_seconds",
      help: "Duration of one attempt of a WeChat API call, by endpoint",
      labelNames: ["endpoint"],
      buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    tokenRefreshes: new Counter({
      name: "portal_token_refreshes_total",
      help: "Token refreshes by token (component, authorizer) and outcome (ok, failed, needs_reauthorization, unauthorized, superseded)",
      labelNames: ["token", "outcome"],
      registers,
    }),
    webhookAttempts: new Counter({
      name: "portal_webhook_attempts_total",
      help: "Webhook delivery attempts by outcome (delivered, retry, given_up)",
      labelNames: ["outcome"],
      registers,
    }),
    ticketAge: new Gauge({
      name: "portal_component_ticket_age_seconds",
      help: "Age of the newest component_verify_ticket (WeChat pushes one every 10 minutes); +Inf before the first",
      registers,
    }),
    componentTokenSecondsLeft: new Gauge({
      name: "portal_component_token_expires_in_seconds",
      help: "Seconds until the stored component_access_token expires (negative: expired); -Inf before the first",
      registers,
    }),
    authorizers: new Gauge({
      name: "portal_authorizers",
      help: "Authorized accounts by status (authorized, unauthorized, needs_reauthorization)",
      labelNames: ["status"],
      registers,
    }),
    authorizersRefreshFailing: new Gauge({
      name: "portal_authorizers_refresh_failing",
      help: "Authorized accounts whose last token refresh failed (retrying with backoff)",
      registers,
    }),
    refresherLag: new Gauge({
      name: "portal_authorizer_refresher_lag_seconds",
      help: "How far behind schedule the authorizer token refresher is: age of the oldest due refresh (0 when none is due)",
      registers,
    }),
    webhookDeliveries: new Gauge({
      name: "portal_webhook_deliveries",
      help: "Webhook deliveries waiting (pending) or given up (failed)",
      labelNames: ["status"],
      registers,
    }),
    webhookOldestPendingAge: new Gauge({
      name: "portal_webhook_oldest_pending_age_seconds",
      help: "Age of the oldest webhook delivery still pending (0 when none is)",
      registers,
    }),
    batches: new Gauge({
      name: "portal_batches",
      help: "Batches (release, setup, registration pipelines) by kind and status",
      labelNames: ["kind", "status"],
      registers,
    }),
    batchTargets: new Gauge({
      name: "portal_batch_targets",
      help: "Accounts of running or paused batches by batch kind and target status",
      labelNames: ["kind", "status"],
      registers,
    }),
    dbGaugesError: new Gauge({
      name: "portal_metrics_database_error",
      help: "1 when the last read of the database gauges failed (they then keep their previous values)",
      registers,
    }),
    dbGaugesReadSeconds: new Gauge({
      name: "portal_metrics_database_read_seconds",
      help: "How long the last read of the database gauges took (one statement, run in the background of a scrape)",
      registers,
    }),
  };
}

const globalForMetrics = globalThis as unknown as { __portalMetrics?: PortalMetrics; __portalMetricsEnabled?: boolean };

export function getMetrics(): PortalMetrics {
  globalForMetrics.__portalMetrics ??= create();
  return globalForMetrics.__portalMetrics;
}

/**
 * Recording is on when METRICS_TOKEN is set (somebody scrapes); off, every record call returns at once. The
 * benchmark compares both in one run.
 */
export function setMetricsEnabled(enabled: boolean): void {
  globalForMetrics.__portalMetricsEnabled = enabled;
}

export function metricsEnabled(): boolean {
  return globalForMetrics.__portalMetricsEnabled === true;
}

const MAX_VALUES_PER_LABEL = 40;
const seen = new Map<string, Set<string>>();

/** A label value from outside, kept only while the metric has few distinct values; never an unbounded label. */
export function bounded(scope: string, value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === "") return "none";
  const text = String(value);
  if (!/^[A-Za-z0-9_.:-]{1,48}$/.test(text)) return "other";
  let values = seen.get(scope);
  if (!values) seen.set(scope, (values = new Set()));
  if (values.has(text)) return text;
  if (values.size >= MAX_VALUES_PER_LABEL) return "other";
  values.add(text);
  return text;
}
