import { auditEventHandler } from "@/lib/releases/audit-events";
import { setupAuthorizerEvents, setupComponentEvents } from "@/lib/setup/events";
import { fastRegisterPushHandler } from "@/lib/registration/push-handler";
import type { AuthorizerEventHandler, ComponentEventHandler } from "./types";

/**
 * The event handlers of every area, one line each. A new event: one handler file in its area, one line here.
 * (Release center: weapp_audit_*; setup: wxa_* and the verification/filing notices; fast registration:
 * notify_third_fasteregister.)
 */
export const AUTHORIZER_EVENT_HANDLERS: readonly AuthorizerEventHandler[] = [auditEventHandler, setupAuthorizerEvents];

export const COMPONENT_EVENT_HANDLERS: readonly ComponentEventHandler[] = [
  setupComponentEvents,
  fastRegisterPushHandler,
];

/** Whether an account's event is the platform's own (stored for follow-up, not forwarded to the merchant). */
export function isPlatformEvent(msgType: string, event: string | undefined): boolean {
  return msgType === "event" && event !== undefined && AUTHORIZER_EVENT_HANDLERS.some((h) => h.events.includes(event));
}

export function authorizerEventHandlerFor(event: string | undefined): AuthorizerEventHandler | undefined {
  return event === undefined ? undefined : AUTHORIZER_EVENT_HANDLERS.find((h) => h.events.includes(event));
}

export function componentEventHandlerFor(infoType: string): ComponentEventHandler | undefined {
  return COMPONENT_EVENT_HANDLERS.find((h) => h.infoTypes.includes(infoType));
}
