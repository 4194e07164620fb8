// POST /api/wechat/component/events: WeChat's ticket and authorization pushes (授权事件接收URL)
import type { NextRequest } from "next/server";
import { isAppError } from "@/lib/errors";
import { MAX_PUSH_BYTES } from "@/lib/events/receive-component-push";
import { readBodyLimited, textResponse } from "@/lib/http";
import { getPlatform } from "@/lib/platform";

export async function POST(request: NextRequest) {
  let body: string;
  try {
    body = await readBodyLimited(request, MAX_PUSH_BYTES);
  } catch (error) {
    if (isAppError(error)) return textResponse(error.status, error.message);
    return textResponse(400, "unreadable body");
  }
  const { componentPushes } = await getPlatform();
  const result = await componentPushes.receive(request.nextUrl.searchParams, body);
  return textResponse(result.status, result.body);
}

// GET ?signature&timestamp&nonce&echostr: URL verification some consoles send (protocol 1.6).
export async function GET(request: NextRequest) {
  const q = request.nextUrl.searchParams;
  const [signature, timestamp, nonce, echostr] = ["signature", "timestamp", "nonce", "echostr"].map((k) => q.get(k) ?? "");
  if (!signature || !timestamp || !nonce || !echostr) return textResponse(400, "missing parameters");
  const { crypto } = await getPlatform();
  if (!crypto.verifyUrlSignature(signature!, timestamp!, nonce!)) return textResponse(401, "signature mismatch");
  return textResponse(200, echostr!);
}
