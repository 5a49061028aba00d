// Decodes a binary protobuf opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest
// (OTLP/gRPC MetricsService/Export and OTLP/HTTP `application/x-protobuf` on /v1/metrics).
// Spec: https://opentelemetry.io/docs/specs/otlp/ — schema: opentelemetry-proto metrics/v1/metrics.proto
// (field numbers in the comments below), common/v1 and resource/v1 as for traces.
//
//   decodeMetricsRequestProto(bytes) → OtlpMetricsRequest        the OTLP model, as sent
//   decodeMetricsProto(bytes, options?) → MetricBatch            translated to Prometheus series
//       (lib/domain/metrics/otlp-to-prometheus.ts; pass options.deltas, a DeltaToCumulative shared
//       by all requests, to accept delta temporality)
//
// Unknown fields are skipped; a malformed buffer throws MalformedPayloadError naming the path and
// byte offset, e.g. `resourceMetrics[0].scopeMetrics[0].metrics[2].histogram.dataPoints[0]: …`.
import type { InstrumentationScope, Resource } from '../../../lib/domain/model';
import {
  type ExponentialBuckets,
  type ExponentialHistogramPoint,
  type HistogramPoint,
  type NumberPoint,
  type OtlpMetric,
  type OtlpMetricData,
  type OtlpMetricsRequest,
  type OtlpResourceMetrics,
  type OtlpScopeMetrics,
  type PointBase,
  type SummaryPoint,
} from '../../../lib/domain/metrics/otlp-metrics';
import { otlpToPrometheus, type TranslateOptions } from '../../../lib/domain/metrics/otlp-to-prometheus';
import type { MetricBatch } from '../../../lib/domain/metrics/types';
// The OTLP resource / scope / attribute readers shared with the trace decoder.
import { decodeKeyValueInto, decodeResourceInto, decodeScopeInto } from '../../../lib/otlp/otlp-common';
import { asMalformed, rethrowWithin } from './malformed';
import { readRepeatedDoubleInto, readRepeatedFixed64Into, readRepeatedUint64Into } from './packed-fields';
import { ProtobufReader } from './protobuf-reader';

export function decodeMetricsProto(bytes: Uint8Array, options: TranslateOptions = {}): MetricBatch {
  return otlpToPrometheus(decodeMetricsRequestProto(bytes), options);
}

export function decodeMetricsRequestProto(bytes: Uint8Array): OtlpMetricsRequest {
  const r = new ProtobufReader(bytes);
  const resourceMetrics: OtlpResourceMetrics[] = [];
  try {
    // ExportMetricsServiceRequest { repeated ResourceMetrics resource_metrics = 1; }
    while (r.hasMore()) {
      const tag = r.readTag();
      if (tag >>> 3 === 1) {
        const index = resourceMetrics.length;
        try {
          resourceMetrics.push(decodeResourceMetrics(r, tag));
        } catch (error) {
          rethrowWithin(error, `resourceMetrics[${index}]`);
        }
      } else {
        r.skip(tag);
      }
    }
  } catch (error) {
    throw asMalformed(error);
  }
  return { resourceMetrics };
}

/** Reads repeated message field `tag` with `read`, adding `name[index]` to any error's path. */
function within<T>(segment: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    return rethrowWithin(error, segment);
  }
}

// ResourceMetrics { Resource resource = 1; repeated ScopeMetrics scope_metrics = 2; string schema_url = 3; }
function decodeResourceMetrics(r: ProtobufReader, tag: number): OtlpResourceMetrics {
  const outer = r.enter(tag);
  const resource: Resource = { attributes: {}, droppedAttributesCount: 0 };
  const scopeMetrics: OtlpScopeMetrics[] = [];
  while (r.hasMore()) {
    const t = r.readTag();
    switch (t >>> 3) {
      case 1:
        within('resource', () => decodeResourceInto(r, t, resource));
        break;
      case 2:
        scopeMetrics.push(within(`scopeMetrics[${scopeMetrics.length}]`, () => decodeScopeMetrics(r, t)));
        break;
      default:
        r.skip(t);
    }
  }
  r.leave(outer);
  return { resource, scopeMetrics };
}

