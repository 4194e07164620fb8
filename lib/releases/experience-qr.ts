import "server-only";
import type { Platform } from "@/lib/platform";
import { codeClientOf } from "./release-kind";

/**
 * The 体验版 QR code of a mini program as an image response, fetched from WeChat (get_qrcode) with the authorizer token
 * on the server, so no token ever reaches the browser. 404 when there is none (no trial version, or WeChat refused).
 * The caller has checked who may see it (the merchant owning the account, or staff).
 */
export async function experienceQrResponse(platform: Platform, appId: string): Promise<Response> {
  try {
    const image = await platform.authorizerTokens.withToken(appId, (token) => codeClientOf(platform).getQrcode(token));
    return new Response(new Uint8Array(image.bytes), {
      headers: { "content-type": image.contentType, "cache-control": "private, no-store" },
    });
  } catch {
    return new Response("No trial version", { status: 404 });
  }
}
