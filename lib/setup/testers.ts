import { findMerchantAuthorizer } from "@/db/queries/authorizers";
import { forgetTester, listKnownTesters, rememberTester } from "@/db/queries/setup";
import { message, type Message } from "@/lib/i18n/message";
import type { Platform } from "@/lib/platform";
import { explainSetupError, setupApiOf } from "./service";

/**
 * 体验者 of a merchant's mini program (docs/wechat-protocol.md §12.4): bound by WeChat ID, listed by `userstr`
 * (WeChat never returns the WeChat ID, so the portal keeps the pair), unbound by `userstr`.
 */

export type TesterResult = { ok: true } | { ok: false; message: Message };

const WECHAT_ID = /^[a-zA-Z][\w-]{5,19}$/;

async function owned(platform: Platform, merchantId: string, appId: string) {
  const account = await findMerchantAuthorizer(platform.database.db, merchantId, appId);
  return account && account.kind === "mini_program" && account.status === "authorized";
}

export async function bindTester(
  platform: Platform,
  merchantId: string,
  appId: string,
  wechatId: string,
): Promise<TesterResult> {
  if (!(await owned(platform, merchantId, appId))) return { ok: false, message: message("setup.testers.notYours") };
  const id = wechatId.trim();
  // WeChat IDs are 6–20 letters, digits, _ or -, starting with a letter: refused here rather than by WeChat (85001).
  if (!WECHAT_ID.test(id)) return { ok: false, message: message("setup.testers.badId") };
  try {
    const { userstr } = await platform.authorizerTokens.withToken(appId, (token) =>
      setupApiOf(platform).bindTester(token, id),
    );
    if (userstr) await rememberTester(platform.database.db, appId, id, userstr);
    return { ok: true };
  } catch (error) {
    return { ok: false, message: explainSetupError(error) };
  }
}

export async function unbindTester(
  platform: Platform,
  merchantId: string,
  appId: string,
  userstr: string,
): Promise<TesterResult> {
  if (!(await owned(platform, merchantId, appId))) return { ok: false, message: message("setup.testers.notYours") };
  try {
    await platform.authorizerTokens.withToken(appId, (token) => setupApiOf(platform).unbindTester(token, { userstr }));
    await forgetTester(platform.database.db, appId, userstr);
    return { ok: true };
  } catch (error) {
    return { ok: false, message: explainSetupError(error) };
  }
}

export interface TesterView {
  userstr: string;
  /** Null for testers bound elsewhere (the mini program's console): WeChat does not say who they are. */
  wechatId: string | null;
}

/** WeChat's list (memberauth) joined with the WeChat IDs bound here. */
export async function listTesters(
  platform: Platform,
  merchantId: string,
  appId: string,
): Promise<{ ok: true; testers: TesterView[] } | { ok: false; message: Message }> {
  if (!(await owned(platform, merchantId, appId))) return { ok: false, message: message("setup.testers.notYours") };
  try {
    const userstrs = await platform.authorizerTokens.withToken(appId, (token) =>
      setupApiOf(platform).listTesters(token),
    );
    const known = new Map((await listKnownTesters(platform.database.db, appId)).map((t) => [t.userstr, t.wechatId]));
    return { ok: true, testers: userstrs.map((u) => ({ userstr: u, wechatId: known.get(u) ?? null })) };
  } catch (error) {
    return { ok: false, message: explainSetupError(error) };
  }
}