// ScopeMetrics { InstrumentationScope scope = 1; repeated Metric metrics = 2; string schema_url = 3; }
function decodeScopeMetrics(r: ProtobufReader, tag: number): OtlpScopeMetrics {
  const outer = r.enter(tag);
  const scope: InstrumentationScope = { name: '', version: '', attributes: {} };
  const metrics: OtlpMetric[] = [];
  while (r.hasMore()) {
    const t = r.readTag();
    switch (t >>> 3) {
      case 1:
        within('scope', () => decodeScopeInto(r, t, scope));
        break;
      case 2:
        metrics.push(within(`metrics[${metrics.length}]`, () => decodeMetric(r, t)));
        break;
      default:
        r.skip(t);
    }
  }
  r.leave(outer);
  return { scope, metrics };
}

// Metric { string name = 1; string description = 2; string unit = 3; oneof data { Gauge gauge = 5;
//   Sum sum = 7; Histogram histogram = 9; ExponentialHistogram exponential_histogram = 10;
//   Summary summary = 11; } repeated KeyValue metadata = 12; } — for a oneof the last one wins.
function decodeMetric(r: ProtobufReader, tag: number): OtlpMetric {
  const outer = r.enter(tag);
  const metric: OtlpMetric = { name: '', description: '', unit: '', data: { kind: 'none' } };
  while (r.hasMore()) {
    const t = r.readTag();
    switch (t >>> 3) {
      case 1:
        metric.name = r.repeatedString(t);
        break;
      case 2:
        metric.description = r.string(t);
        break;
      case 3:
        metric.unit = r.repeatedString(t);
        break;
      case 5:
        metric.data = within('gauge', () => decodeData(r, t, 'gauge'));
        break;
      case 7:
        metric.data = within('sum', () => decodeData(r, t, 'sum'));
        break;
      case 9:
        metric.data = within('histogram', () => decodeData(r, t, 'histogram'));
        break;
      case 10:
        metric.data = within('exponentialHistogram', () => decodeData(r, t, 'exponentialHistogram'));
        break;
      case 11:
        metric.data = within('summary', () => decodeData(r, t, 'summary'));
        break;
      default:
        r.skip(t);
    }
  }
  r.leave(outer);
  return metric;
}

// Gauge { repeated NumberDataPoint data_points = 1; }
// Sum { repeated NumberDataPoint data_points = 1; AggregationTemporality aggregation_temporality = 2; bool is_monotonic = 3; }
// Histogram / ExponentialHistogram { repeated …DataPoint data_points = 1; AggregationTemporality aggregation_temporality = 2; }
// Summary { repeated SummaryDataPoint data_points = 1; }
function decodeData(r: ProtobufReader, tag: number, kind: Exclude<OtlpMetricData['kind'], 'none'>): OtlpMetricData {
  const outer = r.enter(tag);
  const points: unknown[] = [];
  let temporality = 0;
  let monotonic = false;
  while (r.hasMore()) {
    const t = r.readTag();
    switch (t >>> 3) {
      case 1:
        points.push(
          within(`dataPoints[${points.length}]`, () => {
            switch (kind) {
              case 'gauge':
              case 'sum':
                return decodeNumberPoint(r, t);
              case 'histogram':
                return decodeHistogramPoint(r, t);
              case 'exponentialHistogram':
                return decodeExponentialPoint(r, t);
              case 'summary':
                return decodeSummaryPoint(r, t);
            }
          }),
        );
        break;
      case 2:
        if (kind === 'gauge' || kind === 'summary') r.skip(t);
        else temporality = r.int32(t);
        break;
      case 3:
        if (kind === 'sum') monotonic = r.bool(t);
        else r.skip(t);
        break;
      default:
        r.skip(t);
    }
  }
  r.leave(outer);
  switch (kind) {
    case 'gauge':
      return { kind, points: points as NumberPoint[] };
    case 'sum':
      return { kind, points: points as NumberPoint[], temporality, monotonic };
    case 'histogram':
      return { kind, points: points as HistogramPoint[], temporality };
    case 'exponentialHistogram':
      return { kind, points: points as ExponentialHistogramPoint[], temporality };
    case 'summary':
      return { kind, points: points as SummaryPoint[] };
  }
}

