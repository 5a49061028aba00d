// Parameter parsing for the Jaeger-compatible API: formats, defaults and the 400 messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind } from '../domain/model';
import { ApiError } from './api-error';
import {
  DEFAULT_API_LOOKBACK_NS,
  formatLogfmtTags,
  normalizeTraceId,
  parseGoDuration,
  parseLogfmtTags,
  parseLookback,
  parseOperationsRequest,
  parseTraceLookup,
  parseTraceSearch,
} from './jaeger-query';

const NOW_US = 1_732_147_200_000_000; // 2024-11-21T00:00:00Z
const NOW_NS = BigInt(NOW_US) * 1000n;
const search = (query: string, options = {}) => parseTraceSearch(new URLSearchParams(query), { nowUs: NOW_US, ...options });

function badRequest(fn: () => unknown, message: RegExp) {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ApiError, `expected an ApiError, got ${String(error)}`);
    assert.equal(error.status, 400);
    assert.match(error.message, message);
    return true;
  });
}

test('Go durations', () => {
  const cases: [string, bigint][] = [
    ['0', 0n],
    ['500us', 500_000n],
    ['500µs', 500_000n],
    ['500μs', 500_000n],
    ['100ms', 100_000_000n],
    ['1.2s', 1_200_000_000n],
    ['1.5h', 5_400_000_000_000n],
    ['1h30m', 5_400_000_000_000n],
    ['.5s', 500_000_000n],
    ['7ns', 7n],
    ['-2s', -2_000_000_000n],
  ];
  for (const [text, ns] of cases) assert.equal(parseGoDuration(text), ns, text);
  for (const text of ['', '1', 'abc', '1d', '1.s.', 's', '1 s']) assert.throws(() => parseGoDuration(text), /time: /, text);
});

test('lookback windows', () => {
  assert.equal(parseLookback('1h'), 3_600_000_000_000n);
  assert.equal(parseLookback('2d'), 172_800_000_000_000n);
  assert.equal(parseLookback('7d'), 604_800_000_000_000n);
  assert.equal(parseLookback('90m'), 5_400_000_000_000n);
  assert.equal(parseLookback('custom'), undefined);
  assert.throws(() => parseLookback('soon'));
});

test('trace ids: hex, case-insensitive, left-padded to 32', () => {
  assert.equal(normalizeTraceId('ABCDEF'), '00000000000000000000000000abcdef');
  assert.equal(normalizeTraceId('5b8efff798038103d269b633813fc60c'), '5b8efff798038103d269b633813fc60c');
  for (const bad of ['', 'xyz', '5b8efff798038103d269b633813fc60c0', '12 34']) assert.equal(normalizeTraceId(bad), undefined, bad);
});

test('logfmt tags, as typed in the search form', () => {
  assert.deepEqual(parseLogfmtTags('http.status_code=500 error=true'), { 'http.status_code': '500', error: 'true' });
  assert.deepEqual(parseLogfmtTags(' route="/api/cart items"  empty= '), { route: '/api/cart items', empty: '' });
  assert.deepEqual(parseLogfmtTags('q="say \\"hi\\""'), { q: 'say "hi"' });
  assert.deepEqual(parseLogfmtTags(''), {});
  assert.throws(() => parseLogfmtTags('novalue'), /key=value/);
  const tags = { a: '1', b: 'two words', c: 'quote"d' };
  assert.deepEqual(parseLogfmtTags(formatLogfmtTags(tags)), tags);
});

test('search defaults: Jaeger limit and 2-day lookback ending now', () => {
  const { query, traceIds } = search('service=cart');
  assert.deepEqual(query, { service: 'cart', tags: {}, startNs: NOW_NS - DEFAULT_API_LOOKBACK_NS, endNs: NOW_NS, limit: 100 });
  assert.deepEqual(traceIds, []);
});

test('search: every parameter', () => {
  const { query } = search(
    'service=cart&operation=GET%20%2Fcart&tags=%7B%22http.status_code%22%3A%22500%22%7D&tag=error:true&tag=url:http://x:80' +
      '&minDuration=1.2s&maxDuration=5s&start=1732140000000000&end=1732147000000000&limit=20',
  );
  assert.deepEqual(query, {
    service: 'cart',
    operation: 'GET /cart',
    tags: { 'http.status_code': '500', error: 'true', url: 'http://x:80' },
    minDurationNs: 1_200_000_000n,
    maxDurationNs: 5_000_000_000n,
    startNs: 1_732_140_000_000_000_000n,
    endNs: 1_732_147_000_000_000_000n,
    limit: 20,
  });
});

