// Zipkin intake end to end: two services instrumented with zipkin-js (Tracer + BatchRecorder) send
// through the real zipkin-transport-http HttpLogger (JSON v2) to a test collector's Zipkin port;
// the backend joins the frontend's client span (B3 single id: a shared span), as zipkin-js servers
// do. The spans are then read back through the Jaeger API and the service graph, on the real
// PostgreSQL. Also: proto3 and the error answers (400, 415, 404, 405).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Annotation, BatchRecorder, ExplicitContext, jsonEncoder, option, sampler, Tracer, TraceId, InetAddress } from 'zipkin';
import { HttpLogger } from 'zipkin-transport-http';
import { GET as getDependencies } from '../../app/api/dependencies/route';
import { GET as getTrace } from '../../app/api/traces/[traceId]/route';
import { disconnectDb } from '../../lib/db/prisma';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';
import { startTestCollector } from '../support/test-collector';

let database: ScratchDatabase;
let collector: Awaited<ReturnType<typeof startTestCollector>>;
let traceId = '';

/** What zipkin-transport-http's HttpLogger does but its typings leave out (it is an EventEmitter). */
interface HttpLoggerQueue {
  once(event: 'success' | 'error', listener: (value: unknown) => void): void;
  processQueue(fetchImplementation: unknown): void;
  fetchImplementation: unknown;
}

function zipkinService(name: string) {
  const logger = new HttpLogger({ endpoint: `http://127.0.0.1:${collector.zipkinPort}/api/v2/spans`, jsonEncoder: jsonEncoder.JSON_V2, httpInterval: 60_000 });
  const queue = logger as unknown as HttpLoggerQueue;
  const tracer = new Tracer({ ctxImpl: new ExplicitContext(), recorder: new BatchRecorder({ logger }), localServiceName: name, sampler: new sampler.CountingSampler(1) });
  /** Sends what the recorder has logged, resolving on the collector's answer. */
  const flush = () =>
    new Promise<void>((resolve, reject) => {
      queue.once('success', () => resolve());
      queue.once('error', reject);
      queue.processQueue(queue.fetchImplementation);
    });
  return { tracer, flush };
}

before(async () => {
  database = await createScratchDatabase('meshlight_zipkin');
  collector = await startTestCollector(database.url);
  process.env.DATABASE_URL = collector.databaseUrl;
  const frontend = zipkinService('zk-frontend');
  const backend = zipkinService('zk-backend');
  // One request, annotation by annotation as zipkin-js instrumentation records it.
  const root = frontend.tracer.createRootId();
  traceId = root.traceId;
  const clientId = frontend.tracer.scoped(() => {
    frontend.tracer.setId(root);
    return frontend.tracer.createChildId();
  });
  const on = (tracer: Tracer, id: TraceId, record: () => void) =>
    tracer.scoped(() => {
      tracer.setId(id);
      record();
    });
  on(frontend.tracer, root, () => {
    frontend.tracer.recordServiceName('zk-frontend');
    frontend.tracer.recordRpc('GET /checkout');
    frontend.tracer.recordAnnotation(new Annotation.ServerRecv());
    frontend.tracer.recordBinary('http.path', '/checkout');
  });
  on(frontend.tracer, clientId, () => {
    frontend.tracer.recordServiceName('zk-frontend');
    frontend.tracer.recordRpc('POST /pay');
    frontend.tracer.recordAnnotation(new Annotation.ClientSend());
    frontend.tracer.recordAnnotation(new Annotation.ServerAddr({ serviceName: 'zk-backend', host: new InetAddress('10.0.0.7'), port: 8080 }));
  });
  // The backend receives the B3 headers and joins the client's span id.
  const incoming = new TraceId({ traceId: clientId.traceId, parentId: new option.Some(root.spanId), spanId: clientId.spanId, sampled: new option.Some(true) });
  const joined = (backend.tracer as Tracer & { join(id: TraceId): TraceId }).join(incoming);
  on(backend.tracer, joined, () => {
    backend.tracer.recordServiceName('zk-backend');
    backend.tracer.recordRpc('POST /pay');
    backend.tracer.recordAnnotation(new Annotation.ServerRecv());
    backend.tracer.recordBinary('error', 'card declined');
    backend.tracer.recordAnnotation(new Annotation.ServerSend());
  });
  on(frontend.tracer, clientId, () => frontend.tracer.recordAnnotation(new Annotation.ClientRecv()));
  on(frontend.tracer, root, () => frontend.tracer.recordAnnotation(new Annotation.ServerSend()));
  await backend.flush();
  await frontend.flush();
  assert.ok(await collector.flushed());
  await collector.serviceGraph!.flush({ expirePending: true });
});

