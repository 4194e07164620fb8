import { CATALOGS } from "./catalogs";
import type { Locale } from "./config";
import { message, type Message } from "./message";

function known(errcode: number): boolean {
  return Object.hasOwn(CATALOGS["zh-CN"].wechatErrors.codes, String(errcode));
}

/**
 * What a WeChat errcode means, for people: the catalog entry `wechatErrors.codes.<errcode>`
 * (messages/<locale>/wechatErrors.json, docs/wechat-protocol.md §6 and the per-API lists of §3), or "unknown
 * errcode N". A feature that meets new errcodes adds them to both catalogs.
 */
export function wechatErrorMessage(errcode: number): Message {
  return known(errcode) ? message(`wechatErrors.codes.${errcode}`) : message("wechatErrors.unknown", { errcode });
}

/** The same explanation as text in one language, outside React (log lines, stored diagnostics). */
export function wechatErrorText(errcode: number, locale: Locale): string {
  const area = CATALOGS[locale].wechatErrors;
  const codes: Record<string, string> = area.codes;
  return known(errcode) ? (codes[String(errcode)] ?? "") : area.unknown.replace("{errcode}", String(errcode));
}
