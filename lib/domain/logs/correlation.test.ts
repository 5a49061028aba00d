import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  correlationLinksOfLogs,
  correlationLinksOfSpans,
  extractCorrelation,
  normalizeSpanId,
  normalizeTraceId,
} from './correlation';
import { emptyLogRecord } from './model';
import { severityName, severityOfLevel, severityRange } from './severity';
import { parseTimestampNs } from './json-log-record';
import { cleanText } from './text';

test('trace ids: 32 hex, 16 hex padded, Datadog decimal converted, junk and zeros refused', () => {
  assert.equal(normalizeTraceId('4BF92F3577B34DA6A3CE929D0E0E4736'), '4bf92f3577b34da6a3ce929d0e0e4736');
  assert.equal(normalizeTraceId('a3ce929d0e0e4736'), '0000000000000000a3ce929d0e0e4736');
  // 2^64-1 in decimal, as dd.trace_id is written
  assert.equal(normalizeTraceId('18446744073709551615', true), '0000000000000000ffffffffffffffff');
  assert.equal(normalizeTraceId(1234, true), '000000000000000000000000000004d2');
  assert.equal(normalizeTraceId('1234'), '', 'decimal only for dd keys');
  assert.equal(normalizeTraceId('0'.repeat(32)), '');
  assert.equal(normalizeTraceId('xyz'), '');
  assert.equal(normalizeTraceId(true), '');
  assert.equal(normalizeSpanId('00F067AA0BA902B7'), '00f067aa0ba902b7');
  assert.equal(normalizeSpanId('00f067aa0ba902b7ff'), '');
});

test('extraction: keys in order, dotted paths into nested objects, OTLP ids win, configurable correlation keys', () => {
  const record = emptyLogRecord();
  extractCorrelation(record, {
    trace: { id: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' },
    spanId: 'bbbbbbbbbbbbbbbb',
    'x-correlation-id': 'corr-1',
    request_id: 'req-2',
  });
  assert.equal(record.traceId, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
  assert.equal(record.spanId, 'bbbbbbbbbbbbbbbb');
  assert.equal(record.correlationId, 'corr-1', 'x-correlation-id comes before request_id');

  const otlp = emptyLogRecord();
  otlp.traceId = 'cccccccccccccccccccccccccccccccc';
  extractCorrelation(otlp, { trace_id: 'dddddddddddddddddddddddddddddddd', 'dd.span_id': '42', myId: 'm-1' }, { correlationKeys: ['myId'] });
  assert.equal(otlp.traceId, 'cccccccccccccccccccccccccccccccc');
  assert.equal(otlp.spanId, '000000000000002a');
  assert.equal(otlp.correlationId, 'm-1');

  const none = emptyLogRecord();
  extractCorrelation(none, { correlation_id: '', requestId: 'x'.repeat(300), correlationId: 77 });
  assert.equal(none.correlationId, '77', 'empty and over-long values are skipped');
});

test('span side: links from header attributes (array-valued too), one per (id, trace), earliest time', () => {
  const links = correlationLinksOfSpans([
    {
      serviceName: 'gateway',
      scopeSpans: [
        {
          spans: [
            { traceId: 't1', startNs: 20n, attributes: { 'http.request.header.x-correlation-id': ['c-1'] } },
            { traceId: 't1', startNs: 10n, attributes: { 'correlation.id': 'c-1' } },
            { traceId: 't2', startNs: 30n, attributes: { 'app.correlation_id': 'c-2' } },
            { traceId: 't3', startNs: 40n, attributes: { other: 'c-3' } },
          ],
        },
      ],
    },
  ]);
  assert.deepStrictEqual(links, [
    { correlationId: 'c-1', traceId: 't1', serviceName: 'gateway', firstSeenNs: 10n },
    { correlationId: 'c-2', traceId: 't2', serviceName: 'gateway', firstSeenNs: 30n },
  ]);
  const record = { ...emptyLogRecord(), traceId: 't9', correlationId: 'c-9', timeUnixNano: 5n };
  assert.deepStrictEqual(correlationLinksOfLogs([{ serviceName: 'api', scopeLogs: [{ records: [record, emptyLogRecord()] }] }]), [
    { correlationId: 'c-9', traceId: 't9', serviceName: 'api', firstSeenNs: 5n },
  ]);
});

test('severity: pino/bunyan numbers, names of many loggers, OTLP ranges', () => {
  const cases: Array<[unknown, number | undefined]> = [
    [10, 1], [20, 5], [30, 9], [40, 13], [50, 17], [60, 21], [35, 11],
    ['info', 9], ['WARNING', 13], ['Error', 17], ['crit', 21], ['silly', 1], ['verbose', 2], ['http', 9],
    ['40', 13], ['nonsense', undefined], [-1, undefined], [null, undefined],
  ];
  for (const [level, expected] of cases) assert.equal(severityOfLevel(level)?.number, expected, `level ${String(level)}`);
  assert.equal(severityName(17), 'error');
  assert.equal(severityName(0), 'unspecified');
  assert.deepEqual(severityRange('warn'), { min: 13, max: 16 });
});

test('timestamps: ms, s, µs, ns numbers and strings; RFC 3339 with nanoseconds and offsets', () => {
  assert.equal(parseTimestampNs(1_700_000_000_123), 1_700_000_000_123_000_000n);
  assert.equal(parseTimestampNs(1_700_000_000.5), 1_700_000_000_500_000_000n);
  assert.equal(parseTimestampNs('1700000000123456789'), 1_700_000_000_123_456_789n);
  assert.equal(parseTimestampNs(1_700_000_000_123_456), 1_700_000_000_123_456_000n);
  assert.equal(parseTimestampNs('2023-11-14T22:13:20.123456789Z'), 1_700_000_000_123_456_789n);
  assert.equal(parseTimestampNs('2023-11-14T23:13:20.5+01:00'), 1_700_000_000_500_000_000n);
  assert.equal(parseTimestampNs('2023-11-14 22:13:20'), 1_700_000_000_000_000_000n);
  assert.equal(parseTimestampNs('yesterday'), undefined);
  assert.equal(parseTimestampNs(true), undefined);
});

test('cleanText replaces NUL and lone surrogates only', () => {
  assert.equal(cleanText('ok 🎉'), 'ok 🎉');
  assert.equal(cleanText('a\u0000b\udc00'), 'a\uFFFDb\uFFFD');
});
