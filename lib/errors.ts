import { message, type Message } from "@/lib/i18n/message";
import { ErrorRecognisedByName } from "@/lib/wechat/errors";

/**
 * The one application error. `code` says what went wrong in terms the caller can act on; `status` is how a
 * route handler answers it; `userMessage` is what to tell people (a catalog key and values, translated where it
 * is shown). Messages are safe to show: they never carry a secret, token or stack.
 */
export type AppErrorCode =
  | "bad_request"
  | "bad_signature"
  | "stale_timestamp"
  | "payload_too_large"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "waiting_for_ticket"
  | "upstream"
  | "unavailable";

const STATUS: Record<AppErrorCode, number> = {
  bad_request: 400,
  bad_signature: 401,
  stale_timestamp: 403,
  payload_too_large: 413,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  waiting_for_ticket: 503,
  upstream: 502,
  unavailable: 503,
};

export class AppError extends ErrorRecognisedByName("AppError") {
  readonly status: number;
  readonly userMessage: Message;
  /**
   * `detail` is either a Message for people (the Error's message is then its key) or plain English for operators
   * and API clients (people then read the code's general explanation, `errors.<code>`).
   */
  constructor(
    readonly code: AppErrorCode,
    detail: string | Message,
    options?: { cause?: unknown },
  ) {
    super(typeof detail === "string" ? detail : detail.key, options);
    this.status = STATUS[code];
    this.userMessage = typeof detail === "string" ? message(`errors.${code}`) : detail;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
