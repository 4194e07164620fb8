import zhRegistration from "@/messages/zh-CN/registration.json";
import type { registrationTasks } from "@/db/schema";
import { message, type Message } from "@/lib/i18n/message";

/** Catalog keys for WeChat's numbers: `e89249`, `em1` for -1. */
const keyOf = (n: number) => `e${String(n).replace("-", "m")}`;
const has = (group: Record<string, string>, n: number) => Object.hasOwn(group, keyOf(n));

/** A WeChat errcode of the fast registration APIs, explained (registration.errcodes.*). */
export function errcodeMessage(errcode: number): Message {
  return has(zhRegistration.errcodes, errcode)
    ? message(`registration.errcodes.${keyOf(errcode)}`)
    : message("registration.errcodes.other", { errcode });
}

/** The task status WeChat's query answered, in its API's numbering. */
export function wechatStatusMessage(kind: "enterprise" | "personal", status: number): Message {
  const area = kind === "enterprise" ? "enterpriseStatus" : "personalStatus";
  return has(zhRegistration[area], status)
    ? message(`registration.${area}.${keyOf(status)}`)
    : message(`registration.${area}.other`, { status });
}

/** The result notify_third_fasteregister pushed. */
export function pushStatusMessage(status: number): Message {
  return has(zhRegistration.pushStatus, status)
    ? message(`registration.pushStatus.${keyOf(status)}`)
    : message("registration.pushStatus.other", { status });
}

/** What WeChat last said about a task: the push's result when there is one, else the query's status. */
export function taskDetailMessage(
  task: Pick<typeof registrationTasks.$inferSelect, "kind" | "wechatStatus" | "pushStatus">,
): Message | null {
  if (task.pushStatus !== null) return pushStatusMessage(task.pushStatus);
  if (task.wechatStatus !== null && task.kind !== "official_account")
    return wechatStatusMessage(task.kind, task.wechatStatus);
  return null;
}
