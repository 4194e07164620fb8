// GET /api/wechat/fastregister/callback?task=…&ticket=…: WeChat's fastregisterauth page sends the merchant back here
// (reuse of an official account's entity, §13.8). Only the signed-in merchant's own waiting task is completed.
import { redirect } from "next/navigation";
import type { NextRequest } from "next/server";
import { currentUser } from "@/lib/auth/guards";
import { getPlatform } from "@/lib/platform";
import { completeOfficialAccountRegistration } from "@/lib/registration/official-account";

export async function GET(request: NextRequest) {
  const q = request.nextUrl.searchParams;
  const user = await currentUser();
  if (!user || user.role !== "merchant" || !user.merchantId) {
    redirect(`/login?callbackUrl=${encodeURIComponent(`/api/wechat/fastregister/callback?${q}`)}`);
  }
  const errcode = Number.parseInt(q.get("errcode") ?? "", 10);
  const id = await completeOfficialAccountRegistration(await getPlatform(), user.merchantId, {
    taskRowId: q.get("task") ?? "",
    ticket: q.get("ticket"),
    errcode: Number.isFinite(errcode) ? errcode : null,
  });
  redirect(id ? `/accounts/register/${id}` : "/accounts/register");
}
