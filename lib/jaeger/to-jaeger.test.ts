// Golden pair: a domain trace → the JSON Jaeger's query service would return for it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SpanKind, StatusCode } from '../domain/model';
import { loadTraceFixture } from './testdata/fixture';
import { jaegerEnvelope, jaegerErrorEnvelope } from './response';
import { jaegerTraceId, toJaegerKeyValue, toJaegerOperation, toJaegerTrace } from './to-jaeger';

const fixture = (name: string) => new URL(`./testdata/${name}`, import.meta.url);

test('two-services-with-error: the whole response matches the golden Jaeger JSON', () => {
  const trace = loadTraceFixture(fixture('two-services-with-error.trace.json'));
  const expected = JSON.parse(readFileSync(fixture('two-services-with-error.jaeger.json'), 'utf8'));
  assert.deepEqual(JSON.parse(JSON.stringify(jaegerEnvelope([toJaegerTrace(trace)]))), expected);
});

test('one process per distinct resource, numbered in span order', () => {
  const trace = loadTraceFixture(fixture('two-services-with-error.trace.json'));
  const jaeger = toJaegerTrace(trace);
  assert.deepEqual(
    jaeger.spans.map((span) => span.processID),
    ['p1', 'p1', 'p2', 'p2'],
  );
  assert.deepEqual(Object.keys(jaeger.processes), ['p1', 'p2']);
  assert.equal(jaeger.processes.p2!.serviceName, 'checkout');
  assert.ok(jaeger.processes.p1!.tags.every((tag) => tag.key !== 'service.name'));
});

test('error spans carry otel.status_code=ERROR, error=true and the status description', () => {
  const trace = loadTraceFixture(fixture('two-services-with-error.trace.json'));
  const failing = toJaegerTrace(trace).spans.find((span) => span.spanID === '0f0e0d0c0b0a0908')!;
  const tags = failing.tags.filter((tag) => tag.key.startsWith('otel.status') || tag.key === 'error');
  assert.deepEqual(tags, [
    { key: 'error', type: 'string', value: 'the app set its own error attribute' },
    { key: 'otel.status_code', type: 'string', value: 'ERROR' },
    { key: 'error', type: 'bool', value: true },
    { key: 'otel.status_description', type: 'string', value: 'payment declined: "card expired"' },
  ]);
  assert.equal(failing.flags, undefined, 'zero flags are omitted, as Jaeger omits them');
  assert.ok(trace.spans.some((span) => span.kind === SpanKind.SERVER && span.statusCode === StatusCode.ERROR));
});

test('attribute values map to Jaeger tag types', () => {
  const cases: [unknown, unknown][] = [
    ['text', { key: 'k', type: 'string', value: 'text' }],
    [true, { key: 'k', type: 'bool', value: true }],
    [42, { key: 'k', type: 'int64', value: 42 }],
    [-7, { key: 'k', type: 'int64', value: -7 }],
    [0.5, { key: 'k', type: 'float64', value: 0.5 }],
    // Beyond 2^53 the collector stores the decimal string; it stays a string.
    ['9223372036854775807', { key: 'k', type: 'string', value: '9223372036854775807' }],
    [[1, 'a'], { key: 'k', type: 'string', value: '[1,"a"]' }],
    [{ nested: { x: 1 } }, { key: 'k', type: 'string', value: '{"nested":{"x":1}}' }],
    [null, { key: 'k', type: 'string', value: '' }],
  ];
  for (const [value, expected] of cases) {
    assert.deepEqual(toJaegerKeyValue('k', value as never), expected, `value ${JSON.stringify(value)}`);
  }
});

test('trace ids with a zero high half print as 16 hex digits, as Jaeger does', () => {
  assert.equal(jaegerTraceId('0000000000000000abcdef0123456789'), 'abcdef0123456789');
  assert.equal(jaegerTraceId('00000000000000010000000000000000'), '00000000000000010000000000000000');
  assert.equal(jaegerTraceId('5b8efff798038103d269b633813fc60c'), '5b8efff798038103d269b633813fc60c');
});

test('operations: span kind names, empty for unspecified', () => {
  assert.deepEqual(toJaegerOperation('GET /', SpanKind.SERVER), { name: 'GET /', spanKind: 'server' });
  assert.deepEqual(toJaegerOperation('work', SpanKind.UNSPECIFIED), { name: 'work', spanKind: '' });
});

test('envelopes: data + total, errors in Jaeger shape', () => {
  assert.deepEqual(jaegerEnvelope(['a', 'b'], 2), { data: ['a', 'b'], total: 2, limit: 0, offset: 0, errors: null });
  assert.deepEqual(jaegerErrorEnvelope(404, 'trace not found'), {
    data: null,
    total: 0,
    limit: 0,
    offset: 0,
    errors: [{ code: 404, msg: 'trace not found' }],
  });
});
