// GET /accounts/[appid]/experience-qr: the 体验版 QR code of the merchant's own mini program, fetched from WeChat
// (get_qrcode) with the authorizer token on the server, so no token ever reaches the browser.
import { getDb } from "@/db";
import { findMerchantAuthorizer } from "@/db/queries/authorizers";
import { requireMerchant } from "@/lib/auth/guards";
import { getPlatform } from "@/lib/platform";
import { codeClientOf } from "@/lib/releases/release-kind";
import { appIdSchema } from "@/lib/wechat/app-id";

export async function GET(_request: Request, { params }: { params: Promise<{ appid: string }> }) {
  const { appid } = await params;
  const merchant = await requireMerchant(`/accounts/${encodeURIComponent(appid)}`);
  const appId = appIdSchema.safeParse(appid);
  if (!appId.success) return new Response("Not found", { status: 404 });
  const account = await findMerchantAuthorizer(await getDb(), merchant.merchantId, appId.data);
  if (!account || account.kind !== "mini_program") return new Response("Not found", { status: 404 });
  const platform = await getPlatform();
  try {
    const image = await platform.authorizerTokens.withToken(appId.data, (token) =>
      codeClientOf(platform).getQrcode(token),
    );
    return new Response(new Uint8Array(image.bytes), {
      headers: { "content-type": image.contentType, "cache-control": "private, no-store" },
    });
  } catch {
    return new Response("No trial version", { status: 404 });
  }
}
