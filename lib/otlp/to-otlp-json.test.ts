import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeTraceRequestJson } from './decode-trace-json';
import { tracesFromBatch } from '../domain/trace';
import { makeSyntheticTrace } from '../../tests/support/synthetic-trace';
import { toOtlpJson } from './to-otlp-json';

test('a downloaded OTLP/JSON trace decodes back to the same spans with the collector decoder', () => {
  const trace = makeSyntheticTrace({ spanCount: 60, startNs: 1_732_147_200_000_000_123n });
  const batch = decodeTraceRequestJson(JSON.stringify(toOtlpJson(trace)));
  assert.equal(batch.rejectedSpans, 0);
  const [back] = tracesFromBatch(batch);
  assert.equal(back!.spans.length, 60);
  const byId = new Map(back!.spans.map((span) => [span.spanId, span]));
  for (const span of trace.spans) {
    const other = byId.get(span.spanId)!;
    assert.equal(other.startNs, span.startNs);
    assert.equal(other.endNs, span.endNs);
    assert.equal(other.parentSpanId, span.parentSpanId);
    assert.deepEqual(other.attributes, span.attributes);
    assert.deepEqual(other.resource.attributes, span.resource.attributes);
    assert.deepEqual(other.events, span.events);
    assert.deepEqual(other.links, span.links);
    assert.equal(other.statusCode, span.statusCode);
    assert.equal(other.scope.name, span.scope.name);
  }
});
