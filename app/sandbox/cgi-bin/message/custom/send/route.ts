// POST /sandbox/cgi-bin/message/custom/send: the WeChat sandbox's customer-service message API (docs/wechat-protocol.md §3.11)
import type { NextRequest } from "next/server";
import { getPlatform } from "@/lib/platform";

export async function POST(request: NextRequest) {
  const { sandbox } = await getPlatform();
  if (!sandbox) return new Response("Not found", { status: 404 });
  const result = await sandbox.handleCustomSend(request.nextUrl.searchParams, await request.text());
  return Response.json(result.json, { status: result.status });
}
