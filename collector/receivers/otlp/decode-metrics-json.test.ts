import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { DeltaToCumulative } from '../../../lib/domain/metrics/delta-to-cumulative';
import type { MetricBatch } from '../../../lib/domain/metrics/types';
import { fuzzRuns, mutateText, random } from '../../../tests/support/fuzz';
import { PermanentError } from '../../pipeline/errors';
import { decodeMetricsJson, decodeMetricsRequestJson } from './decode-metrics-json';
import { INTERNAL_ERROR_PREFIX } from './malformed';

const EXAMPLE = readFileSync(new URL('../../../tests/fixtures/otlp/examples/metrics.json', import.meta.url), 'utf8');
const T = 1544712660300;

function decodeOrMalformed(text: string): MetricBatch | PermanentError {
  try {
    return decodeMetricsJson(text, { deltas: new DeltaToCumulative({ now: () => 0 }) });
  } catch (error) {
    assert.ok(error instanceof PermanentError, `non-PermanentError thrown: ${String(error)}`);
    assert.equal(error.reason, 'malformed');
    assert.ok(!error.message.includes(INTERNAL_ERROR_PREFIX), error.message);
    return error;
  }
}

test('the opentelemetry-proto OTLP/JSON metrics example decodes (all delta: accumulated from zero)', () => {
  const batch = decodeMetricsJson(EXAMPLE, { deltas: new DeltaToCumulative({ now: () => 0 }) });
  const base = { job: 'my.service', otel_scope_name: 'my.library', otel_scope_version: '1.0.0' };
  const s = (name: string, labels: Record<string, string>, v: number) => ({ labels: { ...base, ...labels, __name__: name }, samples: [{ t: T, v }] });
  const counter = { my_counter_attr: 'some value' };
  const histogram = { my_histogram_attr: 'some value' };
  const exponential = { my_exponential_histogram_attr: 'some value' };
  assert.deepStrictEqual(batch.series, [
    s('my_counter_total', counter, 5),
    s('my_gauge_ratio', { my_gauge_attr: 'some value' }, 10),
    s('my_histogram_bucket', { ...histogram, le: '1' }, 1),
    s('my_histogram_bucket', { ...histogram, le: '+Inf' }, 2),
    s('my_histogram_sum', histogram, 2),
    s('my_histogram_count', histogram, 2),
    // scale 0, zero bucket 1, positive offset 1: buckets (2,4] = 0 and (4,8] = 2.
    s('my_exponential_histogram_bucket', { ...exponential, le: '0' }, 1),
    s('my_exponential_histogram_bucket', { ...exponential, le: '4' }, 1),
    s('my_exponential_histogram_bucket', { ...exponential, le: '8' }, 3),
    s('my_exponential_histogram_bucket', { ...exponential, le: '+Inf' }, 3),
    s('my_exponential_histogram_sum', exponential, 10),
    s('my_exponential_histogram_count', exponential, 3),
  ]);
  assert.equal(batch.sampleCount, 12);
  assert.equal(batch.rejectedSamples, 0);
  assert.deepEqual(
    batch.metadata.map((m) => [m.metric, m.type, m.help]),
    [
      ['my_counter_total', 'counter', 'I am a Counter'],
      ['my_gauge_ratio', 'gauge', 'I am a Gauge'],
      ['my_histogram', 'histogram', 'I am a Histogram'],
      ['my_exponential_histogram', 'histogram', 'I am an Exponential Histogram'],
    ],
  );
});

