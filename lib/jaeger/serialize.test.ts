// The text serializer must produce exactly what JSON.stringify makes of the reference mapping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind, StatusCode } from '../domain/model';
import type { Trace, TraceSpan } from '../domain/trace';
import { makeSyntheticTrace } from '../../tests/support/synthetic-trace';
import { jaegerEnvelope } from './response';
import { jaegerSpanJson, jaegerTracesJson, textChunksToStream } from './serialize';
import { loadTraceFixture } from './testdata/fixture';
import { toJaegerSpan, toJaegerTrace } from './to-jaeger';

const fixtureTrace = loadTraceFixture(new URL('./testdata/two-services-with-error.trace.json', import.meta.url));

function oddSpan(overrides: Partial<TraceSpan>): TraceSpan {
  return { ...fixtureTrace.spans[0]!, ...overrides };
}

const oddSpans: TraceSpan[] = [
  oddSpan({ name: 'quote " backslash \\ newline \n tab \t emoji 🚀 nul \u0000 line-sep \u2028' }),
  oddSpan({ attributes: { 'ключ': 'значение', '"quoted key"': 1.5e300, neg: -0.001, zero: 0, list: [null, { a: [] }] } }),
  oddSpan({ attributes: {}, events: [], links: [], traceState: '', statusMessage: '', scope: { id: 'x', name: '', version: '', attributes: {} } }),
  oddSpan({ kind: SpanKind.CONSUMER, statusCode: StatusCode.ERROR, statusMessage: '', flags: 0 }),
  oddSpan({ parentSpanId: '', links: [{ traceId: fixtureTrace.traceId, spanId: 'aaaaaaaaaaaaaaaa', traceState: '', attributes: {}, droppedAttributesCount: 0, flags: 0 }] }),
  oddSpan({ endNs: 0n }),
  oddSpan({ events: [{ timeNs: 5n, name: 'only-name', attributes: {}, droppedAttributesCount: 0 }] }),
];

test('jaegerSpanJson equals JSON.stringify(toJaegerSpan) for every fixture and edge case', () => {
  for (const span of [...fixtureTrace.spans, ...oddSpans]) {
    assert.equal(jaegerSpanJson(span, 'p7'), JSON.stringify(toJaegerSpan(span, 'p7')), span.name);
  }
});

test('jaegerSpanJson equals the reference over a synthetic 2,000-span trace', () => {
  const trace = makeSyntheticTrace({ spanCount: 2000, startNs: 1_732_147_200_000_000_000n, seed: 7 });
  for (const span of trace.spans) assert.equal(jaegerSpanJson(span, 'p1'), JSON.stringify(toJaegerSpan(span, 'p1')));
});

test('jaegerTracesJson joined equals the whole envelope, with errors', () => {
  const traces: Trace[] = [fixtureTrace, makeSyntheticTrace({ spanCount: 50, startNs: 1n, seed: 3 })];
  const errors = [{ msg: 'trace not found', traceID: 'abc' }];
  assert.equal(
    [...jaegerTracesJson(traces, errors)].join(''),
    JSON.stringify(jaegerEnvelope(traces.map(toJaegerTrace), 0, errors)),
  );
  assert.equal([...jaegerTracesJson([])].join(''), JSON.stringify(jaegerEnvelope([])));
});

test('textChunksToStream yields the same UTF-8 bytes in bounded chunks', async () => {
  const trace = makeSyntheticTrace({ spanCount: 500, startNs: 1n, seed: 5 });
  const expected = [...jaegerTracesJson([trace])].join('');
  const chunks: Uint8Array[] = [];
  const reader = textChunksToStream(jaegerTracesJson([trace]), 16 * 1024).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  assert.ok(chunks.length > 10);
  assert.equal(Buffer.concat(chunks).toString('utf8'), expected);
});
