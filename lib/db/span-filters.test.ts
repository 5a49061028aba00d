// The search SQL: values always travel as parameters, tags match every JSON form Jaeger's string
// values can take, and Jaeger's synthetic tags map to columns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TraceQuery } from '../domain/trace-query';
import { SqlParams, attributeCandidates, attributeTags, matchingResourcesSql, newestMatchingSpansSql, tagCondition } from './span-filters';

const base: TraceQuery = { tags: {}, startNs: 1000n, endNs: 2000n, limit: 20 };

test('candidates: string always; number for JSON numbers; boolean for true/false', () => {
  assert.deepEqual(attributeCandidates('http.status_code', '500'), ['{"http.status_code":"500"}', '{"http.status_code":500}']);
  assert.deepEqual(attributeCandidates('ratio', '-0.5e3'), ['{"ratio":"-0.5e3"}', '{"ratio":-0.5e3}']);
  assert.deepEqual(attributeCandidates('big', '9223372036854775807'), ['{"big":"9223372036854775807"}', '{"big":9223372036854775807}']);
  assert.deepEqual(attributeCandidates('flag', 'true'), ['{"flag":"true"}', '{"flag":true}']);
  assert.deepEqual(attributeCandidates('name', 'GET /'), ['{"name":"GET /"}']);
  // Not JSON numbers: kept as strings only.
  for (const text of ['0x10', '01', '1.', '+1', 'NaN', 'Infinity', ' 1']) assert.equal(attributeCandidates('k', text).length, 1, text);
  // Keys and values are JSON-escaped, never spliced raw.
  assert.deepEqual(attributeCandidates('a"b', 'x"}'), ['{"a\\"b":"x\\"}"}']);
});

test('every candidate is valid JSON', () => {
  for (const value of ['500', 'true', 'false', 'x', '1e-7', '-0']) {
    for (const candidate of attributeCandidates('k', value)) assert.doesNotThrow(() => JSON.parse(candidate), candidate);
  }
});

test('tags Jaeger derives from span fields map to columns', () => {
  const cases: [string, string, string][] = [
    ['span.kind', 'server', 's.kind = 2'],
    ['span.kind', 'CLIENT', 's.kind = 3'],
    ['span.kind', 'sideways', 'FALSE'],
    ['otel.status_code', 'ERROR', 's.status_code = 2'],
    ['otel.status_code', 'ok', 's.status_code = 1'],
    ['otel.status_code', 'bad', 'FALSE'],
    ['error', 'false', 's.status_code <> 2'],
  ];
  for (const [key, value, sql] of cases) assert.equal(tagCondition(key, value, new SqlParams()), sql, `${key}=${value}`);

  const params = new SqlParams();
  assert.equal(
    tagCondition('error', 'true', params),
    '(s.status_code = 2 OR (s.attributes @> $1::jsonb OR s.attributes @> $2::jsonb))',
  );
  assert.deepEqual(params.values, ['{"error":"true"}', '{"error":true}']);

  const described = new SqlParams();
  assert.equal(tagCondition('otel.status_description', 'boom', described), 's.status_message = $1::text');
  assert.equal(tagCondition('otel.scope.name', 'http', described), 's.scope_id IN (SELECT id FROM scopes WHERE name = $2::text)');
  assert.deepEqual(described.values, ['boom', 'http']);
});

test('attribute tags may also match resources, by id list resolved beforehand', () => {
  const params = new SqlParams();
  assert.equal(
    tagCondition('k8s.namespace', 'shop', params, ['12', '-34']),
    '(s.attributes @> $1::jsonb OR s.resource_id = ANY($2::bigint[]))',
  );
  assert.deepEqual(params.values, ['{"k8s.namespace":"shop"}', ['12', '-34']]);
  assert.deepEqual(attributeTags({ a: '1', 'span.kind': 'server', error: 'true', 'otel.status_code': 'ERROR' }), [
    ['a', '1'],
    ['error', 'true'],
  ]);
  const resources = matchingResourcesSql('http.status_code', '500');
  assert.equal(resources.text, 'SELECT id::text AS id FROM resources WHERE attributes @> $1::jsonb OR attributes @> $2::jsonb');
});

test('a walk batch binds every value and reads spans newest first', () => {
  const query: TraceQuery = {
    ...base,
    service: "cart'; DROP TABLE spans; --",
    operation: 'GET /cart',
    minDurationNs: 5n,
    maxDurationNs: 10n,
    tags: { 'http.status_code': '500', 'span.kind': 'server' },
  };
  const { text, values } = newestMatchingSpansSql(query, 20);
  assert.doesNotMatch(text, /DROP TABLE|GET \/cart|500/);
  assert.deepEqual(values, [
    1000n,
    2000n,
    "cart'; DROP TABLE spans; --",
    'GET /cart',
    5n,
    10n,
    '{"http.status_code":"500"}',
    '{"http.status_code":500}',
    20,
  ]);
  assert.match(text, /s\.start_ns >= \$1::bigint\s+AND s\.start_ns <= \$2::bigint\s+AND s\.service_name = \$3::text/);
  assert.match(text, /\(s\.attributes @> \$7::jsonb OR s\.attributes @> \$8::jsonb\)\s+AND s\.kind = 2/);
  assert.match(text, /ORDER BY s\.start_ns DESC\s+LIMIT \$9::int$/);
  assert.doesNotMatch(text, /GROUP BY|operations/);
});

test('without a service, each service known to operations is walked and the walks merged', () => {
  const { text, values } = newestMatchingSpansSql({ ...base, tags: { a: 'b' } }, 84);
  assert.match(text, /FROM \(SELECT DISTINCT service_name FROM operations\) o\s+CROSS JOIN LATERAL/);
  assert.match(text, /WHERE s\.service_name = o\.service_name\s+AND s\.start_ns >= \$1::bigint/);
  assert.match(text, /ORDER BY s\.start_ns DESC\s+LIMIT \$4::int\s+\) m\s+ORDER BY m\.start_ns DESC\s+LIMIT \$4::int$/);
  assert.deepEqual(values, [1000n, 2000n, '{"a":"b"}', 84]);
});

test('zero durations mean no duration filter', () => {
  const { text } = newestMatchingSpansSql({ ...base, minDurationNs: 0n, maxDurationNs: 0n }, 20);
  assert.doesNotMatch(text, /duration_ns/);
});
