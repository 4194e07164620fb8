// POST /sandbox/cgi-bin/component/[endpoint]: the WeChat sandbox's component API
import type { NextRequest } from "next/server";
import { getPlatform } from "@/lib/platform";

export async function POST(request: NextRequest, { params }: { params: Promise<{ endpoint: string }> }) {
  const { sandbox } = await getPlatform();
  if (!sandbox) return new Response("Not found", { status: 404 });
  const { endpoint } = await params;
  const result = await sandbox.handleApi(endpoint, request.nextUrl.searchParams, await request.text());
  return Response.json(result.json, { status: result.status });
}
