import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeltaToCumulative } from './delta-to-cumulative';
import { emptyPointBase, type OtlpMetric, type OtlpMetricsRequest } from './otlp-metrics';
import { MAX_CLASSIC_BUCKETS, exponentialToClassic, formatFloat, otlpToPrometheus, prometheusLabelName, prometheusMetricName } from './otlp-to-prometheus';
import { isStaleNaN } from './types';

test('metric names: the standard translation table', () => {
  const cases: [string, string, 'gauge' | 'counter' | 'other', string][] = [
    ['http.server.request.duration', 's', 'other', 'http_server_request_duration_seconds'],
    ['http.server.request.duration', 's', 'counter', 'http_server_request_duration_seconds_total'],
    ['process.runtime.jvm.memory.usage', 'By', 'gauge', 'process_runtime_jvm_memory_usage_bytes'],
    ['system.network.io', 'By/s', 'counter', 'system_network_io_bytes_per_second_total'],
    ['packets', '{packet}/s', 'counter', 'packets_per_second_total'],
    ['queue.size', '{message}', 'gauge', 'queue_size'],
    ['cpu.utilization', '1', 'gauge', 'cpu_utilization_ratio'],
    ['cpu.utilization.ratio', '1', 'gauge', 'cpu_utilization_ratio'],
    ['requests.total', '1', 'counter', 'requests_total'],
    ['latency_seconds', 's', 'other', 'latency_seconds'],
    ['temp', 'Cel', 'gauge', 'temp_celsius'],
    ['disk', 'GiBy', 'gauge', 'disk_gibibytes'],
    ['odd-unit', 'widgets', 'gauge', 'odd_unit_widgets'],
    ['2xx.responses', '', 'counter', '_2xx_responses_total'],
    ['a..b__c', '', 'gauge', 'a_b_c'],
    ['ns:sub.metric', 'ms', 'gauge', 'ns:sub_metric_milliseconds'],
    ['requests.second', '1/s', 'gauge', 'requests_second_per_second'],
    ['data.rate', 'MiBy/{batch}', 'gauge', 'data_rate_mebibytes'],
    ['speed', 'km/h', 'gauge', 'speed_km_per_hour'],
    ['weird', 'a.b', 'gauge', 'weird_a_b'],
    ['über.zähler', '', 'gauge', 'ber_z_hler'],
    ['...', '', 'gauge', ''],
  ];
  for (const [name, unit, kind, expected] of cases) assert.equal(prometheusMetricName(name, unit, kind), expected, `${name} [${unit}] ${kind}`);
});

test('label names: sanitised and collapsed, key_ before digits, key before a single underscore', () => {
  assert.deepEqual(
    ['http.method', 'k8s.pod-name', '_private', '__leading', '__reserved__', '9lives', 'ok_name', 'a__b..c', 'naïve'].map(prometheusLabelName),
    ['http_method', 'k8s_pod_name', 'key_private', 'key_leading', '__reserved__', 'key_9lives', 'ok_name', 'a_b_c', 'na_ve'],
  );
});

test('formatFloat writes le/quantile values as Go FormatFloat(f, "f", -1)', () => {
  assert.deepEqual([0.005, 1e-7, 2.5e-10, -3.5e-8, 1e21, 5e25, 100, 0, -0.25, Infinity, -Infinity].map(formatFloat), [
    '0.005',
    '0.0000001',
    '0.00000000025',
    '-0.000000035',
    '1000000000000000000000',
    '50000000000000000000000000',
    '100',
    '0',
    '-0.25',
    '+Inf',
    '-Inf',
  ]);
});

function requestOf(metrics: OtlpMetric[], resource: Record<string, string> = { 'service.name': 'svc' }, scope = { name: '', version: '' }): OtlpMetricsRequest {
  return {
    resourceMetrics: [
      {
        resource: { attributes: { ...resource }, droppedAttributesCount: 0 },
        scopeMetrics: [{ scope: { ...scope, attributes: {} }, metrics }],
      },
    ],
  };
}