test('snake_case fields, enum names, string numbers, summaries and the no-recorded-value flag', () => {
  const request = {
    resource_metrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { string_value: 'svc' } }, { key: 'service.instance.id', value: { string_value: 'i-1' } }, { key: 'k8s.pod.name', value: { string_value: 'p' } }] },
        scope_metrics: [
          {
            metrics: [
              {
                name: 'rpc.duration',
                unit: 'ms',
                summary: {
                  data_points: [
                    {
                      time_unix_nano: '2000000000',
                      count: '4',
                      sum: '10.5',
                      quantile_values: [{ quantile: 0.5, value: 2 }, { quantile: 0.99, value: 'Infinity' }],
                      attributes: [{ key: 'rpc.method', value: { string_value: 'Get' } }],
                    },
                  ],
                },
              },
              {
                name: 'temp',
                sum: {
                  aggregation_temporality: 'AGGREGATION_TEMPORALITY_CUMULATIVE',
                  is_monotonic: false,
                  data_points: [{ time_unix_nano: 3_000_000_000, as_int: '-7', flags: 1 }],
                },
              },
            ],
          },
        ],
      },
    ],
  };
  const batch = decodeMetricsJson(JSON.stringify(request));
  const summaryLabels = { job: 'svc', instance: 'i-1', rpc_method: 'Get' };
  assert.deepStrictEqual(batch.series.slice(0, 4), [
    { labels: { ...summaryLabels, __name__: 'rpc_duration_milliseconds', quantile: '0.5' }, samples: [{ t: 2000, v: 2 }] },
    { labels: { ...summaryLabels, __name__: 'rpc_duration_milliseconds', quantile: '0.99' }, samples: [{ t: 2000, v: Infinity }] },
    { labels: { ...summaryLabels, __name__: 'rpc_duration_milliseconds_sum' }, samples: [{ t: 2000, v: 10.5 }] },
    { labels: { ...summaryLabels, __name__: 'rpc_duration_milliseconds_count' }, samples: [{ t: 2000, v: 4 }] },
  ]);
  const temp = batch.series[4]!;
  assert.deepEqual(temp.labels, { __name__: 'temp', job: 'svc', instance: 'i-1' });
  assert.ok(Number.isNaN(temp.samples[0]!.v), 'NO_RECORDED_VALUE → a staleness marker');
  assert.deepStrictEqual(batch.series[5], { labels: { __name__: 'target_info', job: 'svc', instance: 'i-1', k8s_pod_name: 'p' }, samples: [{ t: 3000, v: 1 }] });
});

test('refusals name the path', () => {
  const cases: [string, RegExp][] = [
    ['{', /^invalid JSON/],
    ['[]', /^expected an ExportMetricsServiceRequest object/],
    ['{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"x","gauge":{},"sum":{}}]}]}]}', /^resourceMetrics\[0\]\.scopeMetrics\[0\]\.metrics\[0\]\.sum: Metric sets both gauge and sum/],
    ['{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"gauge":{"dataPoints":[{"timeUnixNano":"x"}]}}]}]}]}', /^resourceMetrics\[0\]\.scopeMetrics\[0\]\.metrics\[0\]\.gauge\.dataPoints\[0\]\.timeUnixNano: expected an unsigned 64-bit/],
    ['{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"histogram":{"dataPoints":[{"bucketCounts":["1",-2]}]}}]}]}]}', /bucketCounts\[1\]: expected an unsigned 64-bit/],
    ['{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"sum":{"aggregationTemporality":"SIDEWAYS"}}]}]}]}', /aggregationTemporality: expected an enum/],
    ['{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"exponentialHistogram":{"dataPoints":[{"scale":1.5}]}}]}]}]}', /scale: expected a signed 32-bit integer/],
  ];
  for (const [text, pattern] of cases) {
    const result = decodeOrMalformed(text);
    assert.ok(result instanceof PermanentError, text);
    assert.match(result.message, pattern, text);
  }
});

test('fuzz: mutated JSON only ever decodes or throws a PermanentError', () => {
  const next = random(4318);
  const runs = fuzzRuns(2000);
  let decoded = 0;
  for (let i = 0; i < runs; i++) {
    const text = mutateText(EXAMPLE, next, '{}[]",:0-9.eE-+ntrufalsNIy"\\');
    if (!(decodeOrMalformed(text) instanceof PermanentError)) decoded++;
  }
  // Also structurally valid JSON with values of random types in random places.
  const values = [null, 0, -1, 1.5, '1', 'x', true, [], {}, [1], { a: 1 }, '18446744073709551616', 'NaN'];
  const example = JSON.parse(EXAMPLE) as unknown;
  for (let i = 0; i < runs; i++) {
    const copy = structuredClone(example);
    let node: unknown = copy;
    for (let depth = 0; depth < 12 && node !== null && typeof node === 'object'; depth++) {
      const keys = Object.keys(node);
      if (keys.length === 0) break;
      const key = keys[Math.floor(next() * keys.length)]!;
      if (next() < 0.25 || typeof (node as Record<string, unknown>)[key] !== 'object') {
        (node as Record<string, unknown>)[key] = values[Math.floor(next() * values.length)];
        break;
      }
      node = (node as Record<string, unknown>)[key];
    }
    if (!(decodeOrMalformed(JSON.stringify(copy)) instanceof PermanentError)) decoded++;
  }
  console.log(`OTLP/JSON metrics fuzz: ${runs * 2} inputs, ${decoded} decoded, the rest refused with 400`);
});

test('decodeMetricsRequestJson keeps the OTLP model for callers that translate later', () => {
  const request = decodeMetricsRequestJson(EXAMPLE);
  assert.equal(request.resourceMetrics[0]!.scopeMetrics[0]!.metrics.length, 4);
  assert.deepEqual(request.resourceMetrics[0]!.scopeMetrics[0]!.metrics.map((m) => m.data.kind), ['sum', 'gauge', 'histogram', 'exponentialHistogram']);
});
