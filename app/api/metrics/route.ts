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
    await refreshDatabaseGauges(platform.database.db, platform.env.component.appId);
    const { registry } = getMetrics();
    return { body: await registry.metrics(), contentType: registry.contentType };
  });
}
