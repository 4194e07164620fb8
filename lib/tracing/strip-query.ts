import type { Context } from "@opentelemetry/api";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace-base";

/**
 * Security: WeChat takes `access_token` / `component_access_token` in the query string, the authorization callback
 * brings an `auth_code`, and the sandbox serves those URLs here too. Fetch spans name the URL, and both the fetch
 * spans (`http.url`, old semantic conventions in @vercel/otel 2.1.3) and Next's root span (`http.target`) record
 * it whole (docs/toolchain.md A10). This processor runs before the exporting one ("auto") and cuts every `?…` from the span
 * name and from every string attribute, so no query string (and no credential in one) leaves the process.
 */
export class StripQueryProcessor implements SpanProcessor {
  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    const writable = span as unknown as { name: string; attributes: Record<string, unknown> };
    writable.name = stripQuery(span.name);
    for (const [key, value] of Object.entries(span.attributes)) {
      if (typeof value === "string" && value.includes("?")) writable.attributes[key] = stripQuery(value);
      else if (Array.isArray(value)) {
        writable.attributes[key] = value.map((v: unknown) => (typeof v === "string" ? stripQuery(v) : v));
      }
    }
    for (const event of span.events) {
      const attributes = event.attributes as Record<string, unknown> | undefined;
      for (const [key, value] of Object.entries(attributes ?? {})) {
        if (typeof value === "string" && value.includes("?")) attributes![key] = stripQuery(value);
      }
    }
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export function stripQuery(text: string): string {
  const at = text.indexOf("?");
  return at === -1 ? text : text.slice(0, at);
}