const at = (ms: number) => ({ ...emptyPointBase(), timeNs: BigInt(ms) * 1_000_000n });

test('labels: colliding attributes join with ";", job/instance/scope override attributes, empty values dropped', () => {
  const batch = otlpToPrometheus(
    requestOf(
      [
        {
          name: 'g',
          description: '',
          unit: '',
          data: {
            kind: 'gauge',
            points: [{ ...at(1000), value: 1, attributes: { 'a.b': 'dot', a_b: 'underscore', 'a-b': 'dash', job: 'attr-job', empty: '', n: 5, flag: true, list: [1, 'x'], map: { k: 'v' } } }],
          },
        },
      ],
      { 'service.name': 'api', 'service.namespace': 'prod', 'service.instance.id': 'pod-7' },
      { name: 'lib', version: '' },
    ),
  );
  assert.deepStrictEqual(batch.series[0]!.labels, {
    __name__: 'g',
    a_b: 'dash;dot;underscore',
    job: 'prod/api',
    instance: 'pod-7',
    otel_scope_name: 'lib',
    n: '5',
    flag: 'true',
    list: '[1,"x"]',
    map: '{"k":"v"}',
  });
  assert.equal(batch.series.length, 1, 'no target_info: the resource has only identifying attributes');
});

test('summaries, staleness flags, points without time, and unnamed metrics', () => {
  const batch = otlpToPrometheus(
    requestOf([
      {
        name: 'rpc',
        description: 'd',
        unit: 'ms',
        data: { kind: 'summary', points: [{ ...at(5), count: 2, sum: 3, quantiles: [{ quantile: 0.5, value: 1 }], flags: 1 }] },
      },
      { name: 'g', description: '', unit: '', data: { kind: 'gauge', points: [{ ...emptyPointBase(), value: 1 }] } },
      { name: '!!!', description: '', unit: '', data: { kind: 'gauge', points: [{ ...at(5), value: 1 }] } },
      { name: 'nothing', description: '', unit: '', data: { kind: 'none' } },
    ]),
  );
  assert.deepEqual(
    batch.series.map((s) => s.labels.__name__),
    ['rpc_milliseconds', 'rpc_milliseconds_sum', 'rpc_milliseconds_count'],
  );
  assert.ok(batch.series.every((s) => isStaleNaN(s.samples[0]!.v)));
  assert.equal(batch.rejectedSamples, 2);
  assert.match(batch.rejectionMessage, /has no time_unix_nano/);
});

test('several points of one series in one request are sorted by time, the last value of a repeated time wins', () => {
  const batch = otlpToPrometheus(
    requestOf([
      {
        name: 'g',
        description: '',
        unit: '',
        data: { kind: 'gauge', points: [{ ...at(3000), value: 3 }, { ...at(1000), value: 1 }, { ...at(3000), value: 4 }] },
      },
    ]),
  );
  assert.deepEqual(batch.series[0]!.samples, [
    { t: 1000, v: 1 },
    { t: 3000, v: 4 },
  ]);
  assert.equal(batch.sampleCount, 2);
});

