// The service graph end to end on the real PostgreSQL: spans made by the official OpenTelemetry SDK
// for several services, each sent by its own official exporter (OTLP/HTTP protobuf, OTLP/HTTP JSON,
// OTLP/gRPC) in separate requests, so client and server halves meet across batches. Covers HTTP
// client/server across services, messaging with the consumer a child of the producer and with the
// consumer only linking to it, a database call, an uninstrumented peer, a root SERVER span, and
// environments; then reads /api/dependencies, /api/service-graph, the edge detail, the service RED,
// a trace's path, the live WebSocket and retention.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { context, trace, SpanKind, SpanStatusCode, type Span as ApiSpan, type Tracer } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import WebSocket from 'ws';
import { GET as getDependencies } from '../../app/api/dependencies/route';
import { GET as getEdge } from '../../app/api/service-graph/edge/route';
import { GET as getGraph } from '../../app/api/service-graph/route';
import { GET as getTracePath } from '../../app/api/service-graph/trace-path/route';
import { GET as getServiceRed } from '../../app/api/services/[service]/red/route';
import type { EdgeDetailResponse, ServiceGraphResponse, ServiceRedResponse, TracePathResponse } from '../../lib/contracts/service-graph-api';
import { parseLiveMessage, type GraphDeltaMessage } from '../../lib/contracts/live-messages';
import { disconnectDb } from '../../lib/db/prisma';
import { addCall, emptyCounters } from '../../lib/domain/service-graph/rollup';
import { RollupStore } from '../../collector/service-graph/rollup-store';
import { createPgExecutor } from '../../collector/store/pg-executor';
import { exportSpans, makeExporter, type ExporterKind } from '../support/official-exporters';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';
import { startTestCollector } from '../support/test-collector';

type Collector = Awaited<ReturnType<typeof startTestCollector>>;

let database: ScratchDatabase;
let collector: Collector;

/** One service: its own SDK provider (resource) and an in-memory exporter to send from. */
function service(name: string, environment?: string) {
  const memory = new InMemorySpanExporter();
  const attributes: Record<string, string> = { 'service.name': name };
  if (environment) attributes['deployment.environment.name'] = environment;
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes(attributes), spanProcessors: [new SimpleSpanProcessor(memory)] });
  return { name, tracer: provider.getTracer('meshlight-service-graph-test'), memory };
}

function child(tracer: Tracer, parent: ApiSpan, name: string, kind: SpanKind, attributes: Record<string, string | number> = {}) {
  return tracer.startSpan(name, { kind, attributes }, trace.setSpan(context.active(), parent));
}

async function send(kind: ExporterKind, spans: ReadableSpan[]): Promise<void> {
  const exporter = makeExporter(kind, { http: collector.httpPort, grpc: collector.grpcPort }, false);
  await exportSpans(exporter, spans);
  await exporter.shutdown();
}

const request = (path: string) => new Request(`http://meshlight.test${path}`);
/** Route handlers without path parameters take an unused context (Next passes one). */
const noParams = { params: Promise.resolve({}) };
async function json<T>(response: Response): Promise<T> {
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as T;
}

/** Waits for the spans to be written and the graph's rollups to be flushed, pending halves settled. */
async function settle(): Promise<void> {
  assert.ok(await collector.flushed(), 'spans were written');
  await collector.serviceGraph!.flush({ expirePending: true });
}

const traces = { checkout: '', failing: '', messagingChild: '', messagingLink: '' };

