import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLatenciesQuery, parseMetricsQuery } from '../contracts/jaeger-metrics';
import { ApiError } from '../contracts/api-error';
import { addToHistogram, emptyHistogram } from '../domain/service-graph/latency-histogram';
import { metricFamily, pointTimes, type MetricMinute } from './metrics';

const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);
const MIN = 60_000;
const params = (text: string) => new URLSearchParams(text);

test('parameters: Jaeger defaults, repeated services and kinds, Go bools, clamped step', () => {
  const q = parseMetricsQuery(params('service=a&service=b&service=a'), T0);
  assert.deepEqual(q, { services: ['a', 'b'], groupByOperation: false, spanKinds: [2], endMs: T0, lookbackMs: 3_600_000, stepMs: 60_000, ratePerMs: 600_000 });
  const g = parseMetricsQuery(params('service=a&groupByOperation=TRUE&spanKind=SPAN_KIND_CONSUMER&spanKind=SPAN_KIND_SERVER&endTs=5&lookback=120000&step=120000&ratePer=300000'), T0);
  assert.deepEqual([g.groupByOperation, g.spanKinds, g.endMs, g.lookbackMs, g.stepMs, g.ratePerMs], [true, [5, 2], 5, 120000, 120000, 300000]);
  assert.equal(parseLatenciesQuery(params('service=a&quantile=0.95'), T0).quantile, 0.95);
  assert.deepEqual(parseMetricsQuery(params('service=a&spanKind=consumer'), T0).spanKinds, [5], "Jaeger UI's lower-case names");
});

test('bad parameters are 400s naming the parameter as Jaeger does', () => {
  const cases: Array<[string, RegExp]> = [
    ['', /param 'service': please provide at least one service name/],
    ['service=a&groupByOperation=yes', /param 'groupByOperation': strconv.ParseBool/],
    ['service=a&spanKind=sideways', /param 'spanKind': unsupported span kind: 'sideways'/],
    ['service=a&endTs=abc', /param 'endTs': strconv.ParseInt/],
    ['service=a&lookback=0', /param 'lookback'/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parseMetricsQuery(params(text), T0), (e: unknown) => e instanceof ApiError && e.status === 400 && message.test(e.message), text);
  }
  assert.throws(() => parseLatenciesQuery(params('service=a'), T0), /param 'quantile'/);
  assert.throws(() => parseLatenciesQuery(params('service=a&quantile=1.5'), T0), /param 'quantile'/);
});

// Two services over ten minutes before T0: `orders` 60 calls a minute (6 errors) at 10 ms and, in
// the last two minutes, 60 more at 1 s; `idle` had calls only long before the range.
function minute(service: string, offset: number, calls: number, errors: number, latencyUs: number, operation?: string): MetricMinute {
  const histogram = emptyHistogram();
  addToHistogram(histogram, latencyUs, calls);
  const m: MetricMinute = { service, minuteMs: T0 + offset * MIN, calls, errors, histogram };
  if (operation) m.operation = operation;
  return m;
}
const rows: MetricMinute[] = [
  ...Array.from({ length: 10 }, (_, i) => minute('orders', -10 + i, 60, 6, 10_000)),
  minute('orders', -2, 60, 0, 1_000_000),
  minute('orders', -1, 60, 0, 1_000_000),
  minute('idle', -60, 5, 0, 1_000),
];
const query = { ...parseMetricsQuery(params('service=orders&service=idle&lookback=300000&step=60000&ratePer=600000'), T0), quantile: 0.5 };

test('calls: per second over ratePer, one point per step from endTs − lookback; series without calls are left out', () => {
  assert.deepEqual(pointTimes(query), [-5, -4, -3, -2, -1, 0].map((m) => T0 + m * MIN));
  const family = metricFamily('calls', query, rows);
  assert.equal(family.name, 'service_call_rate');
  assert.equal(family.type, 'GAUGE');
  assert.equal(family.help, 'calls/sec, grouped by service');
  assert.equal(family.metrics.length, 1);
  assert.deepEqual(family.metrics[0]!.labels, [{ name: 'service_name', value: 'orders' }]);
  // At T0−5m the window [T0−15m, T0−5m) holds minutes −10…−6: 5 × 60 calls over 600 s.
  assert.deepEqual(
    family.metrics[0]!.metricPoints.map((p) => p.gaugeValue.doubleValue),
    [0.5, 0.6, 0.7, 0.8, 1, 1.2],
  );
  assert.equal(family.metrics[0]!.metricPoints[0]!.timestamp, new Date(T0 - 5 * MIN).toISOString());
});

test('errors: a fraction of the calls in the window', () => {
  const family = metricFamily('errors', query, rows);
  assert.equal(family.name, 'service_error_rate');
  const values = family.metrics[0]!.metricPoints.map((p) => p.gaugeValue.doubleValue);
  assert.equal(values[0], 0.1);
  assert.equal(values[5], 60 / 720);
});

test('latencies: the quantile in milliseconds, moving as slow minutes enter the window', () => {
  const family = metricFamily('latencies', { ...query, quantile: 0.9 }, rows);
  assert.equal(family.name, 'service_latencies');
  assert.equal(family.help, '0.9th quantile latency, grouped by service');
  const values = family.metrics[0]!.metricPoints.map((p) => p.gaugeValue.doubleValue);
  assert.ok(values[0]! > 8 && values[0]! < 12.6, `p90 of 10 ms calls: ${values[0]}`);
  assert.ok(values[5]! > 800 && values[5]! < 1260, `p90 with a sixth of the calls at 1 s: ${values[5]}`);
});

test('grouped by operation: labels operation then service_name, one series per operation', () => {
  const grouped = { ...query, groupByOperation: true };
  const family = metricFamily('calls', grouped, [minute('orders', -1, 60, 0, 1000, 'POST /b'), minute('orders', -1, 120, 0, 1000, 'GET /a')]);
  assert.equal(family.name, 'service_operation_call_rate');
  assert.equal(family.help, 'calls/sec, grouped by service & operation');
  assert.deepEqual(
    family.metrics.map((m) => m.labels),
    [
      [{ name: 'operation', value: 'GET /a' }, { name: 'service_name', value: 'orders' }],
      [{ name: 'operation', value: 'POST /b' }, { name: 'service_name', value: 'orders' }],
    ],
  );
});
