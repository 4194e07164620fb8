import { registerOTel } from "@vercel/otel";
import { StripQueryProcessor } from "./strip-query";

/**
 * OpenTelemetry through @vercel/otel (called from instrumentation.ts, only when OTEL_EXPORTER_OTLP_ENDPOINT is set).
 * Why @vercel/otel and not the OTel Node SDK: it is what Next documents for `instrumentation.ts`, it works in the
 * Node and edge runtimes, it picks up Next's own spans (request, route handler, render) and instruments `fetch`
 * (Next patches fetch, which the SDK's undici/http instrumentations do not see reliably) without the SDK's
 * require-hook auto-instrumentation, which does not fit Next's bundled server. The exporter ("auto") reads the
 * standard OTEL_* variables (endpoint, protocol, headers, batch delays).
 */
export function registerTracing(): void {
  registerOTel({
    serviceName: "wechat-component-portal",
    // Order matters: the query strings are cut before "auto" exports the span (docs/toolchain.md A10).
    spanProcessors: [new StripQueryProcessor(), "auto"],
  });
}
