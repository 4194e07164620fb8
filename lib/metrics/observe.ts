import type { CallObservation } from "@/lib/wechat/api-core";
import { traceWechatCall } from "@/lib/tracing/spans";
import { recordWechatCall } from "./record";

/** The api-core `observe` hook (metrics and traces): every attempt of every WeChat call (never a URL, a token or a body). Never throws. */
export function observeWechatCall(call: CallObservation): void {
  try {
    recordWechatCall(call);
    traceWechatCall(call);
  } catch {
    // Metrics must never break a call.
  }
}
