// The Jaeger JSON written straight from stored rows (lib/jaeger/rows-to-jaeger.ts, buffered and
// streamed) must say what the reference mapping says of the same spans decoded to TraceSpans
// (jaegerTracesJson over loadTraces), on the real PostgreSQL, over spans chosen for their edges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GET as getTrace } from '../../app/api/traces/[traceId]/route';
import { GET as searchTraces } from '../../app/api/traces/route';
import { SpanKind, StatusCode } from '../../lib/domain/model';
import type { Trace, TraceSpan } from '../../lib/domain/trace';
import { loadTraceRows, loadTraces } from '../../lib/db/trace-queries';
import { jaegerTracesFromRows } from '../../lib/jaeger/rows-to-jaeger';
import { jaegerTracesJson } from '../../lib/jaeger/serialize';
import { loadTraceFixture } from '../../lib/jaeger/testdata/fixture';
import { createSpansPartition, insertSpans } from '../support/insert-spans';
import { useQueryDatabase } from '../support/query-database';
import { makeScope, makeSyntheticTrace } from '../support/synthetic-trace';

const DAY_NS = 86_400_000_000_000n;
const DAY_START_NS = 1_732_147_200_000_000_000n;

const fixture = loadTraceFixture(new URL('../../lib/jaeger/testdata/two-services-with-error.trace.json', import.meta.url));
const base = fixture.spans[0]!;
const EDGE_TRACE_ID = 'e0'.repeat(16);
let nextId = 1;
function edgeSpan(overrides: Partial<TraceSpan>): TraceSpan {
  const spanId = (nextId++).toString(16).padStart(16, '0');
  const startNs = base.startNs + BigInt(nextId) * 1_000_000n;
  return { ...base, traceId: EDGE_TRACE_ID, spanId, parentSpanId: '00000000000000ff', startNs, endNs: startNs + 5_123_456n, ...overrides };
}
const otherScope = makeScope('', '');
const edgeTrace: Trace = {
  traceId: EDGE_TRACE_ID,
  spans: [
    edgeSpan({ parentSpanId: '', name: 'root "quoted" \\ \n 🚀 \u2028' }),
    edgeSpan({ attributes: { 'ключ': 'значение', '"quoted key"': 1.5, neg: -0.001, zero: 0, list: [null, { a: [] }], t: true, f: false } }),
    edgeSpan({ attributes: {}, events: [], links: [], traceState: '', statusMessage: '', scope: otherScope }),
    edgeSpan({ attributes: { only: 'one' }, scope: otherScope, kind: SpanKind.UNSPECIFIED, statusCode: StatusCode.UNSET }),
    edgeSpan({ attributes: {}, scope: otherScope, kind: SpanKind.UNSPECIFIED, statusCode: StatusCode.UNSET }),
    edgeSpan({ kind: SpanKind.CONSUMER, statusCode: StatusCode.ERROR, statusMessage: 'boom: "x"', flags: 0x301, traceState: 'a=b,c=d' }),
    edgeSpan({
      links: [
        { traceId: EDGE_TRACE_ID, spanId: '00000000000000ff', traceState: '', attributes: { 'opentracing.ref_type': 'child_of' }, droppedAttributesCount: 0, flags: 0 },
        { traceId: 'ab'.repeat(16), spanId: 'aaaaaaaaaaaaaaaa', traceState: 'x=y', attributes: { n: 1 }, droppedAttributesCount: 2, flags: 1 },
      ],
    }),
    edgeSpan({ endNs: 0n }),
    edgeSpan({ events: [{ timeNs: base.startNs + 7n, name: 'only-name', attributes: {}, droppedAttributesCount: 0 }, { timeNs: base.startNs + 9_999n, name: 'exception', attributes: { 'exception.message': 'x', event: 'named' }, droppedAttributesCount: 1 }] }),
  ],
};
const bigTrace = makeSyntheticTrace({ spanCount: 2000, startNs: DAY_START_NS + 3_600_000_000_000n, seed: 5 });

useQueryDatabase('meshlight_jaeger_rows', async (client) => {
  await createSpansPartition(client, 'spans_prows', DAY_START_NS - DAY_NS, DAY_START_NS + DAY_NS);
  for (const trace of [fixture, edgeTrace, bigTrace]) await insertSpans(client, trace.spans);
  // A span whose resource row never arrived: it shows under a stand-in process.
  const moved = await client.query(`UPDATE spans SET resource_id = 4242 WHERE span_id = decode($1, 'hex')`, [edgeTrace.spans[2]!.spanId]);
  assert.equal(moved.rowCount, 1);
  // A span delivered twice (an exporter retrying): every read shows it once.
  const copied = await client.query(`INSERT INTO spans SELECT * FROM spans WHERE span_id = decode($1, 'hex')`, [fixture.spans[1]!.spanId]);
  assert.equal(copied.rowCount, 1);
});

