import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptySpan, SpanKind, StatusCode } from './model';
import { dedupeSpans, findRootSpan, summarizeTrace, type Trace, type TraceResource, type TraceSpan } from './trace';

const resource = (serviceName: string): TraceResource => ({
  id: serviceName,
  serviceName,
  attributes: { 'service.name': serviceName },
  droppedAttributesCount: 0,
  schemaUrl: '',
});
const scope = { id: 's', name: '', version: '', attributes: {} };

function span(spanId: string, parentSpanId: string, start: number, end: number, service: string, error = false): TraceSpan {
  return {
    ...emptySpan(),
    traceId: 'a'.repeat(32),
    spanId,
    parentSpanId,
    flags: 1,
    name: `op-${spanId}`,
    kind: SpanKind.SERVER,
    startNs: BigInt(start),
    endNs: BigInt(end),
    statusCode: error ? StatusCode.ERROR : StatusCode.UNSET,
    resource: resource(service),
    scope,
  };
}

test('summary: root, extent, errors and services (most spans first)', () => {
  // root(frontend) |==========|        0..100
  // a(cart)          |==|              10..30
  // b(cart, error)        |=======|    40..120  (ends after the root)
  const trace: Trace = {
    traceId: 'a'.repeat(32),
    spans: [span('a', 'root', 10, 30, 'cart'), span('root', '', 0, 100, 'frontend'), span('b', 'root', 40, 120, 'cart', true)],
  };
  assert.deepEqual(summarizeTrace(trace), {
    traceId: 'a'.repeat(32),
    rootName: 'op-root',
    rootService: 'frontend',
    hasRoot: true,
    spanCount: 3,
    errorCount: 1,
    services: [
      { name: 'cart', spanCount: 2, errorCount: 1 },
      { name: 'frontend', spanCount: 1, errorCount: 0 },
    ],
    startNs: 0n,
    endNs: 120n,
    durationNs: 120n,
  });
});

test('without a root span the earliest span stands in and the summary says so', () => {
  const spans = [span('late', 'x', 50, 60, 'a'), span('early', 'x', 20, 30, 'b')];
  assert.equal(findRootSpan(spans)!.spanId, 'early');
  assert.equal(summarizeTrace({ traceId: 'a'.repeat(32), spans })!.hasRoot, false);
  assert.equal(summarizeTrace({ traceId: 'a'.repeat(32), spans: [] }), undefined);
});

test('dedupeSpans keeps the first of each span id, in order', () => {
  const first = span('x', '', 0, 1, 'a');
  const again = span('x', '', 0, 1, 'a');
  assert.deepEqual(dedupeSpans([first, span('y', 'x', 0, 1, 'a'), again]).map((s) => s.spanId), ['x', 'y']);
  assert.equal(dedupeSpans([first, again])[0], first);
});
