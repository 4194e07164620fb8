// GET /api/health: ok / not ok per part (database, ticket, component token, authorizer tokens); 503 when the
// database cannot be read. Details are on /staff and in the log.
import { connection } from "next/server";
import { getEnv } from "@/lib/env";
import { getHealth, publicHealth, unhealthy } from "@/lib/health";
import { log } from "@/lib/log";
import { getPlatform } from "@/lib/platform";

export async function GET() {
  await connection();
  let health;
  try {
    health = await getHealth(await getPlatform());
  } catch (error) {
    health = unhealthy(getEnv().sandbox, error);
  }
  // The raw error goes to the log only; the answer is public.
  if (!health.ok) log.error("health: database unreachable", { error: health.database.error ?? "unknown" });
  return Response.json(publicHealth(health), {
    status: health.ok ? 200 : 503,
    headers: { "cache-control": "no-store" },
  });
}
