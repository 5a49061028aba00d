import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, AggregationType, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { OtlpMetricsRequest } from '../../../lib/domain/metrics/otlp-metrics';
import { fuzzRuns, mutateBytes, random } from '../../../tests/support/fuzz';
import { I64, LEN, bytesField, doubleField, fixed64Field, keyValue, message, messageField, stringField, tag, varint, varintField, type Bytes } from '../../../tests/fixtures/otlp/proto-builder';
import { PermanentError } from '../../pipeline/errors';
import { decodeMetricsProto, decodeMetricsRequestProto } from './decode-metrics-proto';
import { INTERNAL_ERROR_PREFIX } from './malformed';

/** A request with one resource (service.name svc), one scope and one metric made of `metricFields`. */
function request(...metricFields: Bytes[]): Uint8Array {
  return message(messageField(1, messageField(1, keyValue(1, 'service.name', stringField(1, 'svc'))), messageField(2, messageField(1, stringField(1, 'scope')), messageField(2, ...metricFields))));
}

function decodeOrMalformed(bytes: Uint8Array): OtlpMetricsRequest | PermanentError {
  try {
    const model = decodeMetricsRequestProto(bytes);
    decodeMetricsProto(bytes); // the translation must not throw either
    return model;
  } catch (error) {
    assert.ok(error instanceof PermanentError, `non-PermanentError thrown: ${String(error)}`);
    assert.equal(error.reason, 'malformed');
    assert.ok(!error.message.includes(INTERNAL_ERROR_PREFIX), error.message);
    return error;
  }
}

const packedFixed64 = (field: number, values: number[]): number[] => {
  const bytes = new Uint8Array(values.length * 8);
  values.forEach((v, i) => new DataView(bytes.buffer).setBigUint64(i * 8, BigInt(v), true));
  return bytesField(field, bytes);
};
const packedDoubles = (field: number, values: number[]): number[] => {
  const bytes = new Uint8Array(values.length * 8);
  values.forEach((v, i) => new DataView(bytes.buffer).setFloat64(i * 8, v, true));
  return bytesField(field, bytes);
};
const zigzag = (n: number): number => (n << 1) ^ (n >> 31);

test('histograms decode from packed and from unpacked repeated fields alike', () => {
  const point = (counts: Bytes[], bounds: Bytes[]): Bytes =>
    messageField(9, messageField(1, fixed64Field(3, 5_000_000_000n), fixed64Field(4, 3n), doubleField(5, 6), ...counts, ...bounds), varintField(2, 2));
  const packed = request(stringField(1, 'h'), point([packedFixed64(6, [1, 2, 0])], [packedDoubles(7, [1, 2])]));
  const unpacked = request(stringField(1, 'h'), point([fixed64Field(6, 1n), fixed64Field(6, 2n), fixed64Field(6, 0n)], [doubleField(7, 1), doubleField(7, 2)]));
  const a = decodeMetricsProto(packed);
  assert.deepStrictEqual(decodeMetricsProto(unpacked), a);
  assert.deepEqual(
    a.series.map((s) => [s.labels.__name__, s.labels.le, s.samples[0]!.v, s.samples[0]!.t]),
    [
      ['h_bucket', '1', 1, 5000],
      ['h_bucket', '2', 3, 5000],
      ['h_bucket', '+Inf', 3, 5000],
      ['h_sum', undefined, 6, 5000],
      ['h_count', undefined, 3, 5000],
    ],
  );
});

