// GET /accounts/[appid]/experience-qr: the 体验版 QR code of the merchant's own mini program, fetched from WeChat
// (get_qrcode) with the authorizer token on the server, so no token ever reaches the browser.
import { getDb } from "@/db";
import { findMerchantAuthorizer } from "@/db/queries/authorizers";
import { requireMerchant } from "@/lib/auth/guards";
import { getPlatform } from "@/lib/platform";
import { experienceQrResponse } from "@/lib/releases/experience-qr";
import { appIdSchema } from "@/lib/wechat/app-id";

export async function GET(_request: Request, { params }: { params: Promise<{ appid: string }> }) {
  const { appid } = await params;
  const merchant = await requireMerchant(`/accounts/${encodeURIComponent(appid)}`);
  const appId = appIdSchema.safeParse(appid);
  if (!appId.success) return new Response("Not found", { status: 404 });
  const account = await findMerchantAuthorizer(await getDb(), merchant.merchantId, appId.data);
  if (!account || account.kind !== "mini_program") return new Response("Not found", { status: 404 });
  return experienceQrResponse(await getPlatform(), appId.data);
}
