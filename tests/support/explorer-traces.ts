// Traces for the trace explorer's end-to-end tests, benchmarks and screenshots, made with the
// official OpenTelemetry SDK (explicit start and end times, so durations are what the scenario
// says) across five services: a checkout that is fast (baseline) and one that is slow because
// payments retried, a message whose consumer trace links back to its producer, a span whose parent
// never arrived (orphan) and a child whose host clock runs early (skew).
import { context, trace, SpanKind, SpanStatusCode, type Context, type HrTime, type Span, type Tracer } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';

const SERVICES = ['gateway', 'orders', 'inventory', 'payments', 'notifier'] as const;
type Service = (typeof SERVICES)[number];

export interface ExplorerTraces {
  spans: ReadableSpan[];
  /** The fast checkout (compare baseline). */
  fastId: string;
  /** The slow checkout: payments retried after an error. */
  slowId: string;
  /** The notifier's trace, whose consumer span links to the producer span in the slow checkout. */
  consumerId: string;
  producerSpanId: string;
}

function hr(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.round((ms - seconds * 1000) * 1e6)];
}

export function makeExplorerTraces(originMs = Date.now() - 60_000): ExplorerTraces {
  const exporter = new InMemorySpanExporter();
  const tracers = new Map<Service, Tracer>(
    SERVICES.map((service) => {
      const provider = new BasicTracerProvider({
        resource: resourceFromAttributes({
          'service.name': service,
          'service.version': '2.3.1',
          'deployment.environment.name': 'production',
          'host.name': `${service}-6c9f7d-x2kqp`,
        }),
        spanProcessors: [new SimpleSpanProcessor(exporter)],
      });
      return [service, provider.getTracer('@opentelemetry/instrumentation-http', '0.223.0')];
    }),
  );

  const start = (service: Service, name: string, kind: SpanKind, at: number, parent: Context | undefined, attributes: Record<string, string | number | boolean> = {}) =>
    tracers.get(service)!.startSpan(name, { kind, startTime: hr(at), attributes }, parent ?? context.active());
  const ctx = (span: Span) => trace.setSpan(context.active(), span);

  function checkout(t0: number, slow: boolean): { root: Span; producer: Span } {
    const root = start('gateway', 'POST /api/checkout', SpanKind.SERVER, t0, undefined, {
      'http.request.method': 'POST',
      'http.route': '/api/checkout',
      'http.response.status_code': slow ? 502 : 200,
      'app.cart.items': 3,
      'enduser.id': 'user-4711',
    });
    const call = start('gateway', 'POST /orders', SpanKind.CLIENT, t0 + 2, ctx(root), { 'http.request.method': 'POST', 'server.address': 'orders' });
    const orders = start('orders', 'POST /orders', SpanKind.SERVER, t0 + 4, ctx(call), { 'http.route': '/orders', 'app.order.id': slow ? 'ord-9002' : 'ord-9001' });
    const reserve = start('orders', 'inventory.Inventory/Reserve', SpanKind.CLIENT, t0 + 6, ctx(orders), { 'rpc.system': 'grpc', 'rpc.service': 'inventory.Inventory' });
    const inventory = start('inventory', 'inventory.Inventory/Reserve', SpanKind.SERVER, t0 + 8, ctx(reserve), { 'rpc.system': 'grpc' });
    const redis = start('inventory', 'redis DECRBY', SpanKind.CLIENT, t0 + 9, ctx(inventory), { 'db.system': 'redis', 'db.operation.name': 'DECRBY' });
    redis.end(hr(t0 + 12));
    inventory.addEvent('stock.reserved', { 'app.sku': 'SKU-123', 'app.quantity': 3 }, hr(t0 + 13));
    inventory.end(hr(t0 + 15));
    reserve.end(hr(t0 + 16));
    let t = t0 + 18;
    const attempts = slow ? 2 : 1;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const failing = slow && attempt === 1;
      const charge = start('orders', 'POST /charge', SpanKind.CLIENT, t, ctx(orders), { 'http.request.method': 'POST', 'server.address': 'payments', 'http.resend_count': attempt - 1 });
      const payments = start('payments', 'POST /charge', SpanKind.SERVER, t + 2, ctx(charge), { 'http.route': '/charge', 'http.response.status_code': failing ? 503 : 200 });
      const fraud = start('payments', 'fraud.score', SpanKind.INTERNAL, t + 3, ctx(payments), { 'app.fraud.model': 'v7' });
      const fraudMs = failing ? 300 : slow ? 90 : 25;
      fraud.end(hr(t + 3 + fraudMs));
      if (failing) {
        payments.recordException({ name: 'TimeoutError', message: 'card network timed out after 300 ms' }, hr(t + 3 + fraudMs));
        payments.setStatus({ code: SpanStatusCode.ERROR, message: 'card network timed out' });
        charge.setStatus({ code: SpanStatusCode.ERROR, message: '503 Service Unavailable' });
      }
      payments.end(hr(t + 5 + fraudMs));
      charge.end(hr(t + 7 + fraudMs));
      t += 9 + fraudMs;
    }
    const insert = start('orders', 'INSERT orders', SpanKind.CLIENT, t, ctx(orders), { 'db.system': 'postgresql', 'db.query.text': 'INSERT INTO orders (id, user_id, total) VALUES ($1, $2, $3)' });
    insert.end(hr(t + 6));
    const producer = start('orders', 'order.created publish', SpanKind.PRODUCER, t + 7, ctx(orders), { 'messaging.system': 'rabbitmq', 'messaging.destination.name': 'order.created' });
    producer.end(hr(t + 9));
    orders.end(hr(t + 10));
    call.end(hr(t + 12));
    if (slow) root.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream payments retried' });
    root.end(hr(t + 14));
    return { root, producer };
  }

  const fast = checkout(originMs, false);
  const slow = checkout(originMs + 5_000, true);

  // The consumer runs in its own trace, linked to the producer span.
  const consumerStart = originMs + 5_600;
  const consumer = tracers.get('notifier')!.startSpan('order.created process', {
    kind: SpanKind.CONSUMER,
    startTime: hr(consumerStart),
    links: [{ context: slow.producer.spanContext(), attributes: { 'messaging.message.id': 'msg-77' } }],
    attributes: { 'messaging.system': 'rabbitmq', 'messaging.operation.type': 'process' },
  });
  const email = start('notifier', 'send confirmation e-mail', SpanKind.INTERNAL, consumerStart + 2, ctx(consumer), { 'app.template': 'order-confirmed' });
  email.end(hr(consumerStart + 40));
  // A span whose parent never arrived (its exporter crashed), and a child whose clock runs early.
  const lostParent = trace.setSpanContext(context.active(), { traceId: consumer.spanContext().traceId, spanId: 'deadbeefdeadbeef', traceFlags: 1 });
  const orphan = start('notifier', 'render template', SpanKind.INTERNAL, consumerStart + 5, lostParent, { 'app.template': 'order-confirmed' });
  orphan.end(hr(consumerStart + 20));
  const skewed = start('notifier', 'smtp send', SpanKind.CLIENT, consumerStart - 3, ctx(email), { 'server.address': 'smtp.internal' });
  skewed.end(hr(consumerStart + 30));
  consumer.end(hr(consumerStart + 45));

  return {
    spans: exporter.getFinishedSpans(),
    fastId: fast.root.spanContext().traceId,
    slowId: slow.root.spanContext().traceId,
    consumerId: consumer.spanContext().traceId,
    producerSpanId: slow.producer.spanContext().spanId,
  };
}