test('search: lookback counts back from end; empty values are absent', () => {
  const { query, lookback } = search('service=a&lookback=1h&end=1732147200000000&operation=&minDuration=');
  assert.equal(query.startNs, NOW_NS - 3_600_000_000_000n);
  assert.equal(query.operation, undefined);
  assert.equal(query.minDurationNs, undefined);
  assert.equal(lookback, '1h');
  assert.equal(search('service=a&lookback=custom&start=1&end=2').query.startNs, 1000n);
});

test('search: traceID parameters replace the service requirement', () => {
  const { traceIds } = search('traceID=abc&traceID=5B8EFFF798038103D269B633813FC60C');
  assert.deepEqual(traceIds, ['00000000000000000000000000000abc', '5b8efff798038103d269b633813fc60c']);
});

test('search: the UI may search without a service and with its own defaults', () => {
  const { query } = search('', { requireService: false, defaultLimit: 20, defaultLookbackNs: 3_600_000_000_000n });
  assert.equal(query.limit, 20);
  assert.equal(query.startNs, NOW_NS - 3_600_000_000_000n);
});

test('search: invalid parameters are 400s naming the parameter', () => {
  badRequest(() => search(''), /parameter 'service' is required/);
  badRequest(() => search('service=a&minDuration=fast'), /unable to parse param 'minDuration': time: invalid duration "fast"/);
  badRequest(() => search('service=a&maxDuration=10'), /unable to parse param 'maxDuration': time: missing unit/);
  badRequest(() => search('service=a&minDuration=2s&maxDuration=1s'), /'maxDuration' should be greater than 'minDuration'/);
  badRequest(() => search('service=a&start=yesterday'), /unable to parse param 'start'/);
  badRequest(() => search('service=a&end=1.5'), /unable to parse param 'end'/);
  badRequest(() => search('service=a&start=2000&end=1000'), /'start' is after 'end'/);
  badRequest(() => search('service=a&limit=ten'), /unable to parse param 'limit'/);
  badRequest(() => search('service=a&limit=0'), /unable to parse param 'limit': must be between 1 and 1500/);
  badRequest(() => search('service=a&lookback=fortnight'), /unable to parse param 'lookback'/);
  badRequest(() => search('service=a&tags=not-json'), /malformed 'tags' parameter, cannot unmarshal JSON/);
  badRequest(() => search('service=a&tags=%5B1%5D'), /malformed 'tags' parameter/);
  badRequest(() => search('service=a&tags=%7B%22a%22%3A%7B%7D%7D'), /value of 'a' must be a string/);
  badRequest(() => search('service=a&tag=novalue'), /malformed 'tag' parameter, expecting key:value/);
  badRequest(() => search('traceID=xyz'), /cannot parse traceID param/);
});

test('search: non-string JSON tag values are taken as their text', () => {
  assert.deepEqual(search('service=a&tags=%7B%22code%22%3A500%2C%22error%22%3Atrue%7D').query.tags, { code: '500', error: 'true' });
});

test('operations request', () => {
  assert.deepEqual(parseOperationsRequest(new URLSearchParams('service=cart')), { service: 'cart' });
  assert.deepEqual(parseOperationsRequest(new URLSearchParams('service=cart&spanKind=server')), {
    service: 'cart',
    spanKind: SpanKind.SERVER,
  });
  assert.deepEqual(parseOperationsRequest(new URLSearchParams('service=cart&spanKind=')), { service: 'cart' });
  badRequest(() => parseOperationsRequest(new URLSearchParams('')), /parameter 'service' is required/);
  badRequest(() => parseOperationsRequest(new URLSearchParams('service=a&spanKind=sideways')), /unable to parse param 'spanKind'/);
});

test('trace lookup: id and optional window', () => {
  assert.deepEqual(parseTraceLookup('ABC', new URLSearchParams()), { traceId: '00000000000000000000000000000abc' });
  assert.deepEqual(parseTraceLookup('abc', new URLSearchParams('start=1&end=2')), {
    traceId: '00000000000000000000000000000abc',
    startNs: 1000n,
    endNs: 2000n,
  });
  badRequest(() => parseTraceLookup('not-hex', new URLSearchParams()), /invalid trace id 'not-hex'/);
  badRequest(() => parseTraceLookup('abc', new URLSearchParams('start=x')), /unable to parse param 'start'/);
});
