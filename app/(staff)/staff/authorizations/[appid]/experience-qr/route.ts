// GET /staff/authorizations/[appid]/experience-qr: the 体验版 QR code of any mini program for staff, fetched from WeChat
// (get_qrcode) with the authorizer token on the server, so no token ever reaches the browser.
import { getDb } from "@/db";
import { findStaffAuthorizerDetail } from "@/db/queries/staff-authorizer-detail";
import { requireStaff } from "@/lib/auth/guards";
import { getPlatform } from "@/lib/platform";
import { experienceQrResponse } from "@/lib/releases/experience-qr";
import { appIdSchema } from "@/lib/wechat/app-id";

export async function GET(_request: Request, { params }: { params: Promise<{ appid: string }> }) {
  const { appid } = await params;
  await requireStaff(`/staff/authorizations/${encodeURIComponent(appid)}`);
  const appId = appIdSchema.safeParse(appid);
  if (!appId.success) return new Response("Not found", { status: 404 });
  const account = await findStaffAuthorizerDetail(await getDb(), appId.data);
  if (!account || account.kind !== "mini_program") return new Response("Not found", { status: 404 });
  return experienceQrResponse(await getPlatform(), appId.data);
}
