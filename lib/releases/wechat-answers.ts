import type { StoredWechatAnswer } from "@/db/schema";
import { message, type Message } from "@/lib/i18n/message";
import zh from "@/messages/zh-CN/releases.json";

/** Catalog key of an errcode's explanation (messages/<locale>/releases.json → wechat), e.g. 85009 → `e85009`. */
function keyOf(errcode: number): string {
  return errcode === -1 ? "eMinus1" : `e${errcode}`;
}

/** A WeChat errcode of the code-management APIs explained to people (docs/wechat-protocol.md §11.8), in zh/en on the page. */
export function explainErrcode(errcode: number): Message {
  const key = keyOf(errcode);
  return Object.hasOwn(zh.wechat, key)
    ? message(`releases.wechat.${key}`)
    : message("releases.wechat.unknown", { errcode });
}

/** What a stored answer means for people: the explanation of its errcode, or "no answer". */
export function explainAnswer(answer: StoredWechatAnswer): Message | null {
  if (answer.errcode === 0) return null;
  if (answer.errcode === null) return message("releases.wechat.noAnswer", { reason: answer.errmsg });
  return explainErrcode(answer.errcode);
}

/** WeChat's audit reason as text for people: it separates its points with `<br>` (docs/wechat-protocol.md §11.6). */
export function readableAuditReason(reason: string): string {
  return reason
    .replace(/<br\s*\/?>/gi, " ")
    .replace(/\s+/g, " ")
    .trim();
}

const OUTCOMES_WITH_AUDIT_REASON = new Set(["releases.outcome.rejected", "releases.outcome.delayed"]);

/** A release target's outcome as shown: the audit reason in it made readable (stored as WeChat sent it). */
export function readableOutcome(outcome: Message): Message {
  const reason = outcome.values?.reason;
  if (!OUTCOMES_WITH_AUDIT_REASON.has(outcome.key) || typeof reason !== "string") return outcome;
  return { ...outcome, values: { ...outcome.values, reason: readableAuditReason(reason) } };
}
