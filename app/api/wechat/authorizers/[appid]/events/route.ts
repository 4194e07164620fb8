// POST /api/wechat/authorizers/[appid]/events: every authorized account's messages and events (消息与事件接收URL,
// `…/authorizers/$APPID$/events` in the open-platform console)
import { after, type NextRequest } from "next/server";
import { MAX_PUSH_BYTES } from "@/lib/events/open-push";
import { readPushBody, textResponse } from "@/lib/http";
import { processPendingAuthorizerMessages } from "@/lib/messages/release-test-reply";
import { getPlatform } from "@/lib/platform";

export async function POST(request: NextRequest, { params }: { params: Promise<{ appid: string }> }) {
  const { appid } = await params;
  const read = await readPushBody(request, MAX_PUSH_BYTES);
  if ("response" in read) return read.response;
  const platform = await getPlatform();
  const result = await platform.authorizerMessages.receive(appid, request.nextUrl.searchParams, read.body);

  // After the answer has left: WeChat's 5 seconds never wait for a merchant's webhook or for the release
  // test's API message. Both are durable already (stored above); the background loops retry what this misses.
  if (result.followUp) after(() => processPendingAuthorizerMessages(platform).catch(() => {}));
  if (result.deliveries) after(() => platform.webhooks.kick());

  return textResponse(result.status, result.body, result.contentType);
}
