/**
 * The one application error. `code` says what went wrong in terms the caller can act on; `status` is how a
 * route handler answers it. Messages are safe to show: they never carry a secret, token or stack.
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

export class AppError extends Error {
  /**
   * Next bundles server code more than once (instrumentation, routes, actions), so one error class can exist
   * in several copies; recognise any of them by name.
   */
  static [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof Error && value.name === "AppError";
  }

  readonly status: number;
  constructor(
    readonly code: AppErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "AppError";
    this.status = STATUS[code];
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
