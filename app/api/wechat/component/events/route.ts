// POST /api/wechat/component/events: WeChat's ticket and authorization pushes (授权事件接收URL)
import { after, type NextRequest } from "next/server";
import { MAX_PUSH_BYTES } from "@/lib/events/open-push";
import { readPushBody, textResponse } from "@/lib/http";
import { getPlatform } from "@/lib/platform";
import { processPendingComponentEvents } from "@/lib/authorization/events";

export async function POST(request: NextRequest) {
  const read = await readPushBody(request, MAX_PUSH_BYTES);
  if ("response" in read) return read.response;
  const platform = await getPlatform();
  const result = await platform.componentPushes.receive(request.nextUrl.searchParams, read.body);
  // Stored first, answered now; the slow follow-up (api_query_auth) runs after the answer has left. The
  // background loop retries whatever this misses, so nothing depends on this call finishing.
  if (result.followUp) after(() => processPendingComponentEvents(platform).catch(() => {}));
  return textResponse(result.status, result.body);
}

// GET ?signature&timestamp&nonce&echostr: URL verification some consoles send (docs/wechat-protocol.md §1.6).
export async function GET(request: NextRequest) {
  const q = request.nextUrl.searchParams;
  const [signature, timestamp, nonce, echostr] = ["signature", "timestamp", "nonce", "echostr"].map(
    (k) => q.get(k) ?? "",
  );
  if (!signature || !timestamp || !nonce || !echostr) return textResponse(400, "missing parameters");
  const { crypto } = await getPlatform();
  if (!crypto.verifyUrlSignature(signature!, timestamp!, nonce!)) return textResponse(401, "signature mismatch");
  return textResponse(200, echostr!);
}
