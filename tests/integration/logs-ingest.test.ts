// Logs through the real collector (generic pipeline, real PostgreSQL): the official OTel logs
// exporters over OTLP/HTTP protobuf and OTLP/gRPC, a Loki push in JSON and in snappy protobuf, and
// real pino output as JSON lines each arrive; spans sent by the official trace exporter teach the
// correlation table which trace a correlation id belongs to, so the UI's /api/logs?traceId= finds
// a log that carried only the correlation id. Errors answer in each protocol's shape.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { SpanKind, context, trace } from '@opentelemetry/api';
import { OTLPLogExporter as GrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordExporter } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import pg from 'pg';
import pino from 'pino';
import { compressSync } from 'snappy';
import { GET as getLogs } from '../../app/api/logs/route';
import { disconnectDb } from '../../lib/db/prisma';
import { messageField, stringField, varintField } from '../fixtures/otlp/proto-builder';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';
import { startTestCollector } from '../support/test-collector';

let database: ScratchDatabase;
let collector: Awaited<ReturnType<typeof startTestCollector>>;
let base: string;

before(async () => {
  database = await createScratchDatabase('meshlight_logs_ingest');
  collector = await startTestCollector(database.url);
  base = `http://127.0.0.1:${collector.httpPort}`;
  process.env.DATABASE_URL = database.url;
});

after(async () => {
  await disconnectDb();
  await collector?.stop();
  await database?.drop();
});

async function emit(exporter: LogRecordExporter, service: string, body: string, attributes: Record<string, string> = {}, traceId?: string): Promise<void> {
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    processors: [new BatchLogRecordProcessor({ exporter })],
  });
  const ctx = traceId ? trace.setSpanContext(context.active(), { traceId, spanId: '00f067aa0ba902b7', traceFlags: 1 }) : context.active();
  provider.getLogger('test').emit({ body, severityNumber: 9, severityText: 'INFO', attributes, context: ctx });
  await provider.forceFlush();
  await provider.shutdown();
}

async function rows(sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  const client = new pg.Client(database.url);
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

test('the official OTLP logs exporters (HTTP protobuf and gRPC) arrive', async () => {
  await emit(new ProtoLogExporter({ url: `${base}/v1/logs` }), 'checkout', 'via http/protobuf', { 'order.id': 'o-1' }, '4bf92f3577b34da6a3ce929d0e0e4736');
  await emit(new GrpcLogExporter({ url: `http://127.0.0.1:${collector.grpcPort}` }), 'checkout', 'via grpc');
  assert.ok(await collector.flushed());
  const stored = await rows(`SELECT body, service_name, encode(trace_id, 'hex') AS trace_id FROM logs WHERE service_name = 'checkout' ORDER BY body`);
  assert.deepEqual(stored, [
    { body: 'via grpc', service_name: 'checkout', trace_id: null },
    { body: 'via http/protobuf', service_name: 'checkout', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736' },
  ]);
});

test('Loki push: JSON and snappy protobuf answer 204 and land with stream labels as resource', async () => {
  const now = BigInt(Date.now()) * 1_000_000n;
  const json = await fetch(`${base}/loki/api/v1/push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ streams: [{ stream: { job: 'gateway', env: 'prod' }, values: [[String(now), 'GET /checkout 502 x-correlation-id=corr-9']] }] }),
  });
  assert.equal(json.status, 204);
  const push = messageField(
    1,
    stringField(1, '{app="promtail-app"}'),
    messageField(2, messageField(1, varintField(1, Number(now / 1_000_000_000n))), stringField(2, 'shipped by promtail')),
  );
  const proto = await fetch(`${base}/loki/api/v1/push`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: new Uint8Array(compressSync(Buffer.from(push))) });
  assert.equal(proto.status, 204);
  const bad = await fetch(`${base}/loki/api/v1/push`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"streams":[{"stream":{"a":1}}]}' });
  assert.equal(bad.status, 400);
  assert.match(bad.headers.get('content-type') ?? '', /text\/plain/);
  assert.match(await bad.text(), /must be a string/);
  assert.ok(await collector.flushed());
  const stored = await rows(`SELECT l.service_name, l.body, l.correlation_id, r.attributes FROM logs l JOIN resources r ON r.id = l.resource_id WHERE l.service_name IN ('gateway', 'promtail-app') ORDER BY 1`);
  assert.deepEqual(stored, [
    { service_name: 'gateway', body: 'GET /checkout 502 x-correlation-id=corr-9', correlation_id: 'corr-9', attributes: { job: 'gateway', env: 'prod' } },
    { service_name: 'promtail-app', body: 'shipped by promtail', correlation_id: null, attributes: { app: 'promtail-app' } },
  ]);
});

test('JSON lines: real pino output, a bad line reported by number, good lines kept', async () => {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  const logger = pino({}, sink);
  logger.info({ correlation_id: 'corr-9' }, 'charging card');
  await new Promise((resolve) => setImmediate(resolve));
  const response = await fetch(`${base}/logs/jsonl?service=payments`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: `${text}{oops\n` });
  assert.equal(response.status, 200);
  const body = await response.json();
  assert.equal(body.accepted, 1);
  assert.equal(body.rejected, 1);
  assert.equal(body.errors[0].line, 2);
  const none = await fetch(`${base}/logs/jsonl`, { method: 'POST', body: 'nope' });
  assert.equal(none.status, 400);
  assert.ok(await collector.flushed());
  const stored = await rows(`SELECT body, correlation_id, severity_number FROM logs WHERE service_name = 'payments'`);
  assert.deepEqual(stored, [{ body: 'charging card', correlation_id: 'corr-9', severity_number: 9 }]);
});

test("a span's x-correlation-id header links the logs that only knew the correlation id to its trace", async () => {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'gateway' }),
    spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${base}/v1/traces` }))],
  });
  const span = provider.getTracer('test').startSpan('GET /checkout', { kind: SpanKind.SERVER, attributes: { 'http.request.header.x-correlation-id': ['corr-9'] } });
  const traceId = span.spanContext().traceId;
  span.end();
  await provider.forceFlush();
  await provider.shutdown();
  assert.ok(await collector.flushed());
  // The observer's write is asynchronous to the export: wait for the link, not for time.
  for (let i = 0; i < 100 && (await rows(`SELECT 1 FROM correlations WHERE correlation_id = 'corr-9'`)).length === 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const response = await getLogs(new Request(`http://meshlight.test/api/logs?traceId=${traceId}`), {});
  const page = await response.json();
  assert.deepEqual(page.data.map((e: { service: string }) => e.service).sort(), ['gateway', 'payments']);
});

test('OTLP/JSON logs: a partial-success-free {} and malformed JSON as google.rpc.Status', async () => {
  const ok = await fetch(`${base}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"resourceLogs":[]}' });
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), {});
  const bad = await fetch(`${base}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":"soon"}]}]}]}' });
  assert.equal(bad.status, 400);
  assert.match((await bad.json()).message, /timeUnixNano/);
});
