// GET and POST /sandbox/<path>: WeChat's API in the sandbox (/cgi-bin/…, /wxa/…), served from the route table in
// lib/sandbox/routes.ts; unknown paths get 404 JSON. The sandbox's pages and /sandbox/api/* are more specific
// routes and win over this catch-all.
import type { NextRequest } from "next/server";
import { getPlatform } from "@/lib/platform";

async function handle(request: NextRequest, { params }: { params: Promise<{ path: string[] }> }) {
  const { sandbox } = await getPlatform();
  if (!sandbox) return new Response("Not found", { status: 404 });
  const { path } = await params;
  const result = await sandbox.handleRequest({
    method: request.method,
    path: `/${path.join("/")}`,
    query: request.nextUrl.searchParams,
    bodyText: await request.text(),
  });
  if ("json" in result) return Response.json(result.json, { status: result.status });
  return new Response(new Uint8Array(result.body), {
    status: result.status,
    headers: { ...result.headers, "content-type": result.contentType },
  });
}

export const GET = handle;
export const POST = handle;
