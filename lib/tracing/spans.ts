import { SpanStatusCode, trace, type Attributes } from "@opentelemetry/api";
import type { CallObservation } from "@/lib/wechat/api-core";

/**
 * The portal's own spans. Without a registered tracer provider (tracing off) every call here is a no-op of the
 * OpenTelemetry API. Attributes are names, outcomes and codes: never a URL, a token, a body or an account's data.
 */
const tracer = () => trace.getTracer("wechat-component-portal");

/** Runs `fn` in a span named `name`; marks the span as an error when it throws. */
export async function withSpan<T>(name: string, attributes: Attributes, fn: () => Promise<T>): Promise<T> {
  return tracer().startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn();
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : "error" });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** One attempt of a WeChat call, as api-core observed it (recorded afterwards, with its real start and duration). */
export function traceWechatCall(call: CallObservation): void {
  const end = Date.now();
  const span = tracer().startSpan(`wechat ${call.endpoint}`, {
    startTime: end - call.durationMs,
    attributes: {
      "wechat.endpoint": call.endpoint,
      "wechat.attempt": call.attempt,
      "wechat.outcome": call.outcome,
      ...(call.errcode !== null && { "wechat.errcode": call.errcode }),
    },
  });
  if (call.outcome !== "ok") span.setStatus({ code: SpanStatusCode.ERROR, message: call.outcome });
  span.end(end);
}

/** Puts a push's route, type and outcome on the request's span (Next's route handler span). */
export function annotatePush(attributes: Attributes): void {
  trace.getActiveSpan()?.setAttributes(attributes);
}

/** The current trace id, for log lines (undefined when tracing is off or no span is active). */
export function currentTraceId(): string | undefined {
  const context = trace.getActiveSpan()?.spanContext();
  return context && trace.isSpanContextValid(context) ? context.traceId : undefined;
}
