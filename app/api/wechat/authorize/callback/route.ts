// GET /api/wechat/authorize/callback: the merchant's browser back from WeChat's authorization page
import { redirect } from "next/navigation";
import type { NextRequest } from "next/server";
import { z } from "zod";
import { completeAuthorizationCallback } from "@/lib/authorization/callback";
import { requireMerchant } from "@/lib/auth/guards";
import { getPlatform } from "@/lib/platform";

const querySchema = z.object({
  state: z.string().min(16).max(200),
  auth_code: z.string().min(1).max(1000).optional(),
});

export async function GET(request: NextRequest) {
  const query = querySchema.safeParse(Object.fromEntries(request.nextUrl.searchParams));
  if (!query.success) redirect("/authorize/result?reason=invalid_state");
  // A merchant whose sign-in lapsed while on WeChat's page signs in again and comes back here.
  const merchant = await requireMerchant(`${request.nextUrl.pathname}${request.nextUrl.search}`);
  const outcome = await completeAuthorizationCallback(await getPlatform(), {
    state: query.data.state,
    authCode: query.data.auth_code ?? null,
    merchantId: merchant.merchantId,
  });
  // An account held by another merchant is not this merchant's to view: back to the list with the notice.
  if (outcome.ok) redirect(outcome.conflict ? "/accounts?conflict=1" : `/accounts/${outcome.appId}?authorized=1`);
  redirect(`/authorize/result?reason=${outcome.reason}${outcome.errcode ? `&errcode=${outcome.errcode}` : ""}`);
}
