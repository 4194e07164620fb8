import { SANDBOX_COMPONENT } from "@/lib/sandbox/credentials";
import { createMessageCrypto } from "@/lib/wechat/crypto";
import { sealPush, type SealedPush } from "@/lib/wechat/push";

const crypto = createMessageCrypto({ ...SANDBOX_COMPONENT });

/** A component_verify_ticket push for `ticket`, timestamped now and sealed with the sandbox's credentials as WeChat seals it. */
export function sealTicketPush(ticket: string): SealedPush {
  return sealPush(
    crypto,
    {
      AppId: SANDBOX_COMPONENT.appId,
      CreateTime: Math.floor(Date.now() / 1000),
      InfoType: "component_verify_ticket",
      ComponentVerifyTicket: ticket,
    },
    { AppId: SANDBOX_COMPONENT.appId },
  );
}
