import assert from 'node:assert/strict';
import { test } from 'node:test';
import { logApiQuery, logFiltersToUrl, readLogFilters, timeRangeOf } from './log-search-params';

test('URL → filters → URL round-trips; defaults stay out of the URL; junk is ignored', () => {
  const url = '?service=cart&severity=warn%2Cerror&q=timeout&attr=http.route%3A%2Fpay&lookback=6h';
  const filters = readLogFilters(new URLSearchParams(url));
  assert.deepEqual(filters.severities, ['warn', 'error']);
  assert.equal(filters.lookback, '6h');
  assert.equal(logFiltersToUrl(filters), url);
  const junk = readLogFilters(new URLSearchParams('severity=loud,info&lookback=3y&attr=nocolon&start=5&end=2'));
  assert.deepEqual(junk.severities, ['info']);
  assert.equal(junk.lookback, '1h');
  assert.deepEqual(junk.attrs, []);
  assert.equal(junk.startMs, undefined);
  assert.equal(logFiltersToUrl(junk), '?severity=info');
});

test('a fixed range (zoom) wins over the lookback; the API query carries the range for a clock', () => {
  const zoomed = readLogFilters(new URLSearchParams('start=1000&end=5000&lookback=24h&traceId=ab'));
  assert.deepEqual(timeRangeOf(zoomed, 99_999), { startMs: 1000, endMs: 5000 });
  assert.equal(logFiltersToUrl(zoomed), '?traceId=ab&start=1000&end=5000');
  const live = readLogFilters(new URLSearchParams('q=%20boom%20'));
  assert.equal(logApiQuery(live, 10_000_000).toString(), 'q=boom&start=6400000&end=10000000');
});