after(async () => {
  await disconnectDb();
  await collector?.stop();
  await database?.drop();
});

interface JaegerTrace {
  spans: Array<{ spanID: string; operationName: string; processID: string; references: Array<{ spanID: string }>; tags: Array<{ key: string; value: unknown }> }>;
  processes: Record<string, { serviceName: string }>;
}

test('zipkin-js spans arrive and read back through the Jaeger API, the shared server span under its client', async () => {
  const response = await getTrace(new Request(`http://meshlight.test/api/traces/${traceId}`), { params: Promise.resolve({ traceId }) });
  assert.equal(response.status, 200, await response.clone().text());
  const trace = ((await response.json()) as { data: JaegerTrace[] }).data[0]!;
  const byName = (name: string, service: string) =>
    trace.spans.find((s) => s.operationName === name && trace.processes[s.processID]!.serviceName === service)!;
  assert.equal(trace.spans.length, 3);
  const root = byName('get /checkout', 'zk-frontend');
  const client = byName('post /pay', 'zk-frontend');
  const server = byName('post /pay', 'zk-backend');
  assert.ok(root && client && server, JSON.stringify(trace.spans.map((s) => s.operationName)));
  assert.equal(client.references[0]!.spanID, root.spanID);
  assert.equal(server.references[0]!.spanID, client.spanID, 'the shared server half is a child of the client span');
  const tag = (span: JaegerTrace['spans'][number], key: string) => span.tags.find((t) => t.key === key)?.value;
  assert.equal(tag(client, 'span.kind'), 'client');
  assert.equal(tag(client, 'peer.service'), 'zk-backend');
  assert.equal(tag(server, 'error'), true);
  assert.equal(tag(root, 'http.path'), '/checkout');
});

test('they appear on the service graph: user → zk-frontend → zk-backend', async () => {
  const response = await getDependencies(new Request(`http://meshlight.test/api/dependencies?endTs=${Date.now() + 60_000}&lookback=3600000`), { params: Promise.resolve({}) });
  const links = ((await response.json()) as { data: Array<{ parent: string; child: string; callCount: number }> }).data;
  const byPair = Object.fromEntries(links.map((l) => [`${l.parent} → ${l.child}`, l.callCount]));
  assert.equal(byPair['user → zk-frontend'], 1);
  assert.equal(byPair['zk-frontend → zk-backend'], 1);
});

test('the Zipkin port answers bad requests as Zipkin clients expect', async () => {
  const url = `http://127.0.0.1:${collector.zipkinPort}`;
  const bad = await fetch(`${url}/api/v2/spans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[{"traceId":"zz"}]' });
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /\[0\]\.traceId/);
  assert.equal((await fetch(`${url}/api/v2/spans`, { method: 'POST', headers: { 'content-type': 'application/x-thrift' }, body: 'x' })).status, 415);
  assert.equal((await fetch(`${url}/api/v2/spans`)).status, 405);
  assert.equal((await fetch(`${url}/api/v2/traces`, { method: 'POST', body: '[]' })).status, 404);
  const ok = await fetch(`${url}/api/v2/spans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' });
  assert.equal(ok.status, 202);
  const preflight = await fetch(`${url}/api/v2/spans`, { method: 'OPTIONS', headers: { origin: 'http://shop.test', 'access-control-request-method': 'POST' } });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get('access-control-allow-origin'), null, 'no browser page may send unless MESHLIGHT_CORS_ORIGINS allows it');
});
