// The foundation's end-to-end promise, as a reusable suite: spans sent by each official exporter
// (OTLP/HTTP protobuf, OTLP/HTTP JSON, OTLP/gRPC; plain and gzip) come back through the
// Jaeger-compatible query API with parents, attributes, events and links intact. Run against the
// real PostgreSQL and against the embedded database by two test files.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { exportSpans, makeExporter, makeSampleTrace, type ExporterKind } from './official-exporters';
import { startTestCollector } from './test-collector';
import { GET as getTrace } from '../../app/api/traces/[traceId]/route';
import { GET as searchTraces } from '../../app/api/traces/route';
import { GET as getServices } from '../../app/api/services/route';
import { GET as getOperations } from '../../app/api/services/[service]/operations/route';
import { disconnectDb } from '../../lib/db/prisma';
import type { JaegerKeyValue, JaegerResponse, JaegerSpan, JaegerTrace } from '../../lib/jaeger/types';

const CASES: Array<{ kind: ExporterKind; gzip: boolean }> = [
  { kind: 'proto', gzip: false },
  { kind: 'proto', gzip: true },
  { kind: 'json', gzip: false },
  { kind: 'json', gzip: true },
  { kind: 'grpc', gzip: false },
  { kind: 'grpc', gzip: true },
];

function hrToMicros([seconds, nanos]: [number, number]): number {
  return seconds * 1e6 + Math.floor(nanos / 1e3);
}

function tag(span: JaegerSpan, key: string): JaegerKeyValue | undefined {
  return span.tags.find((t) => t.key === key);
}

async function json<T>(response: Response): Promise<T> {
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as T;
}

export function exporterRoundTripSuite(setup: () => Promise<{ databaseUrl: string | undefined; cleanup(): Promise<void> }>): void {
  let collector: Awaited<ReturnType<typeof startTestCollector>>;
  let cleanup: () => Promise<void>;

  before(async () => {
    const db = await setup();
    cleanup = db.cleanup;
    collector = await startTestCollector(db.databaseUrl);
    // The UI server's query code reads DATABASE_URL, as `npm start` hands it the collector's.
    process.env.DATABASE_URL = collector.databaseUrl;
  });

  after(async () => {
    await disconnectDb();
    await collector?.stop();
    await cleanup?.();
  });

  for (const { kind, gzip } of CASES) {
    test(`${kind}${gzip ? ' + gzip' : ''} exporter: the trace comes back intact through the Jaeger API`, async () => {
      const service = `svc-${kind}${gzip ? '-gzip' : ''}`;
      const sample = makeSampleTrace(service);
      const exporter = makeExporter(kind, { http: collector.httpPort, grpc: collector.grpcPort }, gzip);
      await exportSpans(exporter, sample.spans);
      await exporter.shutdown();
      assert.ok(await collector.flushed(), 'spans were written');

      const body = await json<JaegerResponse<JaegerTrace[]>>(
        await getTrace(new Request(`http://ui/api/traces/${sample.traceId}`), { params: Promise.resolve({ traceId: sample.traceId }) }),
      );
      assert.equal(body.errors, null);
      const trace = body.data[0]!;
      assert.equal(trace.traceID, sample.traceId);
      assertSpansMatch(trace, sample.spans, service, sample.linkedTraceId);
    });
  }

  test('services, operations and search by tag find what the exporters sent', async () => {
    const services = await json<JaegerResponse<string[]>>(await getServices(new Request('http://ui/api/services'), {}));
    for (const { kind, gzip } of CASES) assert.ok(services.data.includes(`svc-${kind}${gzip ? '-gzip' : ''}`));

    const operations = await json<JaegerResponse<string[]>>(
      await getOperations(new Request('http://ui/api/services/svc-proto/operations'), { params: Promise.resolve({ service: 'svc-proto' }) }),
    );
    assert.deepEqual(new Set(operations.data), new Set(['GET /orders/:id', 'call payments', 'serialize', 'order.created process']));

    const tags = encodeURIComponent(JSON.stringify({ 'http.response.status_code': '503' }));
    const found = await json<JaegerResponse<JaegerTrace[]>>(
      await searchTraces(new Request(`http://ui/api/traces?service=svc-json&tags=${tags}&lookback=1h&limit=20`), {}),
    );
    assert.equal(found.data.length, 1);
    assert.equal(found.data[0]!.processes[found.data[0]!.spans[0]!.processID]!.serviceName, 'svc-json');

    const errors = await json<JaegerResponse<JaegerTrace[]>>(
      await searchTraces(new Request(`http://ui/api/traces?service=svc-grpc&tags=${encodeURIComponent('{"error":"true"}')}&lookback=1h`), {}),
    );
    assert.equal(errors.data.length, 1);
  });
}

function assertSpansMatch(trace: JaegerTrace, sent: ReadableSpan[], service: string, linkedTraceId: string): void {
  assert.equal(trace.spans.length, sent.length);
  for (const original of sent) {
    const spanId = original.spanContext().spanId;
    const span = trace.spans.find((s) => s.spanID === spanId);
    assert.ok(span, `span ${original.name} is in the trace`);
    assert.equal(span.operationName, original.name);
    assert.equal(span.startTime, hrToMicros(original.startTime));
    assert.equal(span.duration, hrToMicros(original.endTime) - hrToMicros(original.startTime));
    assert.equal(trace.processes[span.processID]?.serviceName, service);
    const parentId = original.parentSpanContext?.spanId;
    const childOf = span.references.find((r) => r.refType === 'CHILD_OF');
    assert.equal(childOf?.spanID, parentId, `${original.name}: parent`);
  }
  const byName = (name: string) => trace.spans.find((s) => s.operationName === name)!;

  const client = byName('call payments');
  assert.deepEqual(tag(client, 'http.response.status_code'), { key: 'http.response.status_code', type: 'int64', value: 503 });
  assert.deepEqual(tag(client, 'app.retry'), { key: 'app.retry', type: 'bool', value: true });
  assert.deepEqual(tag(client, 'app.ratio'), { key: 'app.ratio', type: 'float64', value: 0.25 });
  assert.equal(tag(client, 'span.kind')?.value, 'client');
  assert.equal(tag(client, 'error')?.value, true);
  assert.equal(tag(client, 'otel.status_description')?.value, 'payments unavailable');
  assert.ok(tag(client, 'app.tags'), 'array attribute kept');

  const serialize = byName('serialize');
  assert.equal(serialize.logs.length, 1);
  const fields = Object.fromEntries(serialize.logs[0]!.fields.map((f) => [f.key, f.value]));
  assert.equal(fields.event, 'cache.miss');
  assert.equal(fields['cache.key'], 'order:42');

  const consumer = byName('order.created process');
  const link = consumer.references.find((r) => r.refType === 'FOLLOWS_FROM');
  assert.equal(link?.traceID, linkedTraceId, 'the span link survived');
}
