import { notFound } from "next/navigation";
import { appIdSchema } from "@/lib/wechat/app-id";

/** An [appid] page's segment as an AppID; a malformed one is a 404, like an unknown one. */
export function appIdParamOrNotFound(appid: string): string {
  const appId = appIdSchema.safeParse(appid);
  if (!appId.success) notFound();
  return appId.data;
}
