// Jaeger's SPM API (the Monitor tab) on the real PostgreSQL: spans made by the official SDK and
// sent by the official OTLP exporter to a test collector, which derives the per-minute operation
// rollups; then /api/metrics/{calls,errors,latencies,minstep} read them through the route handler.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { GET as getMetric } from '../../app/api/metrics/[metric]/route';
import { disconnectDb } from '../../lib/db/prisma';
import type { MetricFamily } from '../../lib/jaeger/metrics';
import { exportSpans, makeExporter } from '../support/official-exporters';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';
import { startTestCollector } from '../support/test-collector';

let database: ScratchDatabase;
let collector: Awaited<ReturnType<typeof startTestCollector>>;

before(async () => {
  database = await createScratchDatabase('meshlight_jaeger_metrics');
  collector = await startTestCollector(database.url);
  process.env.DATABASE_URL = collector.databaseUrl;
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'shop' }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('jaeger-metrics-test');
  const now = Date.now();
  // 4 × GET /cart (one failing, 20 ms), 2 × POST /order (200 ms), 1 consumer, 1 internal child.
  for (let i = 0; i < 4; i++) {
    const span = tracer.startSpan('GET /cart', { kind: SpanKind.SERVER, startTime: now - 20 });
    if (i === 0) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end(now);
  }
  for (let i = 0; i < 2; i++) tracer.startSpan('POST /order', { kind: SpanKind.SERVER, startTime: now - 200 }).end(now);
  tracer.startSpan('orders process', { kind: SpanKind.CONSUMER, startTime: now - 5 }).end(now);
  const exporter = makeExporter('proto', { http: collector.httpPort, grpc: collector.grpcPort }, false);
  await exportSpans(exporter, memory.getFinishedSpans());
  await exporter.shutdown();
  assert.ok(await collector.flushed());
  await collector.serviceGraph!.flush({ expirePending: true });
});

after(async () => {
  await disconnectDb();
  await collector?.stop();
  await database?.drop();
});

const noParams = (metric: string) => ({ params: Promise.resolve({ metric }) });
async function metric(name: string, query: string): Promise<Response> {
  return getMetric(new Request(`http://meshlight.test/api/metrics/${name}?${query}`), noParams(name));
}
async function family(name: string, query: string): Promise<MetricFamily> {
  const response = await metric(name, query);
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as MetricFamily;
}
/** The window of the Monitor tab: ending a minute from now, so the current minute is in. */
const window = () => `endTs=${Date.now() + 60_000}&lookback=600000&step=60000&ratePer=600000`;
const last = (f: MetricFamily, i = 0) => f.metrics[i]!.metricPoints.at(-1)!.gaugeValue.doubleValue;

test('calls: a service`s SERVER calls per second, per operation when grouped', async () => {
  const calls = await family('calls', `service=shop&service=absent&${window()}`);
  assert.equal(calls.name, 'service_call_rate');
  assert.equal(calls.type, 'GAUGE');
  assert.deepEqual(calls.metrics.map((m) => m.labels), [[{ name: 'service_name', value: 'shop' }]]);
  assert.equal(calls.metrics[0]!.metricPoints.length, 11);
  assert.equal(last(calls), 6 / 600);
  assert.match(calls.metrics[0]!.metricPoints[0]!.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

  const grouped = await family('calls', `service=shop&groupByOperation=true&${window()}`);
  assert.equal(grouped.name, 'service_operation_call_rate');
  assert.deepEqual(
    grouped.metrics.map((m) => [m.labels[0]!.value, m.labels[1]!.value, m.metricPoints.at(-1)!.gaugeValue.doubleValue * 600]),
    [['GET /cart', 'shop', 4], ['POST /order', 'shop', 2]],
  );
  const consumers = await family('calls', `service=shop&spanKind=SPAN_KIND_CONSUMER&${window()}`);
  assert.equal(last(consumers) * 600, 1);
});

test('errors and latencies', async () => {
  const errors = await family('errors', `service=shop&groupByOperation=1&${window()}`);
  assert.equal(errors.name, 'service_operation_error_rate');
  assert.deepEqual(errors.metrics.map((m) => m.metricPoints.at(-1)!.gaugeValue.doubleValue), [0.25, 0]);

  const p95 = await family('latencies', `service=shop&quantile=0.95&${window()}`);
  assert.equal(p95.name, 'service_latencies');
  assert.equal(p95.help, '0.95th quantile latency, grouped by service');
  const ms = last(p95);
  assert.ok(ms > 150 && ms < 260, `p95 of 4 × 20 ms and 2 × 200 ms: ${ms} ms`);
  const p50 = await family('latencies', `service=shop&quantile=0.5&groupByOperation=true&${window()}`);
  const cart = last(p50, 0);
  assert.ok(cart > 15 && cart < 26, `GET /cart p50: ${cart} ms`);
});

test('minstep, and bad parameters as Jaeger-shaped 400s', async () => {
  const minstep = await metric('minstep', '');
  assert.deepEqual(await minstep.json(), { data: 60000, total: 0, limit: 0, offset: 0, errors: null });
  const bad = await metric('latencies', 'service=shop');
  assert.equal(bad.status, 400);
  const body = (await bad.json()) as { data: null; errors: Array<{ code: number; msg: string }> };
  assert.equal(body.errors[0]!.code, 400);
  assert.match(body.errors[0]!.msg, /unable to parse param 'quantile'/);
  assert.equal((await metric('calls', '')).status, 400);
  assert.equal((await metric('nonsense', 'service=shop')).status, 404);
});
