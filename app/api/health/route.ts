// GET /api/health: database reachability, ticket age, component token expiry, failing authorizers
import { connection } from "next/server";
import { getEnv } from "@/lib/env";
import { getHealth, unhealthy } from "@/lib/health";
import { getPlatform } from "@/lib/platform";

export async function GET() {
  await connection();
  let health;
  try {
    health = await getHealth(await getPlatform());
  } catch (error) {
    health = unhealthy(getEnv().sandbox, error);
  }
  return Response.json(health, { status: health.ok ? 200 : 503, headers: { "cache-control": "no-store" } });
}
