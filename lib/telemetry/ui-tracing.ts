// Meshlight traces a sample of its own query API work with the official OpenTelemetry SDK and
// sends it to its own collector over OTLP/HTTP, so it shows up as service `meshlight` beside the
// systems it watches. Started from instrumentation.ts (Next's start-up hook) on the Node runtime.
import { trace, type Span, SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import { z } from 'zod';

const telemetryEnv = z.object({
  MESHLIGHT_COLLECTOR_OTLP_HTTP: z.string().url().optional(),
  MESHLIGHT_SELF_TRACE_RATIO: z.coerce.number().min(0).max(1).default(0.01),
});

let started = false;

export function startUiTracing(env: NodeJS.ProcessEnv = process.env): void {
  if (started) return;
  const parsed = telemetryEnv.safeParse(env);
  if (!parsed.success || !parsed.data.MESHLIGHT_COLLECTOR_OTLP_HTTP || parsed.data.MESHLIGHT_SELF_TRACE_RATIO === 0) return;
  started = true;
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'meshlight', 'service.component': 'ui' }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(parsed.data.MESHLIGHT_SELF_TRACE_RATIO) }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${parsed.data.MESHLIGHT_COLLECTOR_OTLP_HTTP}/v1/traces` }), {
        scheduledDelayMillis: 2000,
      }),
    ],
  });
  trace.setGlobalTracerProvider(provider);
}

/**
 * Runs `work` (a route handler) in a span named `name` and ends the span when the response has
 * been sent, not when the handler returns: a streamed body (a big trace) takes longer than the
 * handler. Unsampled requests are passed through untouched.
 */
export async function traceResponse(
  name: string,
  attributes: Record<string, string | number>,
  work: (span: Span) => Promise<Response>,
): Promise<Response> {
  return trace.getTracer('meshlight-ui').startActiveSpan(name, { attributes }, async (span) => {
    let response: Response;
    try {
      response = await work(span);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      span.end();
      throw error;
    }
    return endWhenSent(span, response);
  });
}

function endWhenSent(span: Span, response: Response): Response {
  if (!span.isRecording() || response.body === null) {
    span.end();
    return response;
  }
  const reader = response.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (!done) return controller.enqueue(value);
        controller.close();
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: `response cut short: ${String(error)}` });
        controller.error(error);
      }
      span.end();
    },
    cancel(reason) {
      span.setAttribute('meshlight.response.cancelled', true);
      span.end();
      return reader.cancel(reason);
    },
  });
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}
