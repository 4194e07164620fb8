// GET /api/metrics: Prometheus text format for operators (Authorization: Bearer $METRICS_TOKEN; 404 when unset)
import { connection, type NextRequest } from "next/server";
import { refreshDatabaseGauges } from "@/lib/metrics/db-gauges";
import { metricsResponse } from "@/lib/metrics/endpoint";
import { getMetrics } from "@/lib/metrics/registry";
import { getPlatform } from "@/lib/platform";

export async function GET(request: NextRequest) {
  await connection();
  const platform = await getPlatform();
  return metricsResponse(platform.env.metricsToken, request.headers.get("authorization"), async () => {
    const started = performance.now();
    const gauges = await refreshDatabaseGauges(platform.database.db, platform.env.component.appId);
    const read = performance.now();
    const { registry } = getMetrics();
    const body = await registry.metrics();
    return {
      body,
      contentType: registry.contentType,
      timings: [
        { name: "db", ms: read - started, description: gauges },
        { name: "render", ms: performance.now() - read },
      ],
    };
  });
}