async function reference(traceIds: string[]): Promise<any> {
  return JSON.parse([...jaegerTracesJson(await loadTraces(traceIds))].join(''));
}

/** Spans in start order with their process inlined: what is left when process numbering and span order do not matter. */
function normalized(trace: any): any[] {
  return trace.spans
    .map(({ processID, ...span }: any) => ({ ...span, process: trace.processes[processID] }))
    .sort((a: any, b: any) => a.startTime - b.startTime || (a.spanID < b.spanID ? -1 : 1));
}

test('rows written as Jaeger JSON equal the reference mapping, buffered in start order', async () => {
  for (const traceIds of [[fixture.traceId], [EDGE_TRACE_ID], [bigTrace.traceId], [fixture.traceId, EDGE_TRACE_ID]]) {
    const fromRows = JSON.parse(Buffer.concat([...jaegerTracesFromRows(await loadTraceRows(traceIds), null, 4096)]).toString('utf8'));
    assert.deepEqual(fromRows, await reference(traceIds), traceIds.join());
  }
  const edge = await reference([EDGE_TRACE_ID]);
  assert.equal(edge.data[0].spans.length, edgeTrace.spans.length);
  const standIn = edge.data[0].spans.find((s: any) => s.spanID === edgeTrace.spans[2]!.spanId);
  assert.deepEqual(edge.data[0].processes[standIn.processID], { serviceName: base.resource.serviceName, tags: [] });
  assert.ok(Object.keys(base.resource.attributes).length > 1, 'the real resource has more than a name');
});

test('GET /api/traces/{id} streams the same spans and processes', async () => {
  for (const traceId of [fixture.traceId, EDGE_TRACE_ID, bigTrace.traceId]) {
    const response = await getTrace(new Request(`http://meshlight.test/api/traces/${traceId}`), { params: Promise.resolve({ traceId }) });
    assert.equal(response.status, 200);
    const streamed = await response.json();
    const expected = await reference([traceId]);
    assert.equal(streamed.data.length, 1);
    assert.equal(streamed.data[0].traceID, expected.data[0].traceID);
    assert.deepEqual(normalized(streamed.data[0]), normalized(expected.data[0]), traceId);
    assert.deepEqual({ ...streamed, data: null }, { ...expected, data: null });
  }
});

test('GET /api/traces?traceID= answers from rows too, unknown ids in errors', async () => {
  const unknown = 'f'.repeat(32);
  const response = await searchTraces(new Request(`http://meshlight.test/api/traces?traceID=${EDGE_TRACE_ID}&traceID=${unknown}`), undefined);
  const body = await response.json();
  assert.deepEqual(body.data, (await reference([EDGE_TRACE_ID])).data);
  assert.deepEqual(body.errors, [{ msg: 'trace not found', traceID: unknown }]);
});

test('a slow reader of a streamed trace gets every byte (the read pauses and resumes under it)', async () => {
  const traceId = bigTrace.traceId;
  const response = await getTrace(new Request(`http://meshlight.test/api/traces/${traceId}`), { params: Promise.resolve({ traceId }) });
  const reader = response.body!.getReader();
  const chunks: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  assert.deepEqual(normalized(body.data[0]), normalized((await reference([traceId])).data[0]));
});

test('a reader that cancels mid-trace leaves the connection pool usable', async () => {
  const traceId = bigTrace.traceId;
  for (let i = 0; i < 12; i++) {
    const response = await getTrace(new Request(`http://meshlight.test/api/traces/${traceId}`), { params: Promise.resolve({ traceId }) });
    const reader = response.body!.getReader();
    await reader.read();
    await reader.cancel();
  }
  // More cancelled reads than the pool has connections: every one was given back.
  const response = await getTrace(new Request(`http://meshlight.test/api/traces/${traceId}`), { params: Promise.resolve({ traceId }) });
  assert.equal((await response.json()).data[0].spans.length, 2000);
});

test('traces loaded together (a search batch) are each what loading it alone gives: start order, a span stored twice once', async () => {
  const traceIds = [bigTrace.traceId, fixture.traceId, EDGE_TRACE_ID];
  const together = await loadTraceRows(traceIds);
  assert.deepEqual(
    together.traces.map((trace) => trace.traceId),
    traceIds,
  );
  for (const trace of together.traces) {
    const alone = await loadTraceRows([trace.traceId]);
    assert.deepEqual(trace.rows, alone.traces[0]!.rows, trace.traceId);
  }
  assert.equal(together.traces[1]!.rows.length, fixture.spans.length);
  assert.equal(together.traces[2]!.rows.length, edgeTrace.spans.length);
  assert.deepEqual((await loadTraceRows(['ff'.repeat(16), fixture.traceId])).traces.map((trace) => trace.traceId), [fixture.traceId]);
  assert.deepEqual((await loadTraceRows(['ff'.repeat(16)])).traces, []);
});