before(async () => {
  database = await createScratchDatabase('meshlight_service_graph');
  collector = await startTestCollector(database.url);
  process.env.DATABASE_URL = collector.databaseUrl;

  const frontend = service('frontend', 'prod');
  const checkout = service('checkout', 'prod');
  const orders = service('orders', 'prod');
  const notifier = service('notifier', 'prod');
  const billing = service('billing', 'prod');
  const mailer = service('mailer', 'prod');

  // user → frontend → checkout (→ postgresql/shop, → stripe, uninstrumented), 5 times, one failing.
  for (let i = 0; i < 5; i++) {
    const root = frontend.tracer.startSpan('GET /checkout', { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'GET' } });
    const call = child(frontend.tracer, root, 'POST /pay', SpanKind.CLIENT, { 'server.address': 'checkout', 'server.port': 8080 });
    const server = child(checkout.tracer, call, 'POST /pay', SpanKind.SERVER);
    const query = child(checkout.tracer, server, 'INSERT orders', SpanKind.CLIENT, { 'db.system.name': 'postgresql', 'db.namespace': 'shop' });
    query.end();
    const charge = child(checkout.tracer, server, 'charge', SpanKind.CLIENT, { 'peer.service': 'stripe' });
    if (i === 4) {
      charge.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
      server.setStatus({ code: SpanStatusCode.ERROR });
      traces.failing = root.spanContext().traceId;
    }
    charge.end();
    server.end();
    call.end();
    root.end();
    if (i === 0) traces.checkout = root.spanContext().traceId;
  }

  // orders → rabbitmq/orders → notifier, the consumer a child of the producer (old semconv name).
  const place = orders.tracer.startSpan('POST /orders', { kind: SpanKind.SERVER });
  const publish = child(orders.tracer, place, 'orders publish', SpanKind.PRODUCER, { 'messaging.system': 'rabbitmq', 'messaging.destination': 'orders' });
  publish.end();
  place.end();
  const consume = child(notifier.tracer, publish, 'orders process', SpanKind.CONSUMER, {
    'messaging.system': 'rabbitmq',
    'messaging.destination.name': 'orders',
  });
  consume.end();
  traces.messagingChild = place.spanContext().traceId;

  // billing → kafka/invoices → mailer, the consumer in a trace of its own, linked to the message.
  const invoice = billing.tracer.startSpan('invoices send', {
    kind: SpanKind.PRODUCER,
    attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': 'invoices' },
  });
  invoice.end();
  const mail = mailer.tracer.startSpan('invoices process', {
    kind: SpanKind.CONSUMER,
    root: true,
    links: [{ context: invoice.spanContext() }],
    attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': 'invoices' },
  });
  mail.end();
  traces.messagingLink = mail.spanContext().traceId;

  // Servers and consumers first, clients and producers later: the pairing store waits for them.
  await send('grpc', checkout.memory.getFinishedSpans());
  await send('json', notifier.memory.getFinishedSpans());
  await send('proto', mailer.memory.getFinishedSpans());
  await send('proto', frontend.memory.getFinishedSpans());
  await send('json', orders.memory.getFinishedSpans());
  await send('grpc', billing.memory.getFinishedSpans());
  await settle();
});

after(async () => {
  await disconnectDb();
  await collector?.stop();
  await database?.drop();
});

test('GET /api/dependencies lists Jaeger dependency links, halves paired across exporters and requests', async () => {
  const body = await json<{ data: Array<{ parent: string; child: string; callCount: number }>; total: number }>(
    await getDependencies(request(`/api/dependencies?endTs=${Date.now() + 60_000}&lookback=3600000`), noParams),
  );
  const links = Object.fromEntries(body.data.map((l) => [`${l.parent} → ${l.child}`, l.callCount]));
  assert.deepEqual(links, {
    'user → frontend': 5,
    'user → orders': 1,
    'frontend → checkout': 5,
    'checkout → postgresql/shop': 5,
    'checkout → stripe': 5,
    'orders → rabbitmq/orders': 1,
    'rabbitmq/orders → notifier': 1,
    'billing → kafka/invoices': 1,
    'kafka/invoices → mailer': 1,
  });
  assert.equal(body.total, 9);
});

