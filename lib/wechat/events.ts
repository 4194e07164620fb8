import { z } from "zod";

export class WechatEventError extends Error {
  readonly code = "invalid_event";

  constructor(message: string) {
    super(message);
    this.name = "WechatEventError";
  }
}

const nonEmpty = z.string().min(1);
const unixSeconds = z
  .string()
  .regex(/^[0-9]{1,15}$/)
  .transform(Number);
// An empty <PreAuthCode/> means "none", same as an absent one.
const optionalNonEmpty = z
  .string()
  .optional()
  .transform((value) => value || undefined);

/** The fields every component push carries, with its InfoType fixed. */
function componentPushSchema<T extends string>(infoType: T) {
  return z.object({ AppId: nonEmpty, CreateTime: unixSeconds, InfoType: z.literal(infoType) });
}

export const componentVerifyTicketSchema = componentPushSchema("component_verify_ticket").extend({
  ComponentVerifyTicket: nonEmpty,
});
export type ComponentVerifyTicket = z.infer<typeof componentVerifyTicketSchema>;

export const authorizedSchema = componentPushSchema("authorized").extend({
  AuthorizerAppid: nonEmpty,
  AuthorizationCode: nonEmpty,
  AuthorizationCodeExpiredTime: unixSeconds,
  PreAuthCode: optionalNonEmpty,
});
export type Authorized = z.infer<typeof authorizedSchema>;

export const updateAuthorizedSchema = authorizedSchema.extend({ InfoType: z.literal("updateauthorized") });
export type UpdateAuthorized = z.infer<typeof updateAuthorizedSchema>;

export const unauthorizedSchema = componentPushSchema("unauthorized").extend({ AuthorizerAppid: nonEmpty });
export type Unauthorized = z.infer<typeof unauthorizedSchema>;

// Unknown InfoTypes must still be answered `success` (docs/wechat-protocol.md §1.2), so only InfoType itself is required.
const unknownInfoTypeSchema = z.object({
  AppId: z.string().optional(),
  CreateTime: unixSeconds.optional(),
  InfoType: nonEmpty,
});

export type ComponentEvent =
  | { kind: "component_verify_ticket"; appId: string; createTime: number; ticket: string }
  | {
      kind: "authorized" | "updateauthorized";
      appId: string;
      createTime: number;
      authorizerAppId: string;
      authorizationCode: string;
      /** Unix seconds. */
      authorizationCodeExpiresAt: number;
      preAuthCode?: string;
    }
  | { kind: "unauthorized"; appId: string; createTime: number; authorizerAppId: string }
  | {
      kind: "unknown";
      infoType: string;
      appId?: string;
      createTime?: number;
      fields: Record<string, unknown>;
    };

/**
 * `AuthorizationCodeExpiredTime` is documented only as "seconds" and SDKs disagree (docs/wechat-protocol.md §1.4): values above 1e9
 * are absolute Unix times, smaller ones are a TTL counted from `CreateTime`.
 */
export function authorizationCodeExpiresAt(createTime: number, expiredTime: number): number {
  return expiredTime > 1_000_000_000 ? expiredTime : createTime + expiredTime;
}

function parseWith<T extends z.ZodType>(
  schema: T,
  fields: Record<string, unknown>,
  what = "component event",
): z.output<T> {
  const result = schema.safeParse(fields);
  if (result.success) return result.data;
  // Paths only: the values are credentials (tickets, authorization codes) or users' words, and stay out of logs.
  const paths = [...new Set(result.error.issues.map((issue) => issue.path.join(".") || "(root)"))];
  throw new WechatEventError(`invalid ${what}: ${paths.join(", ")}`);
}

/** What every known component push maps to, whatever its InfoType. */
function pushHeader(event: { AppId: string; CreateTime: number }) {
  return { appId: event.AppId, createTime: event.CreateTime };
}

function toAuthorizationEvent(event: Authorized | UpdateAuthorized): ComponentEvent {
  return {
    kind: event.InfoType,
    ...pushHeader(event),
    authorizerAppId: event.AuthorizerAppid,
    authorizationCode: event.AuthorizationCode,
    authorizationCodeExpiresAt: authorizationCodeExpiresAt(event.CreateTime, event.AuthorizationCodeExpiredTime),
    ...(event.PreAuthCode !== undefined && { preAuthCode: event.PreAuthCode }),
  };
}

/** Maps the decrypted fields of an authorization-event push (docs/wechat-protocol.md §1.3, §1.4) to a domain event, by `InfoType`. */
export function parseComponentEvent(fields: Record<string, unknown>): ComponentEvent {
  switch (fields.InfoType) {
    case "component_verify_ticket": {
      const event = parseWith(componentVerifyTicketSchema, fields);
      return { kind: "component_verify_ticket", ...pushHeader(event), ticket: event.ComponentVerifyTicket };
    }
    case "authorized":
      return toAuthorizationEvent(parseWith(authorizedSchema, fields));
    case "updateauthorized":
      return toAuthorizationEvent(parseWith(updateAuthorizedSchema, fields));
    case "unauthorized": {
      const event = parseWith(unauthorizedSchema, fields);
      return { kind: "unauthorized", ...pushHeader(event), authorizerAppId: event.AuthorizerAppid };
    }
    default: {
      const event = parseWith(unknownInfoTypeSchema, fields);
      return {
        kind: "unknown",
        infoType: event.InfoType,
        ...(event.AppId !== undefined && { appId: event.AppId }),
        ...(event.CreateTime !== undefined && { createTime: event.CreateTime }),
        fields,
      };
    }
  }
}

/**
 * Idempotency key for an authorization-event push (docs/wechat-protocol.md §1.5): tickets by value, change events by
 * (InfoType, AuthorizerAppid, CreateTime), anything else by a hash of the decrypted plaintext.
 */
export function componentEventDedupeKey(event: ComponentEvent, plaintextSha256: string): string {
  switch (event.kind) {
    case "component_verify_ticket":
      return `ticket:${event.ticket}`;
    case "authorized":
    case "updateauthorized":
    case "unauthorized":
      return `${event.kind}:${event.authorizerAppId}:${event.createTime}`;
    case "unknown":
      return `unknown:${plaintextSha256}`;
  }
}

/** Decrypted push on the message URL of an authorized account (docs/wechat-protocol.md §7); only the fields we dispatch on. */
export const authorizerMessageSchema = z.object({
  ToUserName: nonEmpty,
  FromUserName: nonEmpty,
  CreateTime: unixSeconds,
  MsgType: nonEmpty,
  // 64-bit ids: kept as strings so they survive without precision loss.
  MsgId: z
    .string()
    .regex(/^[0-9]+$/)
    .optional(),
  Content: z.string().optional(),
  Event: z.string().optional(),
});
export type AuthorizerMessage = z.infer<typeof authorizerMessageSchema>;

/** The decrypted fields of a message-URL push, checked; throws WechatEventError naming the bad fields. */
export function parseAuthorizerMessage(fields: Record<string, unknown>): AuthorizerMessage {
  return parseWith(authorizerMessageSchema, fields, "account message");
}