test('delta sums and histograms accumulate per series; out-of-order deltas are refused', () => {
  let now = 0;
  const deltas = new DeltaToCumulative({ now: () => now });
  const sum = (ms: number, value: number, attrs = {}): OtlpMetricsRequest =>
    requestOf([{ name: 'c', description: '', unit: '', data: { kind: 'sum', temporality: 1, monotonic: true, points: [{ ...at(ms), value, attributes: attrs }] } }]);
  const value = (r: OtlpMetricsRequest) => otlpToPrometheus(r, { deltas }).series.map((s) => s.samples[0]!.v);
  assert.deepEqual(value(sum(1000, 2)), [2]);
  now = 1;
  assert.deepEqual(value(sum(2000, 3)), [5]);
  assert.deepEqual(value(sum(2000, 3, { other: 'series' })), [3]);
  const late = otlpToPrometheus(sum(1500, 10), { deltas });
  assert.deepEqual(late.series, []);
  assert.equal(late.rejectedSamples, 1);
  assert.match(late.rejectionMessage, /out of order/);

  const hist = (ms: number, counts: number[], bounds = [1]): OtlpMetricsRequest =>
    requestOf([
      {
        name: 'h',
        description: '',
        unit: '',
        data: { kind: 'histogram', temporality: 1, points: [{ ...at(ms), count: counts.reduce((a, b) => a + b, 0), sum: 1, bucketCounts: counts, explicitBounds: bounds }] },
      },
    ]);
  const buckets = (r: OtlpMetricsRequest) =>
    otlpToPrometheus(r, { deltas })
      .series.filter((s) => s.labels.__name__ !== 'target_info')
      .map((s) => `${s.labels.__name__}${s.labels.le ? `{le=${s.labels.le}}` : ''}=${s.samples[0]!.v}`);
  assert.deepEqual(buckets(hist(1000, [1, 0])), ['h_bucket{le=1}=1', 'h_bucket{le=+Inf}=1', 'h_sum=1', 'h_count=1']);
  assert.deepEqual(buckets(hist(2000, [2, 1])), ['h_bucket{le=1}=3', 'h_bucket{le=+Inf}=4', 'h_sum=2', 'h_count=4']);
  // New bounds start the series over.
  assert.deepEqual(buckets(hist(3000, [1, 1, 1], [1, 2])), ['h_bucket{le=1}=1', 'h_bucket{le=2}=2', 'h_bucket{le=+Inf}=3', 'h_sum=1', 'h_count=3']);
});

test('histogram bounds must ascend', () => {
  const batch = otlpToPrometheus(
    requestOf([{ name: 'h', description: '', unit: '', data: { kind: 'histogram', temporality: 2, points: [{ ...at(1), count: 1, sum: 1, bucketCounts: [0, 1, 0], explicitBounds: [2, 1] }] } }]),
  );
  assert.equal(batch.rejectedSamples, 1);
  assert.match(batch.rejectionMessage, /strictly ascending/);
});

test('exponential → classic: exact bounds, negative and zero buckets, downscaling past MAX_CLASSIC_BUCKETS', () => {
  const base = { ...at(1), count: 0, sum: 0, zeroThreshold: 0, zeroCount: 0 };
  const classic = exponentialToClassic({ ...base, scale: 1, count: 6, zeroCount: 1, positive: { offset: 0, bucketCounts: [1, 2] }, negative: { offset: 2, bucketCounts: [2] } });
  assert.ok(typeof classic !== 'string');
  // scale 1: base √2. Negative index 2 → [-2√2, -2); zero; positive (1, √2], (√2, 2].
  assert.deepEqual(classic.bounds, [-2, 0, Math.SQRT2, 2]);
  assert.deepEqual(classic.bucketCounts, [2, 1, 1, 2, 0]);

  const wide = exponentialToClassic({ ...base, scale: 3, count: 400, positive: { offset: -7, bucketCounts: new Array<number>(400).fill(1) }, negative: { offset: 0, bucketCounts: [] } });
  assert.ok(typeof wide !== 'string');
  assert.ok(wide.bounds.length <= MAX_CLASSIC_BUCKETS + 1);
  assert.equal(wide.bucketCounts.reduce((a, b) => a + b, 0), 400, 'merging keeps every count');
  for (let i = 1; i < wide.bounds.length; i++) assert.ok(wide.bounds[i]! > wide.bounds[i - 1]!);

  assert.equal(exponentialToClassic({ ...base, scale: 21, positive: { offset: 0, bucketCounts: [] }, negative: { offset: 0, bucketCounts: [] } }), 'exponential histogram scale 21 is outside [-10, 20]');
});
