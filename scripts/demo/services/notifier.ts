// notifier: consumes order.created and "sends" each customer a confirmation e-mail, one message at
// a time. The slow-consumer scenario makes each e-mail take ~10x longer, so the queue builds up,
// and drains once healed. Exposes queue depth and consumer lag on /metrics and reports them to the
// supervisor's summary.
import { ROOT_CONTEXT, context, trace } from '@opentelemetry/api';
import { Counter, Gauge, Histogram } from 'prom-client';
import { CORRELATION_ATTRIBUTE, getCorrelationId, withCorrelationId } from '../lib/correlation';
import { closeServer, createJsonServer, HttpError, listen, type Route } from '../lib/json-http';
import { subscribeAmqp } from '../lib/messaging/amqp';
import { BROKER_PATH, InProcessBroker } from '../lib/messaging/in-process-broker';
import type { Delivery, Subscription } from '../lib/messaging/order-events';
import { startService } from '../lib/service-runtime';
import { readEnv } from '../lib/service-env';
import { notifierSettingsSchema } from '../lib/service-settings';
import { jitter, sleep } from '../lib/timing';

const settings = readEnv(notifierSettingsSchema);
const runtime = startService('notifier');
const { log, metrics } = runtime;
const tracer = trace.getTracer('meshlight-demo-notifier');

const DEPTH_INTERVAL_MS = 2_000;

const lag = new Histogram({
  name: 'messaging_consumer_lag_seconds',
  help: 'Time from publish to the start of processing, per message',
  labelNames: ['queue'],
  buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 30, 60, 120, 300],
  registers: [metrics.registry],
});
const depthGauge = new Gauge({
  name: 'messaging_queue_depth',
  help: 'Messages waiting in the queue notifier consumes',
  labelNames: ['queue', 'system'],
  registers: [metrics.registry],
});
const processedCounter = new Counter({
  name: 'messaging_messages_processed_total',
  help: 'order.created messages processed',
  labelNames: ['queue'],
  registers: [metrics.registry],
});

let processed = 0;
let queueName = 'order.created';

async function sendConfirmation({ event, publishedAtMs }: Delivery): Promise<void> {
  const correlationId = getCorrelationId();
  if (correlationId) trace.getActiveSpan()?.setAttribute(CORRELATION_ATTRIBUTE, correlationId);
  const lagMs = publishedAtMs === undefined ? undefined : Math.max(0, Date.now() - publishedAtMs);
  if (lagMs !== undefined) {
    lag.observe({ queue: queueName }, lagMs / 1000);
    trace.getActiveSpan()?.setAttribute('messaging.consumer.lag_ms', lagMs);
  }
  await tracer.startActiveSpan('send confirmation email', async (span) => {
    span.setAttributes({ 'app.order_id': event.orderId, 'app.customer_id': event.customerId });
    await sleep(runtime.chaos() === 'slow-consumer' ? jitter(700, 900) : jitter(40, 80));
    span.end();
  });
  processed += 1;
  processedCounter.inc({ queue: queueName });
  // The e-mail audit line is written outside the trace context, as a logger that predates tracing
  // would write it: it carries only the correlation id, no trace_id or span_id. Meshlight still
  // shows it in the checkout's trace, joining it through the correlation id the span recorded.
  const auditContext = correlationId ? withCorrelationId(ROOT_CONTEXT, correlationId) : ROOT_CONTEXT;
  context.with(auditContext, () => log.info({ orderId: event.orderId, lag_ms: lagMs }, 'confirmation e-mail sent'));
}

const routes: Route[] = [];
let subscription: Subscription;
if (settings.DEMO_BROKER === 'rabbitmq') {
  subscription = await subscribeAmqp(settings.DEMO_AMQP_URL, settings.DEMO_NAMESPACE, sendConfirmation, log);
} else {
  const broker = new InProcessBroker(sendConfirmation, log);
  subscription = broker;
  routes.push({
    method: 'POST',
    path: BROKER_PATH,
    async handle({ body }) {
      if (!broker.accept(body)) throw new HttpError(400, 'malformed message, or the queue is full');
      return { status: 202, body: { accepted: true } };
    },
  });
}
queueName = subscription.queue;

const server = createJsonServer(runtime, routes);
await listen(server, settings.DEMO_PORT);
log.info({ broker: subscription.system, queue: subscription.queue }, 'consuming order.created');

const depthTimer = setInterval(() => {
  subscription.depth().then(
    (depth) => {
      depthGauge.set({ queue: subscription.queue, system: subscription.system }, depth);
      runtime.report({ type: 'queue', service: runtime.name, queue: subscription.queue, depth, processed });
    },
    (error: unknown) => log.warn({ err: (error as Error).message }, 'could not read the queue depth'),
  );
}, DEPTH_INTERVAL_MS);

runtime.onStop(() => subscription.close());
runtime.onStop(() => closeServer(server));
runtime.onStop(() => clearInterval(depthTimer));
runtime.ready();
