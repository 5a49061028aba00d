// Spans made and sent by the official OpenTelemetry JS SDK and exporters, so tests exercise
// exactly what real services send: OTLP/HTTP protobuf, OTLP/HTTP JSON and OTLP/gRPC, each with
// and without gzip.
import { context, trace, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';

export type ExporterKind = 'proto' | 'json' | 'grpc';

export function makeExporter(kind: ExporterKind, ports: { http: number; grpc: number }, gzip: boolean): SpanExporter {
  const compression = (gzip ? 'gzip' : 'none') as never;
  if (kind === 'grpc') return new GrpcExporter({ url: `http://127.0.0.1:${ports.grpc}`, compression });
  const url = `http://127.0.0.1:${ports.http}/v1/traces`;
  return kind === 'proto' ? new ProtoExporter({ url, compression }) : new JsonExporter({ url, compression });
}

export function exportSpans(exporter: SpanExporter, spans: ReadableSpan[]): Promise<void> {
  return new Promise((resolve, reject) =>
    exporter.export(spans, (result) => (result.code === 0 ? resolve() : reject(result.error ?? new Error('export failed')))),
  );
}

export interface SampleTrace {
  spans: ReadableSpan[];
  traceId: string;
  serviceName: string;
  /** A span of another trace that the consumer span links to. */
  linkedTraceId: string;
}

/**
 * A small but complete trace: a SERVER root, a CLIENT child with attributes of every type and an
 * error status, a grandchild with an event, and a CONSUMER span linking to a producer in another
 * trace.
 */
export function makeSampleTrace(serviceName: string): SampleTrace {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName, 'deployment.environment.name': 'test' }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('meshlight-tests', '1.2.3');

  const producer = tracer.startSpan('order.created publish', { kind: SpanKind.PRODUCER });
  producer.end();

  const root = tracer.startSpan('GET /orders/:id', {
    kind: SpanKind.SERVER,
    attributes: { 'http.request.method': 'GET', 'http.route': '/orders/:id' },
  });
  const rootCtx = trace.setSpan(context.active(), root);
  const child = tracer.startSpan(
    'call payments',
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'http.response.status_code': 503,
        'app.retry': true,
        'app.ratio': 0.25,
        'app.tags': ['a', 'b'],
        'peer.service': 'payments',
      },
    },
    rootCtx,
  );
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'payments unavailable' });
  const grandchild = tracer.startSpan('serialize', { kind: SpanKind.INTERNAL }, trace.setSpan(context.active(), child));
  grandchild.addEvent('cache.miss', { 'cache.key': 'order:42' });
  grandchild.end();
  child.end();
  const consumer = tracer.startSpan(
    'order.created process',
    { kind: SpanKind.CONSUMER, links: [{ context: producer.spanContext(), attributes: { 'messaging.batch': 1 } }] },
    rootCtx,
  );
  consumer.end();
  root.end();

  const spans = memory.getFinishedSpans().filter((s) => s.spanContext().traceId === root.spanContext().traceId);
  return { spans, traceId: root.spanContext().traceId, serviceName, linkedTraceId: producer.spanContext().traceId };
}
