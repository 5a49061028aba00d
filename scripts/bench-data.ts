// Realistic synthetic spans for benchmarks, made with the official OpenTelemetry SDK and
// serialized with its own OTLP protobuf serializer: traces of a dozen services, ~20 attributes a
// span, some events and errors. Payloads are built before timing starts.
import { context, trace, SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';

const SERVICES = ['gateway', 'orders', 'inventory', 'payments', 'notifier', 'users', 'search', 'catalog', 'shipping', 'pricing'];

function tracerFor(service: string, exporter: InMemorySpanExporter): Tracer {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': service,
      'service.version': '1.4.2',
      'deployment.environment.name': 'production',
      'host.name': `${service}-7f9c8d-abcde`,
      'k8s.namespace.name': 'shop',
      'k8s.pod.name': `${service}-7f9c8d-abcde`,
      'telemetry.sdk.language': 'nodejs',
    }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  return provider.getTracer('bench', '1.0.0');
}

function attributes(i: number, service: string): Record<string, string | number | boolean> {
  return {
    'http.request.method': i % 5 === 0 ? 'POST' : 'GET',
    'url.full': `https://${service}.shop.internal/api/v1/items/${i % 1000}?page=${i % 7}`,
    'url.path': `/api/v1/items/${i % 1000}`,
    'http.route': '/api/v1/items/:id',
    'http.response.status_code': i % 97 === 0 ? 500 : 200,
    'server.address': `${service}.shop.internal`,
    'server.port': 8080,
    'network.protocol.version': '1.1',
    'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) bench/1.0',
    'client.address': `10.0.${i % 255}.${(i * 7) % 255}`,
    'enduser.id': `user-${i % 5000}`,
    'app.order.id': `ord-${i}`,
    'app.cart.items': i % 13,
    'app.cart.total': (i % 1000) * 1.25,
    'app.feature.flag': i % 2 === 0,
    'thread.name': 'main',
    'code.function': 'handleRequest',
    'code.filepath': `/srv/${service}/src/handlers/items.ts`,
    'db.system': 'postgresql',
    'peer.service': SERVICES[(i + 1) % SERVICES.length]!,
  };
}

/** Makes `count` spans in traces of `spansPerTrace`, returns them grouped per request. */
export function makeSpans(count: number, spansPerTrace = 20): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const tracers = SERVICES.map((s) => tracerFor(s, exporter));
  let made = 0;
  while (made < count) {
    const n = Math.min(spansPerTrace, count - made);
    const root = tracers[0]!.startSpan('GET /api/v1/items/:id', { kind: SpanKind.SERVER, attributes: attributes(made, 'gateway') });
    let parentCtx = trace.setSpan(context.active(), root);
    for (let j = 1; j < n; j++) {
      const service = SERVICES[j % SERVICES.length]!;
      const span = tracers[j % SERVICES.length]!.startSpan(
        j % 2 ? `call ${service}` : `SELECT ${service}.items`,
        { kind: j % 2 ? SpanKind.CLIENT : SpanKind.SERVER, attributes: attributes(made + j, service) },
        parentCtx,
      );
      if (j % 4 === 0) span.addEvent('cache.miss', { 'cache.key': `item:${made + j}` });
      if ((made + j) % 97 === 0) span.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream returned 500' });
      if (j % 3 === 0) parentCtx = trace.setSpan(context.active(), span);
      span.end();
    }
    root.end();
    made += n;
  }
  return exporter.getFinishedSpans();
}

export function toRequests(spans: ReadableSpan[], perRequest: number): Uint8Array[] {
  const requests: Uint8Array[] = [];
  for (let i = 0; i < spans.length; i += perRequest) {
    requests.push(ProtobufTraceSerializer.serializeRequest(spans.slice(i, i + perRequest))!);
  }
  return requests;
}

/** One trace of `count` spans, a wide and deep tree like a batch job. */
export function makeBigTrace(count: number): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const tracers = SERVICES.map((s) => tracerFor(s, exporter));
  const root = tracers[0]!.startSpan('batch-job', { kind: SpanKind.SERVER, attributes: attributes(0, 'gateway') });
  const parents = [trace.setSpan(context.active(), root)];
  for (let i = 1; i < count; i++) {
    const parent = parents[Math.floor(Math.random() * parents.length)]!;
    const span = tracers[i % SERVICES.length]!.startSpan(`step-${i % 50}`, { kind: SpanKind.INTERNAL, attributes: attributes(i, 'x') }, parent);
    if (parents.length < 500) parents.push(trace.setSpan(context.active(), span));
    span.end();
  }
  root.end();
  return exporter.getFinishedSpans();
}

/** Tree shapes the trace explorer benchmark opens (scripts/bench-trace-explorer.ts). */
export type TraceShape = 'random' | 'chain' | 'fan-out' | 'orphans' | 'distinct-names';

export const TRACE_SHAPES: Record<TraceShape, string> = {
  random: 'random tree (each span under a random one of the first 500)',
  chain: 'deep chain (each span the child of the previous one)',
  'fan-out': 'wide fan-out (every span a child of the root)',
  orphans: 'a third of the spans under parents that never arrived, each its own missing parent',
  'distinct-names': 'random tree, every span named differently',
};

const randomHex = (length: number) => Array.from({ length }, () => Math.floor(Math.random() * 16).toString(16)).join('');

/** One trace of `count` spans in the given shape. */
export function makeShapedTrace(shape: TraceShape, count: number): ReadableSpan[] {
  if (shape === 'random') return makeBigTrace(count);
  const exporter = new InMemorySpanExporter();
  const tracers = SERVICES.map((s) => tracerFor(s, exporter));
  const root = tracers[0]!.startSpan('batch-job', { kind: SpanKind.SERVER, attributes: attributes(0, 'gateway') });
  const rootCtx = trace.setSpan(context.active(), root);
  const traceId = root.spanContext().traceId;
  const parents = [rootCtx];
  let previous = rootCtx;
  for (let i = 1; i < count; i++) {
    let parent = rootCtx;
    let name = `step-${i % 50}`;
    if (shape === 'chain') parent = previous;
    else if (shape === 'orphans' && i % 3 === 0) {
      parent = trace.setSpanContext(context.active(), { traceId, spanId: randomHex(16), traceFlags: 1 });
    } else if (shape === 'orphans' || shape === 'distinct-names') {
      parent = parents[Math.floor(Math.random() * parents.length)]!;
    }
    if (shape === 'distinct-names') name = `operation ${i} ${randomHex(6)}`;
    const span = tracers[i % SERVICES.length]!.startSpan(name, { kind: SpanKind.INTERNAL, attributes: attributes(i, 'x') }, parent);
    const spanCtx = trace.setSpan(context.active(), span);
    if (parents.length < 500) parents.push(spanCtx);
    previous = spanCtx;
    span.end();
  }
  root.end();
  return exporter.getFinishedSpans();
}