/** `repeated KeyValue attributes` of a data point (inline try/catch: no closure per attribute). */
function attributesInto(r: ProtobufReader, tag: number, point: PointBase): void {
  try {
    decodeKeyValueInto(r, tag, point.attributes, 0);
  } catch (error) {
    rethrowWithin(error, 'attributes');
  }
}

function sfixed64(r: ProtobufReader, tag: number): number {
  return Number(BigInt.asIntN(64, r.fixed64(tag)));
}

function sint32(r: ProtobufReader, tag: number): number {
  const n = r.uint32(tag);
  return (n >>> 1) ^ -(n & 1);
}

// NumberDataPoint { fixed64 start_time_unix_nano = 2; fixed64 time_unix_nano = 3; double as_double = 4;
//   repeated Exemplar exemplars = 5; sfixed64 as_int = 6; repeated KeyValue attributes = 7; uint32 flags = 8; }
function decodeNumberPoint(r: ProtobufReader, tag: number): NumberPoint {
  const outer = r.enter(tag);
  const point: NumberPoint = { attributes: {}, startNs: 0n, timeNs: 0n, flags: 0, value: 0 };
  while (r.hasMore()) {
    const t = r.readTag();
    switch (t >>> 3) {
      case 2:
        point.startNs = r.fixed64(t);
        break;
      case 3:
        point.timeNs = r.fixed64(t);
        break;
      case 4:
        point.value = r.double(t);
        break;
      case 6:
        point.value = sfixed64(r, t);
        break;
      case 7:
        attributesInto(r, t, point);
        break;
      case 8:
        point.flags = r.uint32(t);
        break;
      default:
        r.skip(t); // exemplars (5) are not carried: MetricBatch has no place for them yet
    }
  }
  r.leave(outer);
  return point;
}

// HistogramDataPoint { fixed64 start_time_unix_nano = 2; fixed64 time_unix_nano = 3; fixed64 count = 4;
//   optional double sum = 5; repeated fixed64 bucket_counts = 6; repeated double explicit_bounds = 7;
//   repeated Exemplar exemplars = 8; repeated KeyValue attributes = 9; uint32 flags = 10;
//   optional double min = 11; optional double max = 12; }
function decodeHistogramPoint(r: ProtobufReader, tag: number): HistogramPoint {
  const outer = r.enter(tag);
  const point: HistogramPoint = { attributes: {}, startNs: 0n, timeNs: 0n, flags: 0, count: 0, sum: undefined, bucketCounts: [], explicitBounds: [] };
  while (r.hasMore()) {
    const t = r.readTag();
    switch (t >>> 3) {
      case 2:
        point.startNs = r.fixed64(t);
        break;
      case 3:
        point.timeNs = r.fixed64(t);
        break;
      case 4:
        point.count = Number(r.fixed64(t));
        break;
      case 5:
        point.sum = r.double(t);
        break;
      case 6:
        within('bucketCounts', () => readRepeatedFixed64Into(r, t, point.bucketCounts));
        break;
      case 7:
        within('explicitBounds', () => readRepeatedDoubleInto(r, t, point.explicitBounds));
        break;
      case 9:
        attributesInto(r, t, point);
        break;
      case 10:
        point.flags = r.uint32(t);
        break;
      default:
        r.skip(t);
    }
  }
  r.leave(outer);
  return point;
}