test('GET /api/service-graph: nodes with kinds and health, edges with rates, error rates, percentiles and types', async () => {
  const graph = await json<ServiceGraphResponse>(await getGraph(request('/api/service-graph?lookback=1h'), noParams));
  const kinds = Object.fromEntries(graph.nodes.map((n) => [n.name, n.kind]));
  assert.deepEqual(kinds, {
    user: 'user',
    frontend: 'service',
    checkout: 'service',
    'postgresql/shop': 'database',
    stripe: 'external',
    orders: 'service',
    'rabbitmq/orders': 'messaging',
    notifier: 'service',
    billing: 'service',
    'kafka/invoices': 'messaging',
    mailer: 'service',
  });
  const types = Object.fromEntries(graph.edges.map((e) => [e.id, e.connectionType]));
  assert.equal(types['service:frontend->service:checkout#request'], 'request');
  assert.equal(types['service:checkout->database:postgresql/shop#database'], 'database');
  assert.equal(types['service:checkout->external:stripe#virtual'], 'virtual');
  assert.equal(types['messaging:rabbitmq/orders->service:notifier#messaging'], 'messaging');
  assert.equal(types['messaging:kafka/invoices->service:mailer#messaging'], 'messaging');

  const pay = graph.edges.find((e) => e.id === 'service:frontend->service:checkout#request')!;
  assert.equal(pay.calls, 5);
  assert.equal(pay.errors, 1, 'the failing server failed the call');
  assert.equal(pay.errorRate, 0.2);
  assert.equal(pay.health, 'failing');
  assert.ok(pay.rate > 0);
  assert.ok(pay.p50Ms !== null && pay.p95Ms !== null && pay.p99Ms !== null);
  assert.ok(pay.p50Ms <= pay.p95Ms && pay.p95Ms <= pay.p99Ms);
  assert.equal(graph.nodes.find((n) => n.name === 'checkout')!.health, 'failing');
  assert.equal(graph.nodes.find((n) => n.name === 'notifier')!.health, 'healthy');
  assert.deepEqual(graph.environments, ['prod']);

  const staging = await json<ServiceGraphResponse>(await getGraph(request('/api/service-graph?lookback=1h&environment=staging'), noParams));
  assert.equal(staging.nodes.length, 0, 'the environment filter applies');
  const lenient = await json<ServiceGraphResponse>(await getGraph(request('/api/service-graph?lookback=1h&degraded=0.3&failing=0.5'), noParams));
  assert.equal(lenient.edges.find((e) => e.id === pay.id)!.health, 'healthy', 'thresholds are parameters');
});

test('GET /api/service-graph/edge: an edge’s series and its example slow and failing traces', async () => {
  const detail = await json<EdgeDetailResponse>(
    await getEdge(request('/api/service-graph/edge?source=service:frontend&target=service:checkout&type=request&lookback=1h'), noParams),
  );
  assert.equal(detail.summary.calls, 5);
  assert.equal(detail.series.reduce((n, p) => n + p.calls, 0), 5);
  assert.deepEqual(detail.errorTraces.map((e) => e.traceId), [traces.failing]);
  assert.ok(detail.slowTraces.length >= 1 && detail.slowTraces[0]!.traceId.length === 32);
});

test('GET /api/services/{service}/red: RED over time per service and per operation', async () => {
  const red = await json<ServiceRedResponse>(
    await getServiceRed(request('/api/services/checkout/red?lookback=1h'), { params: Promise.resolve({ service: 'checkout' }) }),
  );
  assert.equal(red.summary.calls, 5);
  assert.equal(red.summary.errors, 1);
  assert.ok(red.series.length === 60 || red.series.length === 61, 'one point a minute; a window cut mid-minute has a partial one at each end');
  assert.equal(red.series.reduce((n, p) => n + p.calls, 0), 5);
  assert.deepEqual(red.operations.map((o) => [o.operation, o.calls, o.errors]), [['POST /pay', 5, 1]]);
  assert.equal(red.operations[0]!.errorTraceId, traces.failing);
  const bad = await getServiceRed(request('/api/services/checkout/red?start=abc'), { params: Promise.resolve({ service: 'checkout' }) });
  assert.equal(bad.status, 400);
});

test('GET /api/service-graph/trace-path: the nodes and edges one trace travelled', async () => {
  const path = await json<TracePathResponse>(await getTracePath(request(`/api/service-graph/trace-path?traceId=${traces.checkout}`), noParams));
  assert.deepEqual(path.edges, [
    'service:checkout->database:postgresql/shop#database',
    'service:checkout->external:stripe#virtual',
    'service:frontend->service:checkout#request',
    'user:user->service:frontend#request',
  ]);
  const linked = await json<TracePathResponse>(await getTracePath(request(`/api/service-graph/trace-path?traceId=${traces.messagingChild}`), noParams));
  assert.ok(linked.edges.includes('messaging:rabbitmq/orders->service:notifier#messaging'));
  assert.equal((await getTracePath(request('/api/service-graph/trace-path?traceId=abc'), noParams)).status, 404);
});

