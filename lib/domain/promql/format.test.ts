import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatPromFloat, toPrometheusJson } from './format';

test('floats are formatted like Prometheus (Go strconv, shortest round-trip)', () => {
  const cases: [number, string][] = [
    [0, '0'],
    [1, '1'],
    [-2.5, '-2.5'],
    [0.1, '0.1'],
    [1 / 3, '0.3333333333333333'],
    [123456789012, '123456789012'],
    [1e-7, '1e-07'],
    [1.5e-10, '1.5e-10'],
    [1e21, '1e+21'],
    [0.000001, '0.000001'],
    [NaN, 'NaN'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
  ];
  for (const [v, want] of cases) assert.equal(formatPromFloat(v), want, String(v));
});

test('results become the HTTP API data object with [seconds, "value"] pairs', () => {
  assert.deepEqual(toPrometheusJson({ resultType: 'vector', result: [{ metric: { a: 'b' }, t: 1_500, v: 2 }] }), {
    resultType: 'vector',
    result: [{ metric: { a: 'b' }, value: [1.5, '2'] }],
  });
  assert.deepEqual(toPrometheusJson({ resultType: 'matrix', result: [{ metric: {}, points: [[0, NaN], [15_000, Infinity]] }] }), {
    resultType: 'matrix',
    result: [{ metric: {}, values: [[0, 'NaN'], [15, '+Inf']] }],
  });
  assert.deepEqual(toPrometheusJson({ resultType: 'scalar', result: [1_000, 0.5] }), { resultType: 'scalar', result: [1, '0.5'] });
  assert.deepEqual(toPrometheusJson({ resultType: 'string', result: [1_000, 'x'] }), { resultType: 'string', result: [1, 'x'] });
});