// ExponentialHistogramDataPoint { repeated KeyValue attributes = 1; fixed64 start_time_unix_nano = 2;
//   fixed64 time_unix_nano = 3; fixed64 count = 4; optional double sum = 5; sint32 scale = 6;
//   fixed64 zero_count = 7; Buckets positive = 8; Buckets negative = 9; uint32 flags = 10;
//   repeated Exemplar exemplars = 11; optional double min = 12; optional double max = 13;
//   double zero_threshold = 14; }
function decodeExponentialPoint(r: ProtobufReader, tag: number): ExponentialHistogramPoint {
  const outer = r.enter(tag);
  const point: ExponentialHistogramPoint = {
    attributes: {},
    startNs: 0n,
    timeNs: 0n,
    flags: 0,
    count: 0,
    sum: undefined,
    scale: 0,
    zeroCount: 0,
    zeroThreshold: 0,
    positive: { offset: 0, bucketCounts: [] },
    negative: { offset: 0, bucketCounts: [] },
  };
  while (r.hasMore()) {
    const t = r.readTag();
    switch (t >>> 3) {
      case 1:
        attributesInto(r, t, point);
        break;
      case 2:
        point.startNs = r.fixed64(t);
        break;
      case 3:
        point.timeNs = r.fixed64(t);
        break;
      case 4:
        point.count = Number(r.fixed64(t));
        break;
      case 5:
        point.sum = r.double(t);
        break;
      case 6:
        point.scale = sint32(r, t);
        break;
      case 7:
        point.zeroCount = Number(r.fixed64(t));
        break;
      case 8:
        within('positive', () => decodeBucketsInto(r, t, point.positive));
        break;
      case 9:
        within('negative', () => decodeBucketsInto(r, t, point.negative));
        break;
      case 10:
        point.flags = r.uint32(t);
        break;
      case 14:
        point.zeroThreshold = r.double(t);
        break;
      default:
        r.skip(t);
    }
  }
  r.leave(outer);
  return point;
}

// Buckets { sint32 offset = 1; repeated uint64 bucket_counts = 2; }
function decodeBucketsInto(r: ProtobufReader, tag: number, buckets: ExponentialBuckets): void {
  const outer = r.enter(tag);
  while (r.hasMore()) {
    const t = r.readTag();
    switch (t >>> 3) {
      case 1:
        buckets.offset = sint32(r, t);
        break;
      case 2:
        readRepeatedUint64Into(r, t, buckets.bucketCounts);
        break;
      default:
        r.skip(t);
    }
  }
  r.leave(outer);
}

// SummaryDataPoint { fixed64 start_time_unix_nano = 2; fixed64 time_unix_nano = 3; fixed64 count = 4;
//   double sum = 5; repeated ValueAtQuantile quantile_values = 6; repeated KeyValue attributes = 7;
//   uint32 flags = 8; }   ValueAtQuantile { double quantile = 1; double value = 2; }
function decodeSummaryPoint(r: ProtobufReader, tag: number): SummaryPoint {
  const outer = r.enter(tag);
  const point: SummaryPoint = { attributes: {}, startNs: 0n, timeNs: 0n, flags: 0, count: 0, sum: 0, quantiles: [] };
  while (r.hasMore()) {
    const t = r.readTag();
    switch (t >>> 3) {
      case 2:
        point.startNs = r.fixed64(t);
        break;
      case 3:
        point.timeNs = r.fixed64(t);
        break;
      case 4:
        point.count = Number(r.fixed64(t));
        break;
      case 5:
        point.sum = r.double(t);
        break;
      case 6: {
        const q = { quantile: 0, value: 0 };
        const inner = r.enter(t);
        while (r.hasMore()) {
          const f = r.readTag();
          if (f >>> 3 === 1) q.quantile = r.double(f);
          else if (f >>> 3 === 2) q.value = r.double(f);
          else r.skip(f);
        }
        r.leave(inner);
        point.quantiles.push(q);
        break;
      }
      case 7:
        attributesInto(r, t, point);
        break;
      case 8:
        point.flags = r.uint32(t);
        break;
      default:
        r.skip(t);
    }
  }
  r.leave(outer);
  return point;
}
