import { SANDBOX_COMPONENT } from "@/lib/sandbox/credentials";
import { createMessageCrypto, type MessageCrypto } from "@/lib/wechat/crypto";
import { sealPush, type SealedPush } from "@/lib/wechat/push";

const crypto = createMessageCrypto({ ...SANDBOX_COMPONENT });

/**
 * A component_verify_ticket push for `ticket`, created now and sealed as WeChat seals it: with the sandbox's
 * credentials unless `sealWith` is given; `innerAppId` and `timestamp` make the wrong ones tests need.
 */
export function sealTicketPush(
  ticket: string,
  options: { sealWith?: MessageCrypto; innerAppId?: string; timestamp?: number } = {},
): SealedPush {
  return sealPush(
    options.sealWith ?? crypto,
    {
      AppId: options.innerAppId ?? SANDBOX_COMPONENT.appId,
      CreateTime: Math.floor(Date.now() / 1000),
      InfoType: "component_verify_ticket",
      ComponentVerifyTicket: ticket,
    },
    { AppId: SANDBOX_COMPONENT.appId },
    { timestamp: options.timestamp },
  );
}