test('exponential histograms: sint32 scale and offsets, negative buckets, packed varint counts', () => {
  const buckets = (offset: number, counts: number[]): Bytes => [...varintField(1, zigzag(offset)), ...bytesField(2, counts.flatMap((c) => varint(c)))];
  const bytes = request(
    stringField(1, 'e'),
    messageField(
      10,
      messageField(
        1,
        fixed64Field(3, 1_000_000n),
        fixed64Field(4, 6n),
        doubleField(5, 1),
        varintField(6, zigzag(-1)), // scale -1: base 4
        fixed64Field(7, 1n),
        messageField(8, buckets(-1, [1, 2])), // (1/4, 1] and (1, 4]
        messageField(9, buckets(0, [2])), // [-4, -1)
      ),
      varintField(2, 2),
    ),
  );
  const model = decodeMetricsRequestProto(bytes);
  const data = model.resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]!.data;
  assert.equal(data.kind, 'exponentialHistogram');
  assert.deepEqual(data.kind === 'exponentialHistogram' && [data.points[0]!.scale, data.points[0]!.positive, data.points[0]!.negative], [
    -1,
    { offset: -1, bucketCounts: [1, 2] },
    { offset: 0, bucketCounts: [2] },
  ]);
  const series = decodeMetricsProto(bytes).series.filter((s) => s.labels.__name__ === 'e_bucket');
  assert.deepEqual(
    series.map((s) => [s.labels.le, s.samples[0]!.v]),
    [
      ['-1', 2],
      ['0', 3],
      ['1', 4],
      ['4', 6],
      ['+Inf', 6],
    ],
  );
});

test('gauges with as_int (sfixed64), negative values, and unknown fields skipped', () => {
  const sfixed = (v: bigint): Bytes => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigInt64(0, v, true);
    return [...tag(6, I64), ...b];
  };
  const bytes = request(stringField(1, 'g'), stringField(99, 'unknown'), messageField(5, messageField(1, fixed64Field(3, 1_000_000n), sfixed(-42n), varintField(77, 1))));
  assert.deepEqual(decodeMetricsProto(bytes).series[0], { labels: { __name__: 'g', job: 'svc', otel_scope_name: 'scope' }, samples: [{ t: 1, v: -42 }] });
});

test('refusals name the path and offset', () => {
  const bad = request(stringField(1, 'h'), messageField(9, messageField(1, [...tag(6, LEN), ...varint(9), 1, 2, 3])));
  const result = decodeOrMalformed(bad);
  assert.ok(result instanceof PermanentError);
  assert.match(result.message, /^resourceMetrics\[0\]\.scopeMetrics\[0\]\.metrics\[0\]\.histogram\.dataPoints\[0\]\.bucketCounts: protobuf: /);
});

test('truncation at every offset and seeded mutation fuzzing of an SDK export', async () => {
  const memory = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'fuzz', 'host.name': 'h' }),
    views: [{ instrumentName: 'exp', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }],
    readers: [new PeriodicExportingMetricReader({ exporter: memory, exportIntervalMillis: 3_600_000 })],
  });
  const meter = provider.getMeter('m', '1');
  meter.createCounter('c', { unit: 's' }).add(2, { a: 'b' });
  meter.createUpDownCounter('u').add(-1);
  meter.createHistogram('h').record(3, { k: 1 });
  meter.createHistogram('exp').record(5);
  meter.createGauge('g').record(1.5);
  await provider.forceFlush();
  const golden = ProtobufMetricsSerializer.serializeRequest(memory.getMetrics()[0]!)!;
  await provider.shutdown();
  assert.ok(!(decodeOrMalformed(golden) instanceof PermanentError));
  for (let end = 0; end < golden.length; end++) decodeOrMalformed(golden.subarray(0, end));

  const next = random(20261129);
  const runs = fuzzRuns(3000);
  let decoded = 0;
  for (let i = 0; i < runs; i++) {
    const input = i % 10 === 9 ? Uint8Array.from({ length: Math.floor(next() * 200) }, () => Math.floor(next() * 256)) : mutateBytes(golden, next);
    if (!(decodeOrMalformed(input) instanceof PermanentError)) decoded++;
  }
  console.log(`OTLP protobuf metrics fuzz: ${golden.length} truncations, ${runs} mutations (${decoded} decoded, the rest refused with 400)`);
});
