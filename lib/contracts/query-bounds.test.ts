// Every query API's windows, limits and times are bounded, and what is out of bounds is a 400
// naming the parameter (issue 14: `/api/traces?lookback=100000d` was accepted), one table per API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from './api-error';
import { parseTraceLookup, parseTraceSearch } from './jaeger-query';
import {
  parseDependenciesRequest,
  parseEdgeRequest,
  parseServiceGraphRequest,
  parseServiceRedRequest,
} from './service-graph-api';
import { parseTracePartRequest, parseTraceTextSearch } from './trace-explorer-api';

const NOW_MS = 1_732_147_200_000; // 2024-11-21T00:00:00Z
const NOW_US = NOW_MS * 1000;

function assertBadRequest(fn: () => unknown, message: RegExp, label: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ApiError, `${label}: expected an ApiError, got ${String(error)}`);
    assert.equal(error.status, 400, label);
    assert.match(error.message, message, label);
    return true;
  });
}

test('trace search (/api/traces and the /traces page): window, limit, times and durations', () => {
  const search = (query: string) => parseTraceSearch(new URLSearchParams(query), { nowUs: NOW_US, requireService: false });
  const cases: [string, RegExp][] = [
    ['lookback=100000d', /param 'lookback': the window is too long: at most 31 days/],
    ['lookback=32d', /param 'lookback': the window is too long/],
    ['lookback=100000000000h', /param 'lookback': the window is too long/],
    [`start=0&end=${NOW_US}`, /param 'start': the window is too long/],
    ['limit=10001', /param 'limit': must be between 1 and 1500/],
    ['limit=99999999999999999999', /param 'limit'/],
    [`start=${NOW_US}&end=${NOW_US - 1}`, /'start' is after 'end'/],
    ['end=-5', /param 'end': out of range/],
    ['end=9999999999999999999', /param 'end': out of range/],
    ['minDuration=9999999999h', /param 'minDuration': duration "9999999999h" is out of range/],
  ];
  for (const [query, message] of cases) assertBadRequest(() => search(query), message, query);
  // The largest allowed window and limit still parse.
  assert.equal(search('lookback=31d&limit=1500').query.limit, 1500);
  assert.equal(search('lookback=7d').query.endNs - search('lookback=7d').query.startNs, 7n * 86_400_000_000_000n);
});

test('trace lookup (/api/traces/{id}): times in range, start before end', () => {
  const lookup = (query: string) => parseTraceLookup('abc', new URLSearchParams(query));
  assertBadRequest(() => lookup('start=3&end=2'), /'start' is after 'end'/, 'start>end');
  assertBadRequest(() => lookup('start=-1'), /param 'start': out of range/, 'negative');
  assertBadRequest(() => lookup('end=9999999999999999999'), /param 'end': out of range/, 'beyond int64');
  assert.equal(lookup('start=1&end=2').endNs, 2000n);
});

test('service graph, edge, RED and dependencies: windows of at most 31 days, times in range', () => {
  const apis: [string, (params: URLSearchParams) => unknown][] = [
    ['service-graph', (p) => parseServiceGraphRequest(p, NOW_MS)],
    ['edge', (p) => parseEdgeRequest(new URLSearchParams(`source=service:a&target=service:b&type=request&${p}`), NOW_MS)],
    ['red', (p) => parseServiceRedRequest('a', p, NOW_MS)],
  ];
  for (const [name, parse] of apis) {
    assertBadRequest(() => parse(new URLSearchParams('lookback=100000d')), /the window is too long: at most 31 days/, `${name} lookback`);
    assertBadRequest(() => parse(new URLSearchParams(`start=${NOW_MS}&end=${NOW_MS - 1}`)), /the window is empty/, `${name} start>end`);
    assertBadRequest(() => parse(new URLSearchParams('end=9999999999999999')), /param 'end': out of range/, `${name} end`);
    assert.doesNotThrow(() => parse(new URLSearchParams('lookback=31d')), name);
  }
  assertBadRequest(() => parseDependenciesRequest(new URLSearchParams('lookback=100000d'), NOW_MS), /the window is too long/, 'dependencies');
  assertBadRequest(() => parseDependenciesRequest(new URLSearchParams('endTs=9999999999999999'), NOW_MS), /param 'endTs': out of range/, 'dependencies endTs');
  assertBadRequest(() => parseServiceRedRequest('a', new URLSearchParams('lookback=7d&step=1m'), NOW_MS), /param 'step': too many points/, 'red step');
});

test('trace explorer: parts and text search bounded', () => {
  assertBadRequest(() => parseTracePartRequest(new URLSearchParams('parts=1000')), /param 'parts'/, 'parts');
  assertBadRequest(() => parseTracePartRequest(new URLSearchParams('part=3&parts=2')), /part must be below parts/, 'part');
  assertBadRequest(() => parseTraceTextSearch(new URLSearchParams(`q=${'x'.repeat(201)}`)), /param 'q'/, 'q');
});
