import { CATALOGS } from "./catalogs";
import { message, type Message } from "./message";

/**
 * What a WeChat errcode means, for people: the catalog entry `wechatErrors.codes.<errcode>`
 * (messages/<locale>/wechatErrors.json, docs/wechat-protocol.md §6), or "unknown errcode N". A feature that meets
 * new errcodes adds them to both catalogs.
 */
export function wechatErrorMessage(errcode: number): Message {
  return Object.hasOwn(CATALOGS["zh-CN"].wechatErrors.codes, String(errcode))
    ? message(`wechatErrors.codes.${errcode}`)
    : message("wechatErrors.unknown", { errcode });
}