test('live: a WebSocket client at /live gets a hello, then a delta naming a new service within the interval', async () => {
  const socket = new WebSocket(`ws://127.0.0.1:${collector.httpPort}/live`);
  const messages: GraphDeltaMessage[] = [];
  const hello = await new Promise<string>((resolve, reject) => {
    socket.once('message', (data) => resolve(String(data)));
    socket.once('error', reject);
  });
  assert.equal(parseLiveMessage(hello)?.type, 'hello');
  const gotDelta = new Promise<GraphDeltaMessage>((resolve) => {
    socket.on('message', (data) => {
      const message = parseLiveMessage(String(data));
      if (message?.type !== 'graph-delta') return;
      messages.push(message);
      if (message.services.some((s) => s.service === 'brand-new')) resolve(message);
    });
  });
  const fresh = service('brand-new', 'prod');
  fresh.tracer.startSpan('GET /hello', { kind: SpanKind.SERVER }).end();
  const sentAt = Date.now();
  await send('proto', fresh.memory.getFinishedSpans());
  const delta = await gotDelta;
  assert.ok(Date.now() - sentAt < 2_000, 'within two seconds');
  assert.ok(delta.edges.some((e) => e.source === 'user:user' && e.target === 'service:brand-new'));
  socket.close();
  const other = new WebSocket(`ws://127.0.0.1:${collector.httpPort}/not-live`);
  const refused = await new Promise<boolean>((resolve) => {
    other.once('error', () => resolve(true));
    other.once('open', () => resolve(false));
  });
  assert.ok(refused, 'other upgrade paths are refused');
});

test('/metrics reports the pairing store', async () => {
  const text = await (await fetch(`http://127.0.0.1:${collector.httpPort}/metrics`)).text();
  const paired = Number(/meshlight_service_graph_pairs_total (\d+)/.exec(text)?.[1]);
  assert.ok(paired >= 7, `paired ${paired}`);
  assert.match(text, /meshlight_service_graph_expired_total \d+/);
  assert.match(text, /meshlight_service_graph_dropped_total 0/);
  assert.match(text, /meshlight_service_graph_messaging_pending \d+/);
  assert.match(text, /meshlight_service_graph_messaging_evicted_total 0/);
});

test('a window reads its ragged minutes plus 10-minute and hourly blocks, and counts every call once', async () => {
  // Three hours of one edge, 60 calls a minute, written the way the collector writes them.
  const executor = createPgExecutor(database.url, 1);
  const store = new RollupStore(executor);
  const base = Date.UTC(2026, 10, 20, 8, 0);
  const edges = [];
  const services = [];
  for (let minute = 0; minute < 180; minute++) {
    const row = { minuteMs: base + minute * 60_000, ...emptyCounters() };
    for (let call = 0; call < 60; call++) addCall(row, 1000 + minute, call === 0, 'ab'.repeat(16));
    edges.push({ ...row, dims: { environment: 'tiers', source: { kind: 'service' as const, name: 'tier-a' }, target: { kind: 'service' as const, name: 'tier-b' }, connectionType: 'request' as const } });
    services.push({ ...row, dims: { environment: 'tiers', service: 'tier-b' } });
  }
  assert.ok((await store.write({ edges, services, operations: [] })) > 0);
  await executor.close();
  for (const [from, to, minutes] of [
    [Date.UTC(2026, 10, 20, 8, 7, 30), Date.UTC(2026, 10, 20, 10, 53), 166],
    [Date.UTC(2026, 10, 20, 9, 0), Date.UTC(2026, 10, 20, 10, 0), 60],
    [Date.UTC(2026, 10, 20, 10, 41), Date.UTC(2026, 10, 20, 10, 44), 3],
  ] as const) {
    const graph = await json<ServiceGraphResponse>(await getGraph(request(`/api/service-graph?start=${from}&end=${to}&environment=tiers`), noParams));
    const edge = graph.edges.find((e) => e.id === 'service:tier-a->service:tier-b#request')!;
    assert.equal(edge.calls, minutes * 60, `${new Date(from).toISOString()}: ${minutes} minutes`);
    assert.equal(edge.errors, minutes);
    assert.equal(graph.nodes.find((n) => n.name === 'tier-b')!.calls, minutes * 60);
  }
});

test('retention deletes rollups older than the cut-off', async () => {
  const deleted = await collector.serviceGraph!.applyRetention(Date.now() + 3600_000);
  assert.ok(deleted > 0);
  const graph = await json<ServiceGraphResponse>(await getGraph(request('/api/service-graph?lookback=1h'), noParams));
  assert.equal(graph.nodes.length, 0);
});
