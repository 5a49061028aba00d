import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromJaegerJson, looksLikeJaeger } from './from-jaeger';
import { jaegerTracesJson } from './serialize';
import { makeSyntheticTrace } from '../../tests/support/synthetic-trace';

test('a trace survives Jaeger JSON and back (times at µs precision)', () => {
  const trace = makeSyntheticTrace({ spanCount: 40, startNs: 1_732_147_200_000_000_000n });
  const json = JSON.parse([...jaegerTracesJson([trace])].join(''));
  assert.ok(looksLikeJaeger(json));
  const [back] = fromJaegerJson(json);
  assert.equal(back!.traceId, trace.traceId);
  assert.equal(back!.spans.length, 40);
  for (let i = 0; i < trace.spans.length; i++) {
    const a = trace.spans[i]!;
    const b = back!.spans[i]!;
    assert.equal(b.spanId, a.spanId);
    assert.equal(b.parentSpanId, a.parentSpanId);
    assert.equal(b.kind, a.kind);
    assert.equal(b.statusCode, a.statusCode);
    assert.equal(b.statusMessage, a.statusMessage);
    assert.equal(b.startNs, (a.startNs / 1000n) * 1000n);
    assert.deepEqual(b.attributes, a.attributes);
    assert.equal(b.resource.serviceName, a.resource.serviceName);
    assert.deepEqual(b.events.map((e) => e.name), a.events.map((e) => e.name));
    assert.deepEqual(b.links.map((l) => l.spanId), a.links.map((l) => l.spanId));
    assert.equal(b.scope.name, a.scope.name);
  }
});
